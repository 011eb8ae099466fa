#!/usr/bin/env bash
# Runs every test and check from a clean clone: installs missing tools first, then the Maven build
# (format check, unit tests, integration tests against real PostgreSQL and real sockets, coverage),
# then the script checks. Prints a summary with the test counts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CI="${CI:-}"
START=$(date +%s)

step() { printf '\n=== [%ss] %s\n' "$(($(date +%s) - START))" "$*"; }

step "installing missing tools"
"$ROOT/scripts/install-tools.sh"
# each scripts/setup.d/*.sh prepares something the tests need (e.g. a Docker engine, offline images)
for setup in "$ROOT"/scripts/setup.d/*.sh; do
  [[ -e "$setup" ]] || continue
  step "setup: $(basename "$setup")"
  "$setup"
done

step "shellcheck"
mapfile -t shell_files < <(git ls-files '*.sh'; echo bankops; echo .ci/run)
shellcheck -x "${shell_files[@]}"
echo "shellcheck: ${#shell_files[@]} scripts clean"

step "maven verify: format, unit tests, integration tests, coverage"
set +e
./mvnw -B -ntp verify
MVN_RC=$?
set -e

step "demo smoke: ./bankops demo, a transfer, admin commands, Ctrl-C leaves nothing behind"
set +e
"$ROOT/scripts/demo-smoke.sh" | tee "$ROOT/target-demo-smoke.log"
SMOKE_RC=${PIPESTATUS[0]}
set -e

step "benchmark smoke: bench/proxy-vs-nginx.sh --quick (the script works end to end; figures are not a measurement)"
set +e
# its own ports, away from the default range a developer's benchmark uses
BENCH_BASE_PORT=28180 "$ROOT/bench/proxy-vs-nginx.sh" --quick >"$ROOT/target-bench-smoke.log" 2>&1
BENCH_RC=$?
set -e
tail -25 "$ROOT/target-bench-smoke.log"
if [[ "$BENCH_RC" == 0 ]]; then
  echo "bench smoke: 1 passed, 0 failed" >>"$ROOT/target-bench-smoke.log"
else
  echo "bench smoke: 0 passed, 1 failed" >>"$ROOT/target-bench-smoke.log"
fi

# each scripts/checks/*.sh is one more check against real tools; its last output line reads
# "<name>: N passed, N failed" and its exit status says whether it passed
CHECK_RC=0
check_logs=()
mkdir -p "$ROOT/target-checks"
for check in "$ROOT"/scripts/checks/*.sh; do
  [[ -e "$check" ]] || continue
  name="$(basename "$check" .sh)"
  step "check: $name"
  set +e
  "$check" 2>&1 | tee "$ROOT/target-checks/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  if [[ "$rc" != 0 ]]; then
    CHECK_RC=1
    grep -qE '[0-9]+ passed, [0-9]+ failed' <(tail -1 "$ROOT/target-checks/$name.log") ||
      echo "$name: 0 passed, 1 failed" >>"$ROOT/target-checks/$name.log"
  fi
  check_logs+=("$ROOT/target-checks/$name.log")
done

step "summary"
python3 "$ROOT/scripts/test-summary.py" "$ROOT/target-demo-smoke.log" "$ROOT/target-bench-smoke.log" \
  "${check_logs[@]}" || true
echo "total time: $(($(date +%s) - START)) s"
[[ "$MVN_RC" == 0 && "$SMOKE_RC" == 0 && "$BENCH_RC" == 0 && "$CHECK_RC" == 0 ]]
