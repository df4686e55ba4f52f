#!/usr/bin/env bash
# History-latency benchmark: starts the dev stack (S3, Cassandra, Kafka) and media-edge in one JVM
# and reports how long each takes to start, then how much latency the Cassandra calls of an upload
# add (quota reserve, quota commit, the logged batch of recordUpload; median, p90, p99, max), one
# upload at a time and 16 in flight, next to the latency of whole small HTTPS uploads. Result JSON
# goes to bench/results/history-latency-<UTC time>.json. See bench/README.md.
#
#   bench/history-latency.sh                          # defaults: about 2 minutes on 2 cores
#   bench/history-latency.sh --iterations 500 --uploads 100   # quick look
#   bench/history-latency.sh --help                   # every option
#
# Needs only JDK 17+ (Cassandra wants a JDK 11-17; see CASSANDRA_JAVA_HOME) and the Maven wrapper;
# talks to loopback only.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/bench-history"
mkdir -p "$work"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java=$(command -v java || true)
fi
if [[ -z "$java" ]]; then
  echo "history-latency: no java found; install JDK 17+ or set JAVA_HOME" >&2
  exit 2
fi

echo "[bench] building (test-compile) and resolving the class path ..."
# Compiles main and test code (the benchmark lives with the tests, next to the dev stack it uses),
# copies the S3 server jar and resolves the Cassandra and Kafka server classpaths into
# target/devstack, and lists every dependency jar of the test scope.
./mvnw -q -B -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/classpath-test.txt"

# Run from a private copy of the compiled classes, so that another build recompiling (or cleaning)
# target/ while the benchmark runs cannot pull classes from under the JVM.
run="$work/run/$$"
trap 'rm -rf "$run"' EXIT
mkdir -p "$run"
cp -R "$root/target/classes" "$run/classes"
cp -R "$root/target/test-classes" "$run/test-classes"

cp="$run/test-classes:$run/classes:$(cat "$work/classpath-test.txt")"
# media-edge and the HTTPS client share this JVM; BENCH_JAVA_OPTS adds JVM options (e.g. a GC).
# shellcheck disable=SC2086
"$java" -Xmx512m ${BENCH_JAVA_OPTS:-} -Ddevstack.dir="$root/target/devstack" -cp "$cp" \
  io.mediaedge.bench.HistoryLatencyBench "$@"
