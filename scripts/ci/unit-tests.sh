#!/usr/bin/env bash
# Unit tests (surefire, *Test) with the JaCoCo agent; no integration tests, no format check (the
# lint stage has it). Counts go to $REPORTS_DIR/tests/unit.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/tests"
set +e
./mvnw -B -ntp -Dspotless.check.skip=true -DskipITs verify
rc=$?
set -e
python3 scripts/ci/test_report.py summary "$ROOT" "$OUT/unit.json"
exit "$rc"
