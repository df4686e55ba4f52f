#!/usr/bin/env bash
# TLS handshake benchmark: full and resumed handshakes per second against media-edge (OpenSSL
# engine), one new connection per GET /healthz, TLS 1.3 and 1.2, ECDSA P-256 and RSA-2048
# certificates, driven by parallel `openssl s_time` clients. media-edge runs in the benchmark JVM
# (EdgeServer.start over the dev stack's S3, Cassandra and Kafka), so that JVM's CPU time is the
# server's. Result JSON goes to bench/results/tls-handshake-<UTC time>.json. See bench/README.md.
#
#   bench/tls-handshake.sh                                  # every combination, 10 s each (~3 min)
#   bench/tls-handshake.sh --seconds 3 --keys ecdsa         # quick look
#   bench/tls-handshake.sh --help                           # every option
#
# Needs JDK 17+ (Cassandra wants a JDK 11-17; see CASSANDRA_JAVA_HOME), the Maven wrapper and the
# openssl command line; talks to loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v openssl >/dev/null; then
  echo "tls-handshake: the openssl command line is needed for the clients (apt-get install openssl)" >&2
  exit 2
fi
source bench/java-bench.sh
run_java_bench tls 512m io.mediaedge.bench.TlsHandshakeBench --work target/bench-tls "$@"
