#!/usr/bin/env bash
# Makes the key that signs the pin document (never a TLS key). EC P-256 signs ES256 (default);
# --ed25519 makes an Ed25519 key for EdDSA. Prints the key id (kid): the RFC 7638 thumbprint of
# the public key, which media-edge uses unless pins.signingKeyId says otherwise.
#
#   certs/make-pin-signing-key.sh pin-signing-2026
#       -> pin-signing-2026-key.pem     pins.signingKeyFile (on the servers, mode 600)
#          pin-signing-2026-public.pem  pins.signingPublicKeyFile, and what the apps ship
set -euo pipefail
source "$(dirname "$0")/pin-lib.sh"
require_openssl

algorithm=ec
if [[ "${1:-}" == "--ed25519" ]]; then
  algorithm=ed25519
  shift
fi
if [[ $# -ne 1 ]]; then
  echo "usage: $0 [--ed25519] NAME" >&2
  exit 2
fi
key="$1-key.pem"
public="$1-public.pem"
refuse_existing "$key" "$public"
new_private_key "$algorithm" "$key"
openssl pkey -in "$key" -pubout -out "$public"

base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
der=$(mktemp)
trap 'rm -f "$der"' EXIT
openssl pkey -pubin -in "$public" -outform der -out "$der"
if [[ "$algorithm" == ec ]]; then
  # The last 64 bytes of a P-256 SubjectPublicKeyInfo are the point's X and Y.
  x=$(tail -c 64 "$der" | head -c 32 | base64url)
  y=$(tail -c 32 "$der" | base64url)
  jwk="{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"$x\",\"y\":\"$y\"}"
  alg=ES256
else
  x=$(tail -c 32 "$der" | base64url)
  jwk="{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"$x\"}"
  alg=EdDSA
fi
kid=$(printf '%s' "$jwk" | openssl dgst -sha256 -binary | base64url)

echo "signing key: $key  <- pins.signingKeyFile (servers only, never a TLS key)"
echo "public key:  $public  <- pins.signingPublicKeyFile, shipped in the apps"
echo "algorithm:   $alg"
echo "kid:         $kid"
