#!/usr/bin/env bash
# A self-signed certificate for local runs of the edge: DIR/edge.crt and DIR/edge.key (ECDSA P-256,
# 30 days, for localhost and 127.0.0.1). Production mounts a CA-issued certificate instead.
#   nginx/make-cert.sh DIR
set -euo pipefail
dir="${1:?usage: $0 DIR}"
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj "/CN=localhost/O=bankops local edge" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=serverAuth" \
  -keyout "$dir/edge.key" -out "$dir/edge.crt" 2>/dev/null
chmod 644 "$dir/edge.crt"
echo "$dir/edge.crt"
