#!/usr/bin/env bash
# Every linter, each run to the end so one report lists all findings: the Java formatter
# (root reactor and load-tests), shellcheck on every script, then the checks for workflows
# (actionlint, called scripts) and for Ansible and YAML (yamllint, ansible-lint, syntax-check).
# Writes $REPORTS_DIR/lint/summary.txt: one "name: N passed, N failed" line per linter.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt shellcheck:shellcheck python3:python3
OUT="${REPORTS_DIR:-$ROOT/target/ci}/lint"
mkdir -p "$OUT"
: >"$OUT/summary.txt"
rc=0
run() { # NAME COMMAND...
  local name="$1" status
  shift
  echo "=== $name"
  set +e
  "$@" 2>&1 | tee "$OUT/$name.log"
  status=${PIPESTATUS[0]}
  set -e
  local last
  last="$(tail -1 "$OUT/$name.log")"
  if [[ "$last" =~ [0-9]+\ passed,\ [0-9]+\ failed ]]; then
    echo "$last" >>"$OUT/summary.txt"
  elif [[ "$status" == 0 ]]; then
    echo "$name: 1 passed, 0 failed" >>"$OUT/summary.txt"
  else
    echo "$name: 0 passed, 1 failed" >>"$OUT/summary.txt"
  fi
  [[ "$status" == 0 ]] || rc=1
}
run formatter ./mvnw -B -ntp -q spotless:check
run formatter-load-tests ./mvnw -B -ntp -q -f load-tests/pom.xml spotless:check
mapfile -t scripts < <(git ls-files '*.sh'; echo bankops; echo .ci/run)
run shellcheck shellcheck -x "${scripts[@]}"
run workflow-lint scripts/checks/70-workflow-lint.sh
run ansible-lint scripts/checks/71-ansible-lint.sh
echo "=== lint summary"
cat "$OUT/summary.txt"
exit "$rc"
