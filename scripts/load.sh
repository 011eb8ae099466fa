#!/usr/bin/env bash
# ./bankops load: runs the Gatling bank mix (load-tests/) against a running appliance and prints
# where the HTML report is. Exit status: Gatling's (non-zero when an assertion failed: more than
# 0.1% failed requests, or p99 above the SLO).
#   scripts/load.sh --profile smoke|surge [--target URL] [--baseline RPS] [--slo-ms MS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  echo "usage: ./bankops load --profile smoke|surge [--target URL] [--baseline RPS] [--slo-ms MS]" >&2
  exit 2
}
profile=smoke
target="http://127.0.0.1:${BANKOPS_HTTP_PORT:-8080}"
props=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profile) profile="${2:-}"; shift 2 || usage ;;
    --target) target="${2:-}"; shift 2 || usage ;;
    --baseline) props+=("-Dload.baselineRps=${2:-}"); shift 2 || usage ;;
    --slo-ms) props+=("-Dload.sloP99Ms=${2:-}"); shift 2 || usage ;;
    -h | --help) usage ;;
    *) echo "load: unknown option $1" >&2; usage ;;
  esac
done
case "$profile" in
  smoke | surge) ;;
  *) echo "load: --profile $profile (expected: smoke | surge)" >&2; exit 2 ;;
esac
if ! curl -fsS -o /dev/null --max-time 5 "$target/health/live"; then
  echo "load: $target/health/live does not answer; start the appliance (./bankops demo) or pass --target" >&2
  exit 1
fi

results="$ROOT/load-tests/target/gatling"
mkdir -p "$results"
marker="$(mktemp)"
trap 'rm -f "$marker"' EXIT
echo "load: Gatling $profile profile against $target (report under $results)" >&2
set +e
./mvnw -B -ntp -f load-tests/pom.xml gatling:test \
  "-Dload.profile=$profile" "-Dload.target=$target" "${props[@]}"
rc=$?
set -e
report="$(find "$results" -mindepth 2 -maxdepth 2 -name index.html -newer "$marker" -print 2>/dev/null | sort | tail -1)"
if [[ -n "$report" ]]; then
  echo "load: report $report"
else
  echo "load: no report was written (see the output above)" >&2
  [[ "$rc" != 0 ]] || rc=1
fi
exit "$rc"
