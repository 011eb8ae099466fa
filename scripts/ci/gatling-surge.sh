#!/usr/bin/env bash
# CI surge stage (also runs locally): starts ./bankops demo with the autoscaler on its own ports
# (SURGE_BASE_PORT, default 34200), runs the Gatling surge profile (a ramp to 10x the baseline in
# 30 s, a hold, a fall), samples the autoscaler every second, and always stops the demo. Writes
# to $REPORTS_DIR/surge (default target/ci/surge): summary.json and summary.md (p50, p99, failed
# requests, peak replicas, time to scale), replicas.tsv, the Gatling HTML report.
#   SURGE_BASELINE_RPS (default 3: what a shared 2-core machine holds, docs/benchmarks.md) SURGE_SLO_MS (default 2000)
#   SURGE_TARGET_CONCURRENCY (default: the appliance's, 10 in flight per instance; a low value such
#   as 2 makes a small surge scale out, see docs/benchmarks.md for what that did here)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/demo-instance.sh
source "$ROOT/scripts/lib/demo-instance.sh"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/surge"
BASE="${SURGE_BASE_PORT:-34200}"
rm -rf "$OUT"
mkdir -p "$OUT"
work="$(mktemp -d)"
sampler=""
# shellcheck disable=SC2317 # the EXIT trap calls it
finish() {
  if [[ -n "$sampler" ]]; then kill "$sampler" 2>/dev/null || true; fi
  if [[ -n "${DEMO_TOKEN:-}" ]]; then
    curl -fsS --max-time 5 -H "Authorization: Bearer $DEMO_TOKEN" "$DEMO_ADMIN_URL/admin/autoscaler/decisions" \
      >"$OUT/decisions.json" 2>/dev/null || true
  fi
  demo_stop || echo "surge: the demo needed SIGKILL" >&2
  # evidence for a failed surge: the appliance's log and the bank instances' logs
  [[ -f "${DEMO_LOG:-}" ]] && cp "$DEMO_LOG" "$OUT/demo.log"
  if [[ -d "$work/data" ]]; then
    find "$work/data" -name '*.log' -exec cp --parents -t "$OUT" {} + 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap finish EXIT

demo_start "$BASE" "$work"
auth=(-H "Authorization: Bearer $DEMO_TOKEN")
if [[ -n "${SURGE_TARGET_CONCURRENCY:-}" ]]; then
  curl -fsS "${auth[@]}" -XPUT -H 'Content-Type: application/json' \
    -d "{\"targetConcurrency\": $SURGE_TARGET_CONCURRENCY}" "$DEMO_ADMIN_URL/admin/autoscaler" >/dev/null
fi

# one line a second: epoch seconds, desired, current, ready replicas of the stable pool
(
  while true; do
    curl -fsS --max-time 2 "${auth[@]}" "$DEMO_ADMIN_URL/admin/autoscaler" 2>/dev/null |
      python3 -c 'import json,sys,time; p=json.load(sys.stdin)["pools"]["stable"]; print(int(time.time()), p["desired"], p["current"], p["ready"], sep="\t")' \
        2>/dev/null || true
    # every backend's state, for when ready drops (one JSON line a second)
    curl -fsS --max-time 2 "${auth[@]}" "$DEMO_ADMIN_URL/admin/backends" 2>/dev/null |
      python3 -c 'import json,sys,time; print(json.dumps({"t": int(time.time()), "backends": json.load(sys.stdin)}))' \
        >>"$OUT/backends.jsonl" 2>/dev/null || true
    sleep 1
  done
) >"$OUT/replicas.tsv" &
sampler=$!

load_start=$(date +%s)
set +e
./bankops load --profile surge --target "$DEMO_URL" --baseline "${SURGE_BASELINE_RPS:-3}" \
  --slo-ms "${SURGE_SLO_MS:-2000}" 2>&1 | tee "$work/load.log"
rc=${PIPESTATUS[0]}
set -e
kill "$sampler" 2>/dev/null
sampler=""
report="$(sed -n 's/^load: report //p' "$work/load.log" | tail -1)"
[[ -n "$report" ]] && cp -r "$(dirname "$report")" "$OUT/gatling"

python3 - "$OUT" "$load_start" "$rc" "${report:-}" "${SURGE_BASELINE_RPS:-3}" <<'PY'
import json, sys
sys.path.insert(0, "scripts/lib")
from gatling_stats import parse
out, start, rc, report, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
rows = [list(map(int, l.split("\t"))) for l in open(f"{out}/replicas.tsv") if l.count("\t") == 3]
# the ramp starts 10 s into the simulation (LoadProfile.RAMP_STARTS_AT_SECONDS); the simulation's
# start is in its report's directory name (UTC), not when Maven was launched (tens of seconds earlier)
import datetime, os, re
m = re.search(r"-(\d{14})\d*$", os.path.dirname(report)) if report else None
if m:
    start = int(datetime.datetime.strptime(m.group(1), "%Y%m%d%H%M%S").replace(tzinfo=datetime.timezone.utc).timestamp())
ramp = start + 10
# replicas when the ramp begins (instances may still be starting when the demo says it is up)
before = [r for r in rows if r[0] <= ramp]
initial = (before[-1] if before else rows[0])[3] if rows else 0
peak = max((r[3] for r in rows), default=0)
first_up = next((r[0] for r in rows if r[0] >= ramp and r[3] > initial), None)
stats = parse(open(report, encoding="utf-8").read())["All Requests"] if report else {}
summary = {
    "assertionsHeld": rc == 0, "baselineRps": base, "peakRps": 10 * base,
    "requests": stats.get("total"), "failed": stats.get("ko"), "failedPercent": stats.get("koPercent"),
    "p50Ms": stats.get("p50"), "p95Ms": stats.get("p95"), "p99Ms": stats.get("p99"), "maxMs": stats.get("max"),
    "initialReplicas": initial, "peakReplicas": peak,
    "secondsFromRampToFirstReplica": None if first_up is None else max(0, first_up - ramp),
}
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
with open(f"{out}/summary.md", "w") as f:
    f.write("| surge | value |\n|---|---|\n")
    for k, v in summary.items():
        f.write(f"| {k} | {v} |\n")
print(json.dumps(summary))
PY
echo "surge: summary in $OUT/summary.md"
exit "$rc"
