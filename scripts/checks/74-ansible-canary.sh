#!/usr/bin/env bash
# The canary part of deploy-production.yml (--tags canary) and rollback.yml, run for real with
# ansible-playbook against a stand-in for the rollout endpoints (ansible/tests/rollout_api_stub.py,
# the ARCHITECTURE.md contract) on 127.0.0.1:34690: a passing rollout is waited for and succeeds;
# a failed analysis makes the play FAIL with the state and the timeline; a step awaiting approval
# is approved; rollback.yml aborts a rollout in progress. Control flow only: the real rollout
# controller replaces the stand-in once it is in the tree.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt ansible-playbook:ansible
PORT="${CANARY_STUB_PORT:-34690}"
passed=0
failed=0
check() { # NAME COMMAND...
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
tmp="$(mktemp -d)"
stub=""
# shellcheck disable=SC2317 # the EXIT trap and each scenario call it
stop_stub() {
  if [[ -n "$stub" ]]; then
    kill "$stub" 2>/dev/null || true
    wait "$stub" 2>/dev/null || true
  fi
  stub=""
}
# shellcheck disable=SC2317 # the EXIT trap calls it
finish() {
  stop_stub
  rm -rf "$tmp"
}
trap finish EXIT
export ANSIBLE_CONFIG="$ROOT/ansible/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_CALLBACKS_ENABLED=""
token="stub-token-$$"
vars=(-e "bankops_admin_url=http://127.0.0.1:$PORT" -e "bankops_admin_token=$token"
  -e bankops_version=9.9.9 -e bankops_rollout_poll_seconds=1 -e bankops_rollout_step_seconds=1)

start_stub() { # SCENARIO
  : >"$tmp/calls-$1.log"
  python3 ansible/tests/rollout_api_stub.py "$PORT" "$token" "$1" "$tmp/calls-$1.log" &
  stub=$!
  for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
    sleep 0.1
  done
  return 1
}
deploy() { # SCENARIO -> exit status of the playbook, output in $tmp/deploy-SCENARIO.log
  start_stub "$1"
  set +e
  ansible-playbook -i ansible/inventories/local ansible/playbooks/deploy-production.yml --tags canary \
    "${vars[@]}" >"$tmp/deploy-$1.log" 2>&1
  local rc=$?
  set -e
  stop_stub
  return "$rc"
}

check "a passing canary: the play waits and succeeds" deploy promote
check "  it started the rollout with the version, steps and analysis" \
  grep -q '^POST /admin/rollouts {"analysis": {.*"minSamples": 200.*"steps": \[1, 5, 25, 50, 100\], "version": "9.9.9"}' "$tmp/calls-promote.log"
check "  it polled until promoted and aborted nothing" bash -c \
  "[ \$(grep -c '^GET /admin/rollouts/current' '$tmp/calls-promote.log') -ge 3 ] && ! grep -q abort '$tmp/calls-promote.log'"

if deploy rollback; then rollback_rc=0; else rollback_rc=$?; fi
check "a failed analysis: the play FAILS" test "$rollback_rc" != 0
check "  loudly, with the state and the analysis from the timeline" bash -c \
  "grep -q 'ROLLOUT OF 9.9.9 FAILED AND WAS ROLLED BACK' '$tmp/deploy-rollback.log' &&
   grep -q 'state: rolled_back' '$tmp/deploy-rollback.log' && grep -q 'canary error rate 0.031' '$tmp/deploy-rollback.log'"
check "  and it called abort (the kill switch) on the way out" grep -q '^POST /admin/rollouts/current/abort' "$tmp/calls-rollback.log"

check "a step awaiting approval is approved, then promoted" deploy approval
check "  approve was called once" test "$(grep -c '^POST /admin/rollouts/current/approve' "$tmp/calls-approval.log")" = 1

start_stub promote
set +e
ansible-playbook -i ansible/inventories/local ansible/playbooks/deploy-production.yml --tags canary \
  "${vars[@]}" -e bankops_admin_token=wrong >"$tmp/deploy-wrong-token.log" 2>&1
wrong_rc=$?
set -e
stop_stub
check "a wrong admin token fails the play (a 401 is not taken for success)" test "$wrong_rc" != 0
check "  and no rollout was started" bash -c "! grep -q '^POST /admin/rollouts ' '$tmp/calls-promote.log'"

# rollback.yml while a rollout runs: abort, then the canary share is back to 0
start_stub approval
curl -fsS -o /dev/null -XPOST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"version": "9.9.9", "steps": [1, 5]}' "http://127.0.0.1:$PORT/admin/rollouts"
set +e
ansible-playbook -i ansible/inventories/local ansible/playbooks/rollback.yml "${vars[@]}" >"$tmp/rollback.log" 2>&1
rb_rc=$?
set -e
stop_stub
check "rollback.yml aborts the rollout in progress and succeeds" bash -c \
  "[ $rb_rc = 0 ] && grep -q '^POST /admin/rollouts/current/abort' '$tmp/calls-approval.log'"
[[ "$failed" == 0 ]] || for f in "$tmp"/deploy-*.log "$tmp/rollback.log"; do echo "--- $f"; tail -25 "$f"; done
echo "ansible-canary: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
