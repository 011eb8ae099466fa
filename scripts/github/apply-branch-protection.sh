#!/usr/bin/env bash
# Applies .github/branch-protection.yml to the GitHub repository: one repository ruleset per entry
# (created, or updated in place when one of that name exists: running it twice changes nothing)
# and the deployment environments with their required reviewers. Needs the gh CLI logged in with
# admin rights on the repository.
#   scripts/github/apply-branch-protection.sh [--dry-run] [--repo OWNER/NAME] [--settings FILE]
# --dry-run reads nothing from GitHub (it assumes no ruleset exists yet) and prints each call
# with its body instead of sending it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dry_run=0
repo="${GITHUB_REPOSITORY:-}"
settings="$ROOT/.github/branch-protection.yml"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry_run=1; shift ;;
    --repo) repo="${2:?--repo OWNER/NAME}"; shift 2 ;;
    --settings) settings="${2:?--settings FILE}"; shift 2 ;;
    *) echo "usage: $0 [--dry-run] [--repo OWNER/NAME] [--settings FILE]" >&2; exit 2 ;;
  esac
done
python3 -c 'import yaml' 2>/dev/null || {
  # shellcheck source=scripts/lib/ensure.sh
  source "$ROOT/scripts/lib/ensure.sh"
  ensure_apt python3-yaml-missing:python3-yaml
}
if [[ -z "$repo" ]]; then
  if [[ "$dry_run" == 1 ]]; then
    repo="OWNER/REPO"
  else
    repo="$(gh repo view --json nameWithOwner --jq .nameWithOwner)"
  fi
fi
[[ "$repo" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] || { echo "--repo: '$repo' (expected: OWNER/NAME)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ "$dry_run" == 1 ]]; then
  echo '[]' >"$work/existing.json"
else
  gh api --paginate "repos/$repo/rulesets" >"$work/existing.json"
fi
python3 "$ROOT/scripts/github/branch_protection.py" plan "$repo" "$settings" "$work/existing.json" >"$work/plan.json"

# environment reviewers are named in the file; the API wants ids
resolve_ids() {
  python3 - "$work/plan.json" <<'PY' | while IFS=$'\t' read -r kind name; do
import json, re, sys
seen = set(re.findall(r'"<(team|user):([^>]+)>"', open(sys.argv[1]).read()))
for kind, name in sorted(seen):
    print(f"{kind}\t{name}")
PY
    local id
    if [[ "$kind" == team ]]; then
      id="$(gh api "orgs/${repo%%/*}/teams/$name" --jq .id)"
    else
      id="$(gh api "users/$name" --jq .id)"
    fi
    sed -i "s|\"<$kind:$name>\"|$id|g" "$work/plan.json"
  done
}

count="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$work/plan.json")"
[[ "$dry_run" == 1 ]] || resolve_ids
for i in $(seq 0 $((count - 1))); do
  python3 - "$work/plan.json" "$i" "$work/call" <<'PY'
import json, sys
call = json.load(open(sys.argv[1]))[int(sys.argv[2])]
open(sys.argv[3] + ".head", "w").write(f"{call['method']} {call['path']} {' '.join(map(str, call.get('ignore_status', [])))}\n")
json.dump(call["body"], open(sys.argv[3] + ".json", "w"), indent=2)
PY
  read -r method path ignore <"$work/call.head"
  if [[ "$dry_run" == 1 ]]; then
    echo "$method $path"
    sed 's/^/    /' "$work/call.json"
    echo
    continue
  fi
  echo "$method $path"
  if ! gh api -X "$method" "${path#/}" --input "$work/call.json" >"$work/out" 2>&1; then
    status="$(grep -oE 'HTTP [0-9]{3}' "$work/out" | tail -1 | cut -d' ' -f2 || true)"
    if [[ -n "$status" && " ${ignore:-} " == *" $status "* ]]; then
      echo "    (already there: HTTP $status)"
    else
      cat "$work/out" >&2
      exit 1
    fi
  fi
done
echo "branch protection: $count call(s) $([[ "$dry_run" == 1 ]] && echo printed || echo applied) for $repo"
