#!/usr/bin/env bash
# Checks a certificate chain and a key before they are installed, as media-edge does when it
# reloads them: the key belongs to the first certificate, and that certificate is valid now and for
# the next DAYS days (default 14). Prints the pin the clients must already know.
#
#   certs/check-pair.sh upload-eu.pem upload-eu-key.pem [DAYS]
set -euo pipefail
source "$(dirname "$0")/pin-lib.sh"
require_openssl

if [[ $# -lt 2 ]]; then
  echo "usage: $0 CHAIN KEY [DAYS]" >&2
  exit 2
fi
chain=$1
key=$2
days=${3:-14}
cert_pin=$(pin_of "$chain")
key_pin=$(pin_of "$key")
if [[ "$cert_pin" != "$key_pin" ]]; then
  echo "MISMATCH: $key is not the key of the first certificate in $chain ($key_pin vs $cert_pin)" >&2
  exit 1
fi
if ! openssl x509 -in "$chain" -noout -checkend 0 >/dev/null; then
  echo "EXPIRED: $chain" >&2
  exit 1
fi
if ! openssl x509 -in "$chain" -noout -checkend $((days * 86400)) >/dev/null; then
  echo "warning: $chain expires within $days days" >&2
fi
openssl x509 -in "$chain" -noout -subject -enddate -ext subjectAltName 2>/dev/null | sed 's/^/  /'
echo "ok: key and certificate belong together; pin $cert_pin"
