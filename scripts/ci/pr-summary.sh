#!/usr/bin/env bash
# Writes the pull request comment (Markdown) from the CI artifacts; also appends it to the job
# summary when running on GitHub.  scripts/ci/pr-summary.sh ARTIFACTS_DIR OUT.md
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ $# -eq 2 ]] || { echo "usage: $0 ARTIFACTS_DIR OUT.md" >&2; exit 2; }
mkdir -p "$(dirname "$2")"
python3 "$ROOT/scripts/ci/pr_summary.py" "$1" "$2"
[[ -n "${GITHUB_STEP_SUMMARY:-}" ]] && cat "$2" >>"$GITHUB_STEP_SUMMARY"
exit 0
