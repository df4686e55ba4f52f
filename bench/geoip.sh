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
source bench/java-bench.sh
# The dev profile fetches target/geoip/dbip-country.mmdb once (skipped when present; never fails
# offline). The Cassandra and Kafka classpaths are not needed here.
prepare_java_bench geoip -Pdev -Ddevstack.skip=true
# BENCH_JAVA_OPTS adds JVM options (e.g. a GC); the synthetic databases are built in this JVM.
# shellcheck disable=SC2086
"$bench_java" -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$bench_cp" io.mediaedge.bench.GeoLookupBench "$@"
