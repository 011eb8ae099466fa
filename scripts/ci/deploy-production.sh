#!/usr/bin/env bash
# Runs the Ansible production playbook for BANKOPS_VERSION: update the appliance hosts, then a
# canary through the admin API that promotes on a passed analysis or rolls back and fails.
# The inventory comes from ANSIBLE_INVENTORY_CONTENT (a CI secret) or INVENTORY (a path, default
# ansible/inventories/production); the SSH key from SSH_PRIVATE_KEY when set.
#   BANKOPS_VERSION=1.4.0 REGISTRY=ghcr.io/acme scripts/ci/deploy-production.sh [--check]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt ansible-playbook:ansible
: "${BANKOPS_VERSION:?BANKOPS_VERSION: the image version to roll out}"
: "${BANKOPS_ADMIN_TOKEN:?BANKOPS_ADMIN_TOKEN: the appliance admin token}"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/deploy"
mkdir -p "$OUT"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
inventory="${INVENTORY:-ansible/inventories/production}"
if [[ -n "${ANSIBLE_INVENTORY_CONTENT:-}" ]]; then
  inventory="$work/inventory.yml"
  printf '%s\n' "$ANSIBLE_INVENTORY_CONTENT" >"$inventory"
fi
if [[ -n "${SSH_PRIVATE_KEY:-}" ]]; then
  install -m 600 /dev/null "$work/id"
  printf '%s\n' "$SSH_PRIVATE_KEY" >"$work/id"
  export ANSIBLE_PRIVATE_KEY_FILE="$work/id"
fi
extra=(-e "bankops_version=$BANKOPS_VERSION")
[[ -n "${REGISTRY:-}" ]] && extra+=(-e "bankops_registry=$REGISTRY")
[[ -n "${NOTIFY_WEBHOOK_URL:-}" ]] && extra+=(-e "bankops_notify_webhook_url=$NOTIFY_WEBHOOK_URL")
export ANSIBLE_CONFIG="$ROOT/ansible/ansible.cfg"
set +e
ansible-playbook -i "$inventory" ansible/playbooks/deploy-production.yml "${extra[@]}" "$@" 2>&1 | tee "$OUT/deploy.log"
rc=${PIPESTATUS[0]}
set -e
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  {
    echo "### production deployment of $BANKOPS_VERSION: $([[ $rc == 0 ]] && echo promoted || echo FAILED, rolled back)"
    echo '```'
    grep -E 'rollout|PLAY RECAP|ok=|failed=' "$OUT/deploy.log" | tail -20
    echo '```'
  } >>"$GITHUB_STEP_SUMMARY"
fi
exit "$rc"
