#!/usr/bin/env bash
# Prints each failed test as a GitHub annotation (::error file=...,line=...) on the line of the
# test that failed, read from the surefire and failsafe reports. Locally it just lists them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec python3 "$ROOT/scripts/ci/test_report.py" annotate "$ROOT"
