#!/usr/bin/env bash
# Keeps ONE comment on the pull request: finds the comment carrying the summary's marker and
# edits it, or creates it. Uses the gh CLI (GH_TOKEN, PR_NUMBER, GITHUB_REPOSITORY).
#   scripts/ci/post-pr-comment.sh BODY.md [--dry-run]     --dry-run prints the calls only
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 BODY.md [--dry-run]" >&2; exit 2; }
body_file="$1"
dry_run=0
[[ "${2:-}" == "--dry-run" ]] && dry_run=1
marker="<!-- bankops-ci-summary -->"
grep -qF "$marker" "$body_file" || { echo "post-pr-comment: $body_file lacks the marker $marker" >&2; exit 1; }
repo="${GITHUB_REPOSITORY:?GITHUB_REPOSITORY: owner/name}"
pr="${PR_NUMBER:?PR_NUMBER: the pull request number}"
body="$(python3 -c 'import json,sys; print(json.dumps({"body": open(sys.argv[1]).read()}))' "$body_file")"
if [[ "$dry_run" == 1 ]]; then
  echo "GET /repos/$repo/issues/$pr/comments (find the comment containing $marker)"
  echo "PATCH /repos/$repo/issues/comments/<id> or POST /repos/$repo/issues/$pr/comments  ${#body} bytes"
  exit 0
fi
existing="$(gh api --paginate "repos/$repo/issues/$pr/comments" \
  --jq ".[] | select(.body | contains(\"$marker\")) | .id" | head -1)"
if [[ -n "$existing" ]]; then
  gh api -X PATCH "repos/$repo/issues/comments/$existing" --input - <<<"$body" >/dev/null
  echo "post-pr-comment: updated comment $existing"
else
  gh api -X POST "repos/$repo/issues/$pr/comments" --input - <<<"$body" >/dev/null
  echo "post-pr-comment: created the summary comment"
fi
