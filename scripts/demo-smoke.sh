#!/usr/bin/env bash
# Runs `./bankops demo` as a newcomer would, on a fresh data directory: waits for it to come up,
# opens two accounts, moves money (twice with the same Idempotency-Key), drives the admin
# commands, then sends SIGINT to its process group as a terminal's Ctrl-C does and checks that no
# process and no listening port is left behind. Only 127.0.0.1 is contacted.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
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
printf 'demo:\n  dataDir: %s\n' "$tmp/data" >"$tmp/config.yaml"
for port in 8080 9090 8101 8102; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then
    echo "demo smoke: port $port is already in use" >&2
    exit 1
  fi
done

echo "demo smoke: starting ./bankops demo (data in $tmp/data)"
start=$(date +%s)
# A terminal's Ctrl-C reaches the whole foreground process group; background jobs of scripts
# ignore SIGINT, so restore the default before exec.
BANKOPS_CONFIG="$tmp/config.yaml" setsid python3 -c \
  'import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
  ./bankops demo >"$tmp/demo.log" 2>&1 &
pgid=$!
cleanup() {
  kill -KILL -- "-$pgid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

up=0
for _ in $(seq 1 180); do
  if grep -q "appliance is up" "$tmp/demo.log"; then
    up=1
    break
  fi
  if ! kill -0 "$pgid" 2>/dev/null; then break; fi
  sleep 1
done
check "demo up within 180 s (took $(($(date +%s) - start)) s)" test "$up" = 1
if [[ "$up" != 1 ]]; then
  tail -40 "$tmp/demo.log"
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
fi

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
post() { curl -sS -XPOST "http://127.0.0.1:8080$1" -H 'Content-Type: application/json' "${@:3}" -d "$2"; }
alice=$(post /accounts '{"owner":"alice","initialBalance":10000}' | json '["id"]')
bob=$(post /accounts '{"owner":"bob","initialBalance":500}' | json '["id"]')
check "two accounts opened" test -n "$alice" -a -n "$bob"
for _ in 1 2; do
  post /transfers "{\"from\":\"$alice\",\"to\":\"$bob\",\"amount\":2500}" -H 'Idempotency-Key: smoke-1' >/dev/null
done
check "transfer moved money once" test "$(curl -sS "http://127.0.0.1:8080/accounts/$bob" | json '["balance"]')" = 3000
check "overdraft answers 422" test "$(curl -sS -o /dev/null -w '%{http_code}' -XPOST http://127.0.0.1:8080/transfers \
  -H 'Content-Type: application/json' -d "{\"from\":\"$bob\",\"to\":\"$alice\",\"amount\":999999}")" = 422
export BANKOPS_ADMIN_TOKEN
BANKOPS_ADMIN_TOKEN="$(cat "$tmp/data/admin-token")"
check "admin token file is mode 600" test "$(stat -c %a "$tmp/data/admin-token")" = 600
check "./bankops status" bash -c './bankops status >/dev/null'
check "./bankops canary 12.5" bash -c './bankops canary 12.5 >/dev/null'
check "canary share is 1250 bp" test "$(./bankops status | json '["canaryBasisPoints"]')" = 1250
check "./bankops canary 101 is refused" bash -c '! ./bankops canary 101 >/dev/null 2>&1'
check "metrics served" bash -c 'curl -sS http://127.0.0.1:9090/metrics | grep -q bankops_upstream_request_duration_seconds_bucket'
check "./bankops autoscaler: on, stable pool at min 2" \
  test "$(./bankops autoscaler | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["enabled"], d["pools"]["stable"]["desired"])')" = "True 2"
check "./bankops autoscaler set max=1 is refused (min is 2)" bash -c '! ./bankops autoscaler set max=1 >/dev/null 2>&1'

echo "demo smoke: Ctrl-C"
kill -INT -- "-$pgid"
gone=0
for _ in $(seq 1 40); do
  if ! pgrep -g "$pgid" >/dev/null 2>&1 && ! pgrep -f -- "-D $tmp/data" >/dev/null 2>&1; then
    gone=1
    break
  fi
  sleep 0.5
done
check "no process left behind" test "$gone" = 1
listening=""
for port in 8080 9090 8101 8102; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then listening="$listening $port"; fi
done
check "no listening port left behind" test -z "$listening"
echo "demo smoke: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
