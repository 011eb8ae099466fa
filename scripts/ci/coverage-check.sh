#!/usr/bin/env bash
# Enforces the line-coverage threshold on the JaCoCo reports `mvnw verify` wrote (unit and
# integration runs merged; 66.1% on main at c53d28e). The threshold lives here, not in the poms, so raising it is one line:
#   COVERAGE_MIN_LINE=70 scripts/ci/coverage-check.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/coverage"
exec python3 "$ROOT/scripts/ci/coverage.py" --min-line "${COVERAGE_MIN_LINE:-60}" --out "$OUT" "$ROOT"
