#!/usr/bin/env bash
# Unit tests (surefire, *Test) with the JaCoCo agent, and those of load-tests/; no integration tests, no format check (the
# lint stage has it). Counts go to $REPORTS_DIR/tests/unit.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/tests"
set +e
./mvnw -B -ntp -Dspotless.check.skip=true -DskipITs verify
rc=$?
# the load tests' own unit tests (settings, profiles): a project outside the reactor
./mvnw -B -ntp -f load-tests/pom.xml test || rc=1
set -e
python3 scripts/ci/test_report.py summary "$ROOT" "$OUT/unit.json"
exit "$rc"
