#!/usr/bin/env bash
# Operations YAML: yamllint on ansible/ and .github/ (.yamllint.yml), ansible-lint --offline with
# the production profile on ansible/, and ansible-playbook --syntax-check on every playbook against
# each inventory (local, staging and production examples).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt ansible-playbook:ansible ansible-lint:ansible-lint yamllint:yamllint
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
export ANSIBLE_CONFIG="$ROOT/ansible/ansible.cfg" ANSIBLE_NOCOLOR=1 NO_COLOR=1
check "yamllint ansible/ .github/" yamllint -c .yamllint.yml --strict ansible .github .yamllint.yml
check "ansible-lint --offline --profile production" bash -c 'cd ansible && ansible-lint --offline --profile production -q --nocolor'
mapfile -t playbooks < <(ls ansible/playbooks/*.yml)
check "playbooks found (${#playbooks[@]})" test "${#playbooks[@]}" -ge 4
for inventory in ansible/inventories/*/; do
  for playbook in "${playbooks[@]}"; do
    check "syntax-check $(basename "$playbook") with $(basename "$inventory")" \
      bash -c "ansible-playbook --syntax-check -i '$inventory' '$playbook' >/dev/null"
  done
done
echo "ansible-lint: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
