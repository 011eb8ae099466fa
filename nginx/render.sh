#!/usr/bin/env bash
# Renders nginx/nginx.conf.template into PREFIX/nginx.conf (and PREFIX/tmp for NGINX's temp files).
#   nginx/render.sh PREFIX EDGE_LISTEN UPSTREAM CERT_DIR
#   e.g. nginx/render.sh /tmp/edge 127.0.0.1:8443 127.0.0.1:8080 /tmp/edge/cert
set -euo pipefail
if [[ $# -ne 4 ]]; then
  echo "usage: $0 PREFIX EDGE_LISTEN UPSTREAM CERT_DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$(mkdir -p "$1" && cd "$1" && pwd)"
cert_dir="$(cd "$4" && pwd)"
mkdir -p "$prefix/tmp"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@EDGE_LISTEN@|$2|g" -e "s|@UPSTREAM@|$3|g" \
  -e "s|@CERT_DIR@|$cert_dir|g" "$here/nginx.conf.template" >"$prefix/nginx.conf"
echo "$prefix/nginx.conf"
