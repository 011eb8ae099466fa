#!/usr/bin/env bash
# A Docker engine for the docker runtime's integration tests and `BANKOPS_RUNTIME=docker ./bankops demo`.
# When no engine answers: install Debian's docker.io and start dockerd without a bridge or iptables
# (this machine has no bridge networking; containers use --network host). Then build the offline
# images when missing or stale. Idempotent: a second run finds the engine and the images current.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"

DOCKERD_LOG="${BANKOPS_DOCKERD_LOG:-/var/log/bankops-dockerd.log}"
WAIT_SECONDS="${BANKOPS_DOCKERD_WAIT:-60}"

engine_answers() { docker info >/dev/null 2>&1; }

if engine_answers; then
  echo "docker: engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
else
  ensure_apt dockerd:docker.io
  DOCKERD="$(command -v dockerd || echo /usr/sbin/dockerd)"
  # a dockerd killed earlier leaves its pid file, and a new one refuses to start over it
  if [[ -f /var/run/docker.pid ]] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
  echo "docker: starting $DOCKERD (log: $DOCKERD_LOG)"
  # setsid: the engine outlives this script and the test run that started it, like a system service
  setsid "$DOCKERD" --bridge=none --iptables=false --ip-forward=false >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
    engine_answers && break
    sleep 0.5
  done
  if ! engine_answers; then
    echo "docker: engine did not answer within ${WAIT_SECONDS}s; last lines of $DOCKERD_LOG:" >&2
    tail -20 "$DOCKERD_LOG" >&2 || true
    exit 1
  fi
  echo "docker: engine up after about $(((i + 1) / 2)) s ($(docker version --format '{{.Server.Version}}'))"
fi

"$ROOT/scripts/build-images.sh"
