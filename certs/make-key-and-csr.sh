#!/usr/bin/env bash
# Makes a private key and a certificate signing request for a regional host name, and prints the
# key's pin. Send the CSR to your CA (or the Cloudflare Origin CA); the key never leaves the
# machine that serves it.
#
#   certs/make-key-and-csr.sh upload-eu upload-eu.example.com
#       -> upload-eu-key.pem (PKCS#8, mode 600), upload-eu.csr, and the pin
#   certs/make-key-and-csr.sh --rsa upload-ap upload-ap.example.com upload.example.com
#   certs/make-key-and-csr.sh --key backup-1-key.pem upload-eu upload-eu.example.com
#       -> a CSR for an existing key (a backup key being promoted: its pin is already shipped)
#
# The first host name is the subject's CN; all are subjectAltNames (IP addresses as IP entries).
set -euo pipefail
source "$(dirname "$0")/pin-lib.sh"
require_openssl

algorithm=ec
key=""
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --rsa) algorithm=rsa; shift ;;
    --key) key=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 2 ]]; then
  echo "usage: $0 [--rsa] [--key EXISTING_KEY] NAME HOST [HOST...]" >&2
  exit 2
fi
name=$1
shift
csr="$name.csr"
if [[ -z "$key" ]]; then
  key="$name-key.pem"
  refuse_existing "$key" "$csr"
  new_private_key "$algorithm" "$key"
else
  refuse_existing "$csr"
fi

sans=""
for host in "$@"; do
  if [[ "$host" =~ ^[0-9.]+$ || "$host" == *:* ]]; then
    sans+="${sans:+,}IP:$host"
  else
    sans+="${sans:+,}DNS:$host"
  fi
done
openssl req -new -key "$key" -subj "/CN=$1" -addext "subjectAltName=$sans" -out "$csr"

echo "key:  $key (keep it on the server only; never commit it)"
echo "csr:  $csr ($sans)"
echo "pin:  $(pin_of "$key")"
