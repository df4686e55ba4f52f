#!/usr/bin/env bash
# Resumable-upload benchmark: uploads a generated 1.6 GB video through a media-edge JVM started
# with -Xmx64m as a tus 1.0.0 upload in 90 MB PATCHes, resetting the connection 3 times (a loopback
# proxy sends RSTs at 20%, 50% and 80% of the file); after each cut the client asks HEAD for the
# durable offset and resumes. Then the same body goes up as one POST /v1/media in the same
# media-edge, for the throughput ratio. Reports time, MB/s of both, bytes sent again, peak heap,
# heap after GC, peak RSS, GC and CPU, and checks the media's SHA-256 (and a download) against the
# file's. media-edge needs S3, Cassandra and Kafka: the dev stack's servers are started for it, each
# in its own JVM. Result JSON goes to <results>/resumable-upload-<UTC time>.json; it is scenario 7
# of the suite (bench/suite.sh folds in its "table"). Exits non-zero when the scenario failed. See
# bench/README.md.
#
#   bench/resumable-upload.sh                    # 1,600,000,000 bytes, 90 MB PATCHes, 3 cuts
#   bench/resumable-upload.sh --quick            # 300 MB, 40 MB PATCHes, 3 cuts (about 2 minutes)
#   bench/resumable-upload.sh --results DIR      # where the JSON goes (default bench/results)
#   bench/resumable-upload.sh --help             # every option
#
# Needs only JDK 17+ (Cassandra wants a JDK 11-17; see CASSANDRA_JAVA_HOME) and the Maven wrapper;
# talks to loopback only.
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/forked-edge-bench.sh
run_forked_edge_bench resumable-upload "$(pwd)/target/bench-resumable" io.mediaedge.bench.ResumableUploadBench "$@"
