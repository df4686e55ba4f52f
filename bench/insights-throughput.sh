#!/usr/bin/env bash
# What one insights instance sustains (events per second from the history topic on a real Kafka to
# its API's global view) and what 24 hours of its one-minute slots cost on the heap. Result JSON
# goes to bench/results/insights-throughput-<UTC time>.json. See bench/README.md.
#
#   bench/insights-throughput.sh              # 3,000,000 events, 5,000 networks; a few minutes on 2 cores
#   bench/insights-throughput.sh --quick      # 500,000 events, lighter memory phase
#   bench/insights-throughput.sh --help
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/java-bench.sh
prepare_java_bench insights-throughput
# The heap holds the day of slots of the memory phase; insights runs in this JVM. The bench module's
# class path has insights (and Kafka's clients) through its dependencies.
# shellcheck disable=SC2086
"$bench_java" -Xmx3g ${BENCH_JAVA_OPTS:-} -Ddevstack.dir="$(pwd)/target/devstack" -cp "$bench_cp" \
  io.mediaedge.bench.InsightsThroughputBench "$@"
