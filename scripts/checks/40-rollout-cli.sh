#!/usr/bin/env bash
# Drives `./bankops rollout` against a real `./bankops demo` (embedded PostgreSQL, bank processes):
# a healthy version is promoted through 50 % and 100 % under light traffic, a version failing every
# request is rolled back by the kill switch, bad requests are refused; then Ctrl-C and no process
# left. Only 127.0.0.1 is contacted; traffic is bounded in count and time.
# Ports: BANKOPS_HTTP_PORT (31180), BANKOPS_ADMIN_PORT (31190), bank instances from 31200.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export BANKOPS_HTTP_PORT="${BANKOPS_HTTP_PORT:-31180}"
export BANKOPS_ADMIN_PORT="${BANKOPS_ADMIN_PORT:-31190}"
BANK_BASE="${ROLLOUT_CHECK_BANK_PORT:-31200}"
DATA="http://127.0.0.1:${BANKOPS_HTTP_PORT}"
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
refused() { ! "$@" >/dev/null 2>&1; }
in_file() { grep -q -- "$1" "$2"; }
only_200() { ! grep -qv '^200$' "$1"; }
metric_has() { grep -qF -- "$1" <<<"$(curl -sS "http://127.0.0.1:$BANKOPS_ADMIN_PORT/metrics")"; } # not a pipe: grep -q would SIGPIPE curl
refused_naming() { # FIELD ARGS...: ./bankops rollout start ARGS is refused naming FIELD
  local field="$1"
  shift
  ! ./bankops rollout start "$@" >/dev/null 2>"$tmp/err" && grep -q "\"field\": \"$field\"" "$tmp/err"
}
finish() {
  echo "rollout-cli: $passed passed, $failed failed"
  [[ "$failed" == 0 ]]
}
for port in "$BANKOPS_HTTP_PORT" "$BANKOPS_ADMIN_PORT" "$BANK_BASE"; do
  if ss -ltn "sport = :$port" | grep -q LISTEN; then
    echo "rollout-cli: port $port is already in use" >&2
    failed=1
    finish
    exit 1
  fi
done
printf 'demo:\n  dataDir: %s\n  bankBasePort: %s\n' "$tmp/data" "$BANK_BASE" >"$tmp/config.yaml"

echo "rollout-cli: starting ./bankops demo (data in $tmp/data)"
BANKOPS_CONFIG="$tmp/config.yaml" setsid python3 -c \
  'import os,signal,sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' \
  ./bankops demo >"$tmp/demo.log" 2>&1 &
pgid=$!
traffic=""
cleanup() {
  if [[ -n "$traffic" ]]; then kill "$traffic" 2>/dev/null || true; fi
  kill -KILL -- "-$pgid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

up=0
for _ in $(seq 1 240); do
  if grep -q "appliance is up" "$tmp/demo.log"; then
    up=1
    break
  fi
  if ! kill -0 "$pgid" 2>/dev/null; then break; fi
  sleep 1
done
check "demo up" test "$up" = 1
if [[ "$up" != 1 ]]; then
  tail -40 "$tmp/demo.log"
  finish
  exit 1
fi
export BANKOPS_ADMIN_TOKEN
BANKOPS_ADMIN_TOKEN="$(cat "$tmp/data/admin-token")"

account=$(curl -sS -XPOST "$DATA/accounts" -H 'Content-Type: application/json' \
  -d '{"owner":"carol","initialBalance":100}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# light steady traffic: one request every 20 ms for at most 4 minutes
(
  end=$((SECONDS + 240))
  while ((SECONDS < end)); do
    curl -sS -o /dev/null -w '%{http_code}\n' "$DATA/accounts/$account" >>"$tmp/codes" || echo 000 >>"$tmp/codes"
    sleep 0.02
  done
) &
traffic=$!

./bankops rollout status >"$tmp/status.out" 2>&1 || true
check "rollout status before any rollout says none" in_file none "$tmp/status.out"
check "unknown version is refused naming version" refused_naming version latest
check "steps not increasing are refused naming steps" refused_naming steps 1.1.0 --steps 50,10

echo "rollout-cli: healthy 1.1.0, steps 50 and 100 %, 2 s each"
: >"$tmp/codes"
# a handful of requests per step on a shared machine: latency is noise here (RolloutIT judges it)
if timeout 240 ./bankops rollout start 1.1.0 --steps 50,100 --step-seconds 2 --min-requests 5 --max-p99-ratio 20 --watch >"$tmp/ok.out" 2>&1; then ok=1; else ok=0; fi
cat "$tmp/ok.out"
check "healthy rollout ends promoted" test "$ok" = 1
check "progress shows the 50 % step" in_file "step_advanced.*50.0%" "$tmp/ok.out"
check "progress ends with the summary" in_file "summary: 1.1.0 promoted" "$tmp/ok.out"
check "no failed request during the promotion" only_200 "$tmp/codes"
check "stable pool now runs 1.1.0 only" test "$(./bankops backends | python3 -c '
import json, sys
b = json.load(sys.stdin)["backends"]
print(sorted({(x["pool"], x["version"]) for x in b if x["state"] != "draining"}))')" = "[('stable', '1.1.0')]"
check "metrics: phase promoted" metric_has 'bankops_rollout_phase{phase="promoted"} 1.0'
check "abort after promotion is refused" refused ./bankops rollout abort

echo "rollout-cli: 1.2.0 failing every request"
if timeout 180 ./bankops rollout start 1.2.0 --env BANK_FAULT_ERROR_RATE=1 --steps 50,100 --step-seconds 30 --watch >"$tmp/bad.out" 2>&1; then bad=0; else bad=1; fi
cat "$tmp/bad.out"
check "failing rollout ends rolled back (non-zero exit)" test "$bad" = 1
check "rolled back by the kill switch" in_file "rolled_back.*kill switch" "$tmp/bad.out"
check "rollout history lists both" test "$(./bankops rollout history | python3 -c 'import json,sys; print([r["state"] for r in json.load(sys.stdin)["rollouts"]])')" = "['rolled_back', 'promoted']"
kill "$traffic" 2>/dev/null || true
traffic=""

echo "rollout-cli: Ctrl-C"
kill -INT -- "-$pgid"
gone=0
for _ in $(seq 1 60); do
  if ! pgrep -g "$pgid" >/dev/null 2>&1; then
    gone=1
    break
  fi
  sleep 0.5
done
check "no process left behind" test "$gone" = 1
finish
