#!/usr/bin/env bash
# What the thumbnails worker's decoding sustains: thumbnails (200 and 800 px) per second of a
# 12-megapixel JPEG and of a 1080p H.264 MP4, on one thread and on every core, and the heap's peak.
# The sources are made at run time. Result JSON goes to bench/results/thumbnails-<UTC time>.json.
# See bench/README.md.
#
#   bench/thumbnails.sh            # 20 s per case after a 10 s warm-up: about 2.5 minutes
#   bench/thumbnails.sh --quick    # 5 s per case
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/java-bench.sh
# The worker's own launcher gives it no fixed heap; 1 GiB holds two 12 MP decodes with room.
run_java_bench thumbnails 1g io.mediaedge.bench.ThumbnailsBench "$@"
