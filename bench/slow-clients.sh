#!/usr/bin/env bash
# Scenario 6, slow and idle clients: the dev stack and a media-edge JVM; 20 well-behaved clients
# upload 100 KiB-1 MiB bodies in a loop, first alone, then while 10,000 hostile connections
# (slowloris headers, a 100 B/s body, idle after TLS, idle kept-alive, idle without TLS) are opened
# and held. Reports the well-behaved p50/p99 per phase, media-edge's heap/RSS/open files during the
# attack, and how many hostile connections the server closed and after how long. Result JSON goes
# to <results>/slow-clients-<UTC time>.json. See bench/README.md.
#
#   bench/slow-clients.sh                 # 10,000 hostile connections (about 3 minutes)
#   bench/slow-clients.sh --quick         # 1,000, shorter phases
#   bench/slow-clients.sh --help          # every option
#
# Needs only JDK 17+ and the Maven wrapper; loopback only. Both JVMs hold one file descriptor per
# connection: the soft open-file limit is raised to the hard limit (the result records both).
set -euo pipefail
cd "$(dirname "$0")/.."
hard=$(ulimit -Hn)
if [[ "$hard" == unlimited || "$hard" -gt 65536 ]]; then hard=65536; fi
ulimit -Sn "$hard" || echo "slow-clients: could not raise the open-file limit (soft $(ulimit -Sn))" >&2
echo "[bench] open-file limit: soft $(ulimit -Sn), hard $(ulimit -Hn)"
source bench/java-bench.sh
BENCH_FORKS_EDGE=1 run_java_bench slow 1g io.mediaedge.bench.SlowClientsBench "$@"
