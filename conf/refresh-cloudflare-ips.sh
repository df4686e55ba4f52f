#!/usr/bin/env bash
# Refreshes conf/cloudflare-ips.txt from Cloudflare's published lists. The new file is checked
# (every line a CIDR range, at least a few of each family) and moved into place atomically, so a
# running media-edge never reads half a file; it reloads the list within edge.reloadCheckInterval.
#
#   conf/refresh-cloudflare-ips.sh                  # writes conf/cloudflare-ips.txt
#   conf/refresh-cloudflare-ips.sh /etc/media-edge/cloudflare-ips.txt
#
# Run it from cron or a systemd timer (daily is plenty; Cloudflare announces changes well ahead).
# CLOUDFLARE_IPS_URL overrides the base URL (a mirror, or file:// in tests).
set -euo pipefail

target=${1:-"$(dirname "$0")/cloudflare-ips.txt"}
base=${CLOUDFLARE_IPS_URL:-https://www.cloudflare.com}
tmp=$(mktemp "${target}.XXXXXX")
trap 'rm -f "$tmp" "$tmp.v4" "$tmp.v6"' EXIT

curl --fail --silent --show-error --max-time 30 "$base/ips-v4" -o "$tmp.v4"
curl --fail --silent --show-error --max-time 30 "$base/ips-v6" -o "$tmp.v6"

v4=$(grep -cE '^[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}$' "$tmp.v4" || true)
v6=$(grep -cE '^[0-9a-fA-F:]+/[0-9]{1,3}$' "$tmp.v6" || true)
bad=$(cat "$tmp.v4" "$tmp.v6" | grep -vcE '^([0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3}|)$' || true)
if (( v4 < 5 || v6 < 3 || bad > 0 )); then
  echo "refresh-cloudflare-ips: the downloaded lists look wrong ($v4 IPv4, $v6 IPv6, $bad bad lines); keeping $target" >&2
  exit 1
fi

{
  echo "# Cloudflare's published edge ranges ($base/ips-v4 and /ips-v6), IPv4 then IPv6."
  echo "# Written by conf/refresh-cloudflare-ips.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ); do not edit by hand."
  grep -E '.' "$tmp.v4"
  grep -E '.' "$tmp.v6"
} > "$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$target"
echo "refresh-cloudflare-ips: $target now holds $v4 IPv4 and $v6 IPv6 ranges"
