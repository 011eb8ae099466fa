#!/usr/bin/env bash
# Secrets committed anywhere in the history (gitleaks); findings are redacted in the report
# $REPORTS_DIR/security/secrets.sarif, and any finding fails the stage.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/security"
mkdir -p "$OUT"
command -v gitleaks >/dev/null 2>&1 || { echo "scan-secrets: gitleaks is not installed (scripts/ci/install-scanners.sh)" >&2; exit 1; }
gitleaks git --redact --report-format sarif --report-path "$OUT/secrets.sarif" .
