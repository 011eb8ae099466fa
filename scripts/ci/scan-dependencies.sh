#!/usr/bin/env bash
# Known vulnerabilities in the Maven dependencies (every pom, load-tests included) with Trivy.
# All HIGH and CRITICAL findings go to $REPORTS_DIR/security/dependencies.sarif (code scanning);
# the stage fails on CRITICAL ones (SCAN_FAIL_ON to change).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/security"
mkdir -p "$OUT"
command -v trivy >/dev/null 2>&1 || { echo "scan-dependencies: trivy is not installed (scripts/ci/install-scanners.sh)" >&2; exit 1; }
common=(fs --scanners vuln --skip-dirs target --skip-dirs .github/tools/node_modules)
trivy "${common[@]}" --severity HIGH,CRITICAL --format sarif --output "$OUT/dependencies.sarif" .
trivy "${common[@]}" --severity "${SCAN_FAIL_ON:-CRITICAL}" --exit-code 1 --format table .
