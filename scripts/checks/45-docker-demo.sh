#!/usr/bin/env bash
# `BANKOPS_RUNTIME=docker ./bankops demo` end to end on the real engine: the bank instances run as
# labelled, non-root containers; a transfer goes through them; the admin API shows the docker
# runtime; Ctrl-C (SIGINT to the process group) stops and removes every container and process.
# Needs the engine scripts/setup.d/20-docker.sh starts. Ports 30700 (data), 30701 (admin),
# 30710.. (instances); only 127.0.0.1 is contacted.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
HTTP_PORT=30700
ADMIN_PORT=30701
APPLIANCE_ID="check-docker-demo"
tmp="$(mktemp -d)"
passed=0
failed=0
check() { # NAME CONDITION...
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "  ok   $name"
  else
    failed=$((failed + 1))
    echo "  FAIL $name"
  fi
}
containers() { docker ps -aq --filter "label=com.bankops.appliance=$APPLIANCE_ID"; }

if ! docker info >/dev/null 2>&1; then
  echo "docker demo: no Docker engine answers (scripts/setup.d/20-docker.sh starts one)"
  echo "docker-demo: 0 passed, 1 failed"
  exit 1
fi
printf 'demo: {dataDir: %s, bankBasePort: 30710}\n' "$tmp/data" >"$tmp/config.yaml"

echo "docker demo: starting BANKOPS_RUNTIME=docker ./bankops demo (data in $tmp/data)"
start=$(date +%s)
# background jobs of scripts ignore SIGINT: restore the default so Ctrl-C is a real one
BANKOPS_CONFIG="$tmp/config.yaml" BANKOPS_RUNTIME=docker BANKOPS_HTTP_PORT=$HTTP_PORT \
  BANKOPS_ADMIN_PORT=$ADMIN_PORT BANKOPS_APPLIANCE_ID=$APPLIANCE_ID setsid python3 -c \
  'import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
  ./bankops demo >"$tmp/demo.log" 2>&1 &
pgid=$!
cleanup() {
  kill -KILL -- "-$pgid" 2>/dev/null || true
  left="$(containers)"
  # shellcheck disable=SC2086
  [[ -z "$left" ]] || docker rm -f $left >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

up=0
for _ in $(seq 1 240); do
  if grep -q "appliance is up" "$tmp/demo.log"; then
    up=1
    break
  fi
  kill -0 "$pgid" 2>/dev/null || break
  sleep 1
done
check "docker demo up within 240 s (took $(($(date +%s) - start)) s)" test "$up" = 1
if [[ "$up" != 1 ]]; then
  grep -v '^{' "$tmp/demo.log" | tail -40
  echo "docker-demo: $passed passed, $failed failed"
  exit 1
fi

mapfile -t ids < <(containers)
check "two bank containers run" test "${#ids[@]}" = 2
for id in "${ids[@]}"; do
  check "container ${id:0:12}: host network, --init, user 65534" \
    test "$(docker inspect --format '{{.HostConfig.NetworkMode}} {{.HostConfig.Init}} {{.Config.User}} {{.State.Status}}' "$id")" = "host true 65534:65534 running"
done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -sS -XPOST "http://127.0.0.1:$HTTP_PORT$1" -H 'Content-Type: application/json' "${@:3}" -d "$2"; }
alice=$(post /accounts '{"owner":"alice","initialBalance":10000}' | json '["id"]')
bob=$(post /accounts '{"owner":"bob","initialBalance":500}' | json '["id"]')
check "two accounts opened" test -n "$alice" -a -n "$bob"
for _ in 1 2; do
  post /transfers "{\"from\":\"$alice\",\"to\":\"$bob\",\"amount\":2500}" -H 'Idempotency-Key: docker-smoke-1' >/dev/null
done
check "transfer moved money once" test "$(curl -sS "http://127.0.0.1:$HTTP_PORT/accounts/$bob" | json '["balance"]')" = 3000
served="$(curl -sS -D - -o /dev/null "http://127.0.0.1:$HTTP_PORT/accounts/$bob" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-bank-instance" {print $2}')"
check "served by a container's instance ($served)" \
  test -n "$(docker ps -q --filter "label=com.bankops.instance=$served" --filter "label=com.bankops.appliance=$APPLIANCE_ID")"
token="$(cat "$tmp/data/admin-token")"
check "./bankops autoscaler reports the docker runtime" bash -c \
  "BANKOPS_ADMIN_TOKEN=$token BANKOPS_ADMIN_PORT=$ADMIN_PORT ./bankops autoscaler | grep -q '\"docker\"'"

echo "docker demo: Ctrl-C"
kill -INT -- "-$pgid"
gone=0
for _ in $(seq 1 60); do
  if ! pgrep -g "$pgid" >/dev/null 2>&1 && [[ -z "$(containers)" ]]; then
    gone=1
    break
  fi
  sleep 0.5
done
check "no process and no container left behind" test "$gone" = 1
echo "docker-demo: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
