#!/usr/bin/env bash
# Runs ansible/playbooks/provision-test-env.yml for real against this machine (inventory local,
# connection local), twice: the second run must report changed=0. Then teardown-test-env.yml must
# leave no process, no bank container and no listening port of the environment behind.
# With the docker runtime present (scripts/build-images.sh) the whole playbook runs: Docker
# engine, bank image, appliance with bank containers, Prometheus, the edge, the Gatling smoke
# load. Without it, the parts that do not need it (--tags prometheus,edge) run, and the check
# says so in its output.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt ansible-playbook:ansible nginx:nginx openssl:openssl
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
export ANSIBLE_CONFIG="$ROOT/ansible/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_CALLBACKS_ENABLED=""
inventory=ansible/inventories/local
tags=()
if [[ -x scripts/build-images.sh ]]; then
  scope="the whole test environment (docker runtime present)"
else
  tags=("--tags=prometheus,edge")
  scope="Prometheus and the edge only: scripts/build-images.sh (the docker runtime) is not in this tree"
fi
echo "ansible-provision: $scope"
tmp="$(mktemp -d)"
teardown() { ansible-playbook -i "$inventory" ansible/playbooks/teardown-test-env.yml >"$tmp/teardown.log" 2>&1; }
# shellcheck disable=SC2317 # the EXIT trap calls it
finish() {
  teardown || true
  rm -rf "$tmp"
}
trap finish EXIT
recap_changed() { # LOG -> the changed= count of the localhost recap line
  sed -n 's/^localhost *: .*changed=\([0-9]*\).*/\1/p' "$1" | tail -1
}

for run in 1 2; do
  # the second run proves the environment unchanged; the smoke load (a measurement) runs once
  [[ "$run" == 2 && ${#tags[@]} == 0 ]] && tags=(--skip-tags load)
  set +e
  ansible-playbook -i "$inventory" ansible/playbooks/provision-test-env.yml "${tags[@]}" >"$tmp/provision-$run.log" 2>&1
  rc=$?
  set -e
  check "provision run $run succeeds" test "$rc" = 0
  [[ "$run" == 2 ]] && rc2="$rc"
  [[ "$rc" == 0 ]] || tail -30 "$tmp/provision-$run.log"
  echo "    run $run: changed=$(recap_changed "$tmp/provision-$run.log")"
done
check "the first run changed something (it started the environment)" test "$(recap_changed "$tmp/provision-1.log")" -gt 0
check "the second run succeeds and reports no changes (changed=0)" \
  test "$rc2:$(recap_changed "$tmp/provision-2.log")" = "0:0"
[[ "$(recap_changed "$tmp/provision-2.log")" == 0 ]] || grep -B2 '^changed:' "$tmp/provision-2.log" | head -20
check "Prometheus answers ready on 127.0.0.1:34459" curl -fsS -o /dev/null --max-time 5 http://127.0.0.1:34459/-/ready
if [[ -x scripts/build-images.sh ]]; then
  check "the smoke load ran through the appliance and wrote its report" grep -q 'load: report .*index.html' "$tmp/provision-1.log"
  check "bank instances run as containers of the docker runtime" bash -c \
    "[ \$(docker ps -q --filter label=com.bankops.appliance=bankops-test | wc -l) -ge 1 ]"
  check "a transfer goes through the edge (TLS, HTTP/2) to the bank containers" bash -c \
    "curl -sk --http2 -o /dev/null -w '%{http_code}' -XPOST https://127.0.0.1:34443/accounts \
       -H 'Content-Type: application/json' -d '{\"owner\":\"ansible\",\"initialBalance\":100}' | grep -qx 201"
fi
check "the TLS edge answers on 127.0.0.1:34443 (HTTP/2 offered)" bash -c \
  "curl -sk -o /dev/null -w '%{http_version}' --max-time 5 https://127.0.0.1:34443/health/live | grep -q '^2'"

check "teardown succeeds" teardown
check "no listening port of the environment is left" bash -c "! ss -ltn | grep -qE '127.0.0.1:(34480|34490|34443|34459) '"
check "no process of the environment is left" bash -c "! pgrep -f '/tmp/bankops-test-en[v]' >/dev/null"
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  check "no bank container is left" test -z "$(docker ps -aq --filter label=com.bankops.managed-by=bankops-autoscaler)"
fi
check "the state directory and the admin token are gone" bash -c "test ! -e /tmp/bankops-test-env && test ! -e /tmp/bankops-test-env-admin-token"
echo "ansible-provision: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
