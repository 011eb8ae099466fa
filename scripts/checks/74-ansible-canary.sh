#!/usr/bin/env bash
# The canary part of deploy-production.yml (--tags canary) and rollback.yml, run for real with
# ansible-playbook against the real rollout controller of a `./bankops demo` (embedded PostgreSQL,
# bank processes) under light traffic:
#   - a healthy version with an approval gate: the play approves, waits and succeeds (promoted);
#   - a version whose canary fails every request: the kill switch rolls it back and the play FAILS
#     loudly with the state and the timeline;
#   - a wrong admin token fails the play and starts nothing;
#   - rollback.yml aborts a rollout in progress and the canary share is back to 0.
# Only 127.0.0.1 is contacted; traffic is bounded in count and time.
# Ports: CANARY_CHECK_BASE_PORT (34600): +80 data, +90 admin, +101.. bank instances.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt ansible-playbook:ansible curl:curl
# shellcheck source=scripts/lib/demo-instance.sh
source "$ROOT/scripts/lib/demo-instance.sh"
BASE="${CANARY_CHECK_BASE_PORT:-34600}"
passed=0
failed=0
failed_names=()
check() { # NAME COMMAND...
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
    echo "  ok   $name"
  else
    failed=$((failed + 1))
    failed_names+=("$name")
    echo "  FAIL $name"
  fi
}
finish() {
  # repeated after the logs' tails, so that a shortened CI output still names them
  for n in "${failed_names[@]}"; do echo "  FAILED: $n"; done
  echo "ansible-canary: $passed passed, $failed failed"
  [[ "$failed" == 0 ]]
}
tmp="$(mktemp -d)"
traffic=""
# shellcheck disable=SC2317 # the EXIT trap calls it
cleanup() {
  if [[ -n "$traffic" ]]; then kill "$traffic" 2>/dev/null || true; fi
  demo_stop || true
  rm -rf "$tmp"
}
trap cleanup EXIT
if demo_start "$BASE" "$tmp/demo"; then up=1; else up=0; fi
check "demo up" test "$up" = 1
if [[ "$up" != 1 ]]; then
  finish
  exit 1
fi
DATA="$DEMO_URL"
ADMIN="$DEMO_ADMIN_URL"
token="$DEMO_TOKEN"
account=$(curl -sS -XPOST "$DATA/accounts" -H 'Content-Type: application/json' \
  -d '{"owner":"dora","initialBalance":100}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
# light steady traffic, so that the canary gets requests to judge: one request every 20 ms, at
# most 5 minutes
(
  end=$((SECONDS + 300))
  while ((SECONDS < end)); do
    curl -sS -o /dev/null "$DATA/accounts/$account" || true
    sleep 0.02
  done
) &
traffic=$!

export ANSIBLE_CONFIG="$ROOT/ansible/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_CALLBACKS_ENABLED=""
# a handful of requests per short step on a shared machine: latency is noise here (RolloutIT
# judges it), errors are not
vars=(-e "bankops_admin_url=$ADMIN" -e bankops_rollout_poll_seconds=1
  -e bankops_rollout_step_seconds=2 -e bankops_rollout_warmup_seconds=2
  -e bankops_rollout_min_requests=5 -e bankops_rollout_max_p99_ratio=20)
play() { # LOG PLAYBOOK ARGS... -> the playbook's exit status
  local log="$1" playbook="$2"
  shift 2
  set +e
  timeout 300 ansible-playbook -i ansible/inventories/local "ansible/playbooks/$playbook" "${vars[@]}" "$@" \
    >"$tmp/$log" 2>&1
  local rc=$?
  set -e
  return "$rc"
}
rollouts() { # the states of every kept rollout, newest first
  curl -sS -H "Authorization: Bearer $token" "$ADMIN/admin/rollouts" |
    python3 -c 'import json,sys; print(" ".join(r["state"] for r in json.load(sys.stdin)["rollouts"]))'
}
stable_versions() {
  curl -sS -H "Authorization: Bearer $token" "$ADMIN/admin/backends" | python3 -c '
import json, sys
print(" ".join(sorted({b["version"] for b in json.load(sys.stdin)["backends"]
                       if b["pool"] == "stable" and b["state"] != "draining"})))'
}

echo "ansible-canary: 1.1.0, healthy, approval before 100 %"
if play promote.log deploy-production.yml --tags canary -e bankops_admin_token="$token" \
  -e bankops_version=1.1.0 -e '{"bankops_rollout_steps": [50, 100], "bankops_rollout_approval_before": [100]}'; then ok=0; else ok=$?; fi
check "a healthy canary: the play approves, waits and succeeds" test "$ok" = 0
check "  the rollout was promoted through the approval gate" bash -c \
  "curl -sS -H 'Authorization: Bearer $token' '$ADMIN/admin/rollouts/current' | python3 -c '
import json, sys
r = json.load(sys.stdin)
events = [e[\"event\"] for e in r[\"timeline\"]]
assert r[\"state\"] == \"promoted\" and \"approved\" in events, (r[\"state\"], events)'"
stable_after_promotion="$(stable_versions)"
check "  stable now runs 1.1.0 only (found: $stable_after_promotion)" test "$stable_after_promotion" = "1.1.0"
[[ "$stable_after_promotion" == "1.1.0" ]] ||
  curl -sS -H "Authorization: Bearer $token" "$ADMIN/admin/backends" >"$tmp/backends-after-promotion.log"

echo "ansible-canary: 1.2.0, failing every request"
if play rollback.log deploy-production.yml --tags canary -e bankops_admin_token="$token" \
  -e bankops_version=1.2.0 -e '{"bankops_rollout_steps": [50, 100], "bankops_rollout_env": {"BANK_FAULT_ERROR_RATE": "1"}}'; then bad=0; else bad=$?; fi
check "a failing canary: the play FAILS" test "$bad" != 0
check "  loudly, with the state and the timeline" bash -c \
  "grep -q 'ROLLOUT OF 1.2.0 FAILED AND WAS ROLLED BACK' '$tmp/rollback.log' &&
   grep -q 'state: rolled_back' '$tmp/rollback.log' && grep -q 'rolled_back' '$tmp/rollback.log'"
check "  stable still runs 1.1.0 only" test "$(stable_versions)" = "1.1.0"

before="$(rollouts)"
if play wrong-token.log deploy-production.yml --tags canary -e bankops_admin_token=wrong \
  -e bankops_version=1.3.0; then wrong=0; else wrong=$?; fi
check "a wrong admin token fails the play (a 401 is not taken for success)" test "$wrong" != 0
check "  and no rollout was started" test "$(rollouts)" = "$before"

echo "ansible-canary: rollback.yml during a rollout of 1.3.0"
curl -fsS -o /dev/null -XPOST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"version": "1.3.0", "steps": [10, 100], "stepSeconds": 600}' "$ADMIN/admin/rollouts"
if play abort.log rollback.yml -e bankops_admin_token="$token"; then rb=0; else rb=$?; fi
check "rollback.yml aborts the rollout in progress and succeeds" test "$rb" = 0
share_zero() {
  curl -sS -H "Authorization: Bearer $token" "$ADMIN/admin/status" |
    python3 -c 'import json,sys; assert json.load(sys.stdin)["canaryPercent"] == 0'
}
rolled_back() { # the abort drains and stops the canary, then the state reads rolled_back
  for _ in $(seq 1 60); do
    [[ "$(rollouts | cut -d' ' -f1)" == rolled_back ]] && return 0
    sleep 0.5
  done
  return 1
}
check "  the canary share is 0 at once" share_zero
check "  the rollout ends rolled back" rolled_back
kill "$traffic" 2>/dev/null || true
traffic=""
[[ "$failed" == 0 ]] || for f in "$tmp"/*.log "$tmp"/demo/demo.log; do echo "--- $f"; tail -30 "$f"; done
finish
