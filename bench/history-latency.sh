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
source bench/java-bench.sh
# media-edge and the HTTPS client share this JVM.
run_java_bench history 512m io.mediaedge.bench.HistoryLatencyBench "$@"
