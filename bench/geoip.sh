#!/usr/bin/env bash
# GeoIP lookup benchmark: nanoseconds per lookup through the MaxMind reader alone, through
# GeoLocator without its cache, and through its per-address cache, single thread, on a synthetic
# GeoLite2-City + GeoLite2-ASN pair of realistic size (written with the test MMDB writer) and on
# the real DB-IP Lite country database when it can be fetched. Result JSON goes to
# bench/results/geoip-<UTC time>.json. See bench/README.md.
#
#   bench/geoip.sh                        # defaults: about a minute on 2 cores
#   bench/geoip.sh --networks 500000      # a bigger synthetic database
#   bench/geoip.sh --help                 # every option
#
# Needs only JDK 17+ and the Maven wrapper (and the network once, for the DB-IP database).
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/target/bench-geoip"
mkdir -p "$work"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java=$(command -v java || true)
fi
if [[ -z "$java" ]]; then
  echo "geoip: no java found; install JDK 17+ or set JAVA_HOME" >&2
  exit 2
fi

echo "[bench] building (test-compile), resolving the class path, fetching DB-IP Lite country if missing ..."
# The dev profile fetches target/geoip/dbip-country.mmdb once (skipped when present; never fails
# offline). The Cassandra and Kafka classpaths are not needed here.
./mvnw -q -B -Pdev -Ddevstack.skip=true -DskipTests test-compile dependency:build-classpath \
  -Dmdep.outputFile="$work/classpath-test.txt"

# Run from a private copy of the compiled classes, so that another build recompiling (or cleaning)
# target/ while the benchmark runs cannot pull classes from under the JVM.
run="$work/run/$$"
trap 'rm -rf "$run"' EXIT
mkdir -p "$run"
cp -R "$root/target/classes" "$run/classes"
cp -R "$root/target/test-classes" "$run/test-classes"

cp="$run/test-classes:$run/classes:$(cat "$work/classpath-test.txt")"
# BENCH_JAVA_OPTS adds JVM options (e.g. a GC); the synthetic databases are built in this JVM.
# shellcheck disable=SC2086
"$java" -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$cp" io.mediaedge.bench.GeoLookupBench "$@"
