#!/usr/bin/env bash
# Shared by the scripts in certs/: the SPKI SHA-256 pin of a PEM file, whatever it holds.
# Source it; it is not a command of its own.

# The public key (PEM) of a certificate (the first of a chain), CSR, public key or private key.
public_key_of() {
  local file=$1 first
  first=$(grep -m1 -o -- '-----BEGIN [A-Z ]*-----' "$file" || true)
  case "$first" in
    *"CERTIFICATE REQUEST"*) openssl req -in "$file" -pubkey -noout ;;
    *CERTIFICATE*) openssl x509 -in "$file" -pubkey -noout ;;
    *"PUBLIC KEY"*) openssl pkey -pubin -in "$file" ;;
    *"PRIVATE KEY"*) openssl pkey -in "$file" -pubout ;;
    *) echo "$file: no PEM certificate, CSR or key found" >&2; return 1 ;;
  esac
}

# sha256/<base64 of SHA-256 of the SubjectPublicKeyInfo DER>: the pin OkHttp takes; curl's
# --pinnedpubkey wants the same with "sha256//".
pin_of() {
  local digest
  digest=$(public_key_of "$1" | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl base64 -A)
  echo "sha256/$digest"
}

require_openssl() {
  command -v openssl >/dev/null || { echo "openssl is needed (apt-get install openssl)" >&2; exit 2; }
}

# Refuses to overwrite: a key is never replaced by accident.
refuse_existing() {
  local file
  for file in "$@"; do
    if [[ -e "$file" ]]; then
      echo "$file exists; move it away or choose another name" >&2
      exit 1
    fi
  done
}

# A new private key, PKCS#8 PEM (what media-edge reads), readable by its owner only.
new_private_key() {
  local algorithm=$1 file=$2
  (
    umask 077
    case "$algorithm" in
      ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$file" ;;
      rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$file" ;;
      ed25519) openssl genpkey -algorithm ED25519 -out "$file" ;;
    esac
  ) 2>/dev/null
}
