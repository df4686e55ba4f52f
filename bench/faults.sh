#!/usr/bin/env bash
# The fault suite (issue 18): the dev stack and two media-edge JVMs under steady mixed load, and
# one fault after another: Kafka paused and killed, Cassandra paused (and killed, full run), S3
# paused, one media-edge killed with SIGKILL mid-flight and restarted, clients cutting uploads.
# Each scenario ends with the region audit; at the end every acknowledged upload's event is looked
# for on the history topic. Result JSON goes to <results>/faults-<UTC time>.json, and the table is
# printed. See bench/README.md.
#
#   bench/faults.sh --quick        # under 10 minutes
#   bench/faults.sh                # the full run (60 s Kafka pause, 20 kills, 1,000 cuts)
#   bench/faults.sh --help         # every option
#
# Needs only JDK 17+ and the Maven wrapper; loopback only; sends SIGSTOP/SIGKILL to its own
# child processes only.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/java-bench.sh
BENCH_FORKS_EDGE=1 run_java_bench faults 1g io.mediaedge.bench.FaultSuite "$@"
