#!/usr/bin/env bash
# Large-upload benchmark: streams a generated 1.6 GB body through a media-edge JVM started with
# -Xmx64m into a local S3-compatible server, downloads it back, and reports success, SHA-256
# matches, throughput, and the media-edge JVM's peak heap and RSS. Result JSON goes to
# bench/results/large-upload-<UTC time>.json. See bench/README.md.
#
#   bench/large-upload.sh                       # 1,600,000,000 bytes, -Xmx64m, HTTP/1.1
#   bench/large-upload.sh --size 200MB --http both
#   bench/large-upload.sh --help                # every option
#
# Needs only JDK 17+ and the Maven wrapper; talks to loopback only.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/bench"
mkdir -p "$work"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java=$(command -v java || true)
fi
if [[ -z "$java" ]]; then
  echo "large-upload: no java found; install JDK 17+ or set JAVA_HOME" >&2
  exit 2
fi

echo "[bench] building (test-compile) and resolving class paths ..."
# Compiles main and test code (the benchmark lives with the tests, next to the dev stack it uses),
# copies the S3 server jar to target/devstack, and lists every dependency jar for this JVM.
./mvnw -q -B -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/classpath-test.txt"
# media-edge itself runs on its runtime class path only, as in production. (The property is
# includeScope; -Dmdep.includeScope is silently ignored and would give the test scope.)
./mvnw -q -B dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile="$work/classpath-runtime.txt"

# Run from a private copy of the compiled classes, so that another build recompiling (or cleaning)
# target/ while the benchmark runs cannot pull classes from under the JVMs.
run="$work/run/$$"
trap 'rm -rf "$run"' EXIT
mkdir -p "$run"
cp -R "$root/target/classes" "$run/classes"
cp -R "$root/target/test-classes" "$run/test-classes"

cp="$run/test-classes:$run/classes:$(cat "$work/classpath-test.txt")"
"$java" -Xmx256m -Ddevstack.dir="$root/target/devstack" -Dbench.edgeClasses="$run/classes" -cp "$cp" \
  io.mediaedge.bench.LargeUploadBench --runtime-classpath "$work/classpath-runtime.txt" "$@"
