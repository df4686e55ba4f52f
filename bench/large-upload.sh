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
source bench/java-bench.sh
prepare_java_bench large-upload
# media-edge itself runs on its runtime class path only, as in production. (The property is
# includeScope; -Dmdep.includeScope is silently ignored and would give the test scope.)
./mvnw -q -B dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile="$bench_work/classpath-runtime.txt"

"$bench_java" -Xmx256m -Ddevstack.dir="$(pwd)/target/devstack" -Dbench.edgeClasses="$bench_run/classes" \
  -cp "$bench_cp" io.mediaedge.bench.LargeUploadBench --runtime-classpath "$bench_work/classpath-runtime.txt" "$@"
