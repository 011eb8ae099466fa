#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks need, only when they are missing.
set -euo pipefail
# shellcheck source=scripts/lib/ensure.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/ensure.sh"
had_nginx=0
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] && had_nginx=1
ensure_apt shellcheck:shellcheck nginx:nginx wrk:wrk curl:curl python3:python3
if [[ "$had_nginx" == 0 ]]; then
  # the nginx package starts a system service on :80; the tests run their own instances
  if command -v systemctl >/dev/null 2>&1; then systemctl stop nginx >/dev/null 2>&1 || true; fi
  pkill -x nginx >/dev/null 2>&1 || true
fi
echo "tools: $(command -v shellcheck nginx wrk /usr/sbin/nginx 2>/dev/null | tr '\n' ' ')"
