#!/usr/bin/env bash
# Large-upload benchmark: streams a generated 1.6 GB body through a media-edge JVM started with
# -Xmx64m into a local S3-compatible server, downloads it back, and reports success, SHA-256
# matches, throughput, and the media-edge JVM's peak heap and RSS. media-edge needs S3, Cassandra
# and Kafka: the dev stack's servers are started for it, each in its own JVM. Result JSON goes to
# bench/results/large-upload-<UTC time>.json. See bench/README.md.
#
#   bench/large-upload.sh                       # 1,600,000,000 bytes, -Xmx64m, HTTP/1.1
#   bench/large-upload.sh --size 200MB --http both
#   bench/large-upload.sh --help                # every option
#
# Needs only JDK 17+ (Cassandra wants a JDK 11-17; see CASSANDRA_JAVA_HOME) and the Maven wrapper;
# talks to loopback only.
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/forked-edge-bench.sh
run_forked_edge_bench large-upload "$(pwd)/target/bench" io.mediaedge.bench.LargeUploadBench "$@"
