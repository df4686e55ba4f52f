#!/usr/bin/env bash
# Makes a backup key: a spare key pair whose pin clients ship before any certificate uses it, so a
# lost or compromised key can be replaced without locking clients out.
#
#   certs/make-backup-key.sh backup-2026-11
#       -> backup-2026-11-key.pem     private key: move it OFFLINE (a safe, an HSM, an
#                                     encrypted vault), not onto the servers
#          backup-2026-11-public.pem  public key: for pins.backupKeyFiles
#      and prints the pin, for pins.backupPins or the client apps
set -euo pipefail
source "$(dirname "$0")/pin-lib.sh"
require_openssl

algorithm=ec
if [[ "${1:-}" == "--rsa" ]]; then
  algorithm=rsa
  shift
fi
if [[ $# -ne 1 ]]; then
  echo "usage: $0 [--rsa] NAME" >&2
  exit 2
fi
key="$1-key.pem"
public="$1-public.pem"
refuse_existing "$key" "$public"
new_private_key "$algorithm" "$key"
openssl pkey -in "$key" -pubout -out "$public"

echo "private key: $key  <- store offline; it is needed only when this key is promoted"
echo "public key:  $public  <- pins.backupKeyFiles"
echo "pin:         $(pin_of "$public")  <- pins.backupPins / the apps' pin lists"
