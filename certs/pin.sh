#!/usr/bin/env bash
# Prints the SPKI SHA-256 pin of each file: a certificate or chain (its first certificate), a CSR,
# a public key or a private key (PEM).
#
#   certs/pin.sh server.pem                  # sha256/...  server.pem
#   certs/pin.sh --curl server.pem           # sha256//... (for curl --pinnedpubkey)
#   certs/pin.sh backup-public.pem upload-eu.csr
set -euo pipefail
source "$(dirname "$0")/pin-lib.sh"
require_openssl

curl_form=false
if [[ "${1:-}" == "--curl" ]]; then
  curl_form=true
  shift
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--curl] FILE..." >&2
  exit 2
fi
for file in "$@"; do
  pin=$(pin_of "$file")
  if $curl_form; then
    pin="sha256//${pin#sha256/}"
  fi
  echo "$pin  $file"
done
