#!/usr/bin/env bash
# Unit and integration tests (failsafe, *IT) against real PostgreSQL, real bank JVMs and a real
# Docker engine: first every scripts/setup.d/*.sh (e.g. the engine and the offline images), then
# `mvnw verify`. Counts go to $REPORTS_DIR/tests/integration.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/tests"
for setup in scripts/setup.d/*.sh; do
  [[ -e "$setup" ]] || continue
  echo "setup: $setup"
  if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then sudo -E "$setup"; else "$setup"; fi
done
set +e
./mvnw -B -ntp -Dspotless.check.skip=true verify
rc=$?
set -e
python3 scripts/ci/test_report.py summary "$ROOT" "$OUT/integration.json"
exit "$rc"
