#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks need, only when they are missing.
set -euo pipefail
need=()
for pair in shellcheck:shellcheck nginx:nginx wrk:wrk curl:curl python3:python3; do
  cmd="${pair%%:*}"
  pkg="${pair##*:}"
  if ! command -v "$cmd" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$cmd" ]]; then
    need+=("$pkg")
  fi
done
if [[ ${#need[@]} -gt 0 ]]; then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # the nginx package starts a system service on :80; the tests run their own instances
  if command -v systemctl >/dev/null 2>&1; then systemctl stop nginx >/dev/null 2>&1 || true; fi
  pkill -x nginx >/dev/null 2>&1 || true
fi
echo "tools: $(command -v shellcheck nginx wrk /usr/sbin/nginx 2>/dev/null | tr '\n' ' ')"
