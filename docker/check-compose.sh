#!/usr/bin/env bash
# Validates docker/compose.yaml offline, with no Docker engine: Debian's docker-compose 1.29 checks
# a version "2.4" file (schema, anchors, variables) with `config -q`; then the files it mounts and
# builds from must exist in the repository. Needs the Debian package docker-compose.
set -euo pipefail
cd "$(dirname "$0")"

command -v docker-compose >/dev/null || { echo "check-compose: docker-compose is missing (Debian package docker-compose)" >&2; exit 1; }
docker-compose -f compose.yaml config -q
# Bind mounts that come with the repository (docker/secrets/ is made by make-local-secrets.sh).
for file in prometheus/prometheus.yml prometheus/alerts.yml grafana/provisioning/datasources/prometheus.yaml \
    grafana/provisioning/dashboards/insights.yaml grafana/provisioning/dashboards/insights.json \
    media-edge/Dockerfile insights/Dockerfile; do
  [[ -f $file ]] || { echo "check-compose: compose.yaml needs docker/$file, which is missing" >&2; exit 1; }
done
echo "check-compose: docker/compose.yaml is valid ($(docker-compose -f compose.yaml config --services | tr '\n' ' '))"
