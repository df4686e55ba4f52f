#!/usr/bin/env bash
# Demo traffic for dev mode: clients in 32 countries (the demo world dev mode geo-tags with) upload,
# download and delete media through the running media-edge, with some failures, and after a few
# minutes one network (NG/29465 by default) turns slow and failing, for the insights dashboards and
# ISP-trouble detection to show. Start dev mode first, in another terminal:
#
#   ./mvnw -Pdev compile exec:java
#   bench/demo-traffic.sh                       # up to 6 visits/s until Ctrl-C
#   bench/demo-traffic.sh --rate 40 --trouble-after 1m --duration 10m
#   bench/demo-traffic.sh --help
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/java-bench.sh
# Only the generator runs here: no dev stack servers are needed for the build.
prepare_java_bench demo-traffic -Ddevstack.skip=true
# shellcheck disable=SC2086
"$bench_java" -Xmx512m ${BENCH_JAVA_OPTS:-} -cp "$bench_cp" io.mediaedge.bench.DemoTraffic "$@"
