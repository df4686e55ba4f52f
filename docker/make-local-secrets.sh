#!/usr/bin/env bash
# Makes the secrets docker/compose.yaml mounts, into docker/secrets/ (git-ignored), for a local
# region only: a local CA and a server certificate for media-edge (names media-edge, media-edge-1,
# media-edge-2, localhost, 127.0.0.1), a JWT key pair (RS256) and a token signed with it, valid for
# a day, and the key that signs listing cursors. Needs bash and openssl. Existing files are kept,
# except the token, which is made again (--force remakes everything).
#
# The files are readable by every local user, because the containers run as uid 10001; production
# mounts its secrets from a secret store, readable by that uid only. No private key is committed.
set -euo pipefail
cd "$(dirname "$0")"
dir=secrets
[[ ${1:-} == --force ]] && rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

if [[ ! -f ca.pem ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca-key.pem
  openssl req -x509 -new -key ca-key.pem -sha256 -days 365 -subj "/CN=media-edge local region CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
fi
if [[ ! -f server.pem ]]; then
  # PKCS#8, which media-edge reads; the certificate carries the compose names Prometheus and clients use.
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server-key.pem
  openssl req -new -key server-key.pem -subj "/CN=media-edge" -out server.csr
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" \
    "subjectAltName=DNS:media-edge,DNS:media-edge-1,DNS:media-edge-2,DNS:localhost,IP:127.0.0.1" >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 365 -sha256 \
    -extfile server.ext -out server.pem 2>/dev/null
  rm -f server.csr server.ext ca.srl
fi
if [[ ! -f jwt-public.pem ]]; then
  # RS256: a token can be signed with the openssl command line alone (below).
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out jwt-private-key.pem 2>/dev/null
  openssl pkey -in jwt-private-key.pem -pubout -out jwt-public.pem
fi
[[ -f cursor.key ]] || openssl rand -base64 32 >cursor.key

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
claims=$(printf '{"sub":"local-user","iss":"media-edge-local","aud":"media-edge","iat":%d,"exp":%d}' \
  "$now" "$((now + 86400))" | b64url)
signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign jwt-private-key.pem -binary | b64url)
printf '%s.%s.%s\n' "$header" "$claims" "$signature" >token

chmod 0755 .
chmod 0644 ./*
echo "docker/secrets/: ca.pem (trust it: curl --cacert docker/secrets/ca.pem), server.pem, jwt-public.pem, cursor.key, token (user local-user, for a day)"
