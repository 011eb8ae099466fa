#!/usr/bin/env bash
# Sourced by checks and CI stages that need a running appliance: starts `./bankops demo` on a
# fresh data directory and a port block of its own, and stops its whole process group.
#   demo_start BASE_PORT WORKDIR   data :BASE+80, admin :BASE+90, bank instances :BASE+101..
#   demo_stop                      SIGINT (as Ctrl-C), then SIGKILL after 20 s; checks nothing is left
# Sets DEMO_URL, DEMO_ADMIN_URL, DEMO_TOKEN, DEMO_LOG, DEMO_PGID.
DEMO_PGID=""

demo_start() {
  local base="$1" dir="$2" port
  DEMO_HTTP_PORT=$((base + 80))
  DEMO_ADMIN_PORT=$((base + 90))
  DEMO_BANK_PORT=$((base + 101))
  DEMO_URL="http://127.0.0.1:$DEMO_HTTP_PORT"
  DEMO_ADMIN_URL="http://127.0.0.1:$DEMO_ADMIN_PORT"
  DEMO_LOG="$dir/demo.log"
  for port in "$DEMO_HTTP_PORT" "$DEMO_ADMIN_PORT" "$DEMO_BANK_PORT"; do
    if ss -ltn "sport = :$port" | grep -q LISTEN; then
      echo "demo: port $port is already in use" >&2
      return 1
    fi
  done
  mkdir -p "$dir"
  printf 'demo:\n  dataDir: %s\n  bankBasePort: %s\n' "$dir/data" "$DEMO_BANK_PORT" >"$dir/config.yaml"
  # setsid: its own process group, so stopping it reaches every bank instance and PostgreSQL;
  # SIGINT restored to default because background jobs of scripts ignore it
  BANKOPS_CONFIG="$dir/config.yaml" BANKOPS_HTTP_PORT="$DEMO_HTTP_PORT" BANKOPS_ADMIN_PORT="$DEMO_ADMIN_PORT" \
    setsid python3 -c \
    'import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
    ./bankops demo >"$DEMO_LOG" 2>&1 &
  DEMO_PGID=$!
  local start
  start=$(date +%s)
  for _ in $(seq 1 240); do
    if grep -q "appliance is up" "$DEMO_LOG"; then
      export DEMO_TOKEN
      DEMO_TOKEN="$(cat "$dir/data/admin-token")"
      echo "demo: up on $DEMO_URL (admin $DEMO_ADMIN_URL) after $(($(date +%s) - start)) s"
      return 0
    fi
    kill -0 "$DEMO_PGID" 2>/dev/null || break
    sleep 1
  done
  echo "demo: did not come up; last lines of its log:" >&2
  tail -30 "$DEMO_LOG" >&2
  return 1
}

demo_stop() {
  [[ -n "$DEMO_PGID" ]] || return 0
  kill -INT -- "-$DEMO_PGID" 2>/dev/null || true
  for _ in $(seq 1 40); do
    pgrep -g "$DEMO_PGID" >/dev/null 2>&1 || break
    sleep 0.5
  done
  if pgrep -g "$DEMO_PGID" >/dev/null 2>&1; then
    echo "demo: still running 20 s after SIGINT; killing its process group" >&2
    kill -KILL -- "-$DEMO_PGID" 2>/dev/null || true
    DEMO_PGID=""
    return 1
  fi
  DEMO_PGID=""
}
