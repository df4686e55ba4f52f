#!/usr/bin/env bash
# Scenario 3, memory under concurrency: the dev stack (S3Mock, Cassandra, Kafka) and a media-edge
# JVM at -Xmx256m; 200 uploads of 50 MB at once over HTTPS. All must answer 201 with the right
# SHA-256; reports peak heap against upload.memoryBudget, peak RSS, GC time share, OOM, MB/s,
# latency percentiles and the uploads that waited for memory. Result JSON goes to
# <results>/concurrency-memory-<UTC time>.json. See bench/README.md.
#
#   bench/concurrency-memory.sh                # 200 x 50 MB (several minutes on 2 cores)
#   bench/concurrency-memory.sh --quick        # 40 x 10 MB
#   bench/concurrency-memory.sh --results DIR  # where the JSON goes (default bench/results)
#   bench/concurrency-memory.sh --help         # every option
#
# Needs only JDK 17+ (Cassandra wants a JDK 11-17) and the Maven wrapper; loopback only. Needs about
# 10 GB of free disk under target/bench-concurrency for the full run (deleted at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/java-bench.sh
# 200 HTTPS connections, each generating and hashing its body as it sends.
BENCH_FORKS_EDGE=1 run_java_bench concurrency 1g io.mediaedge.bench.ConcurrencyMemoryBench "$@"
