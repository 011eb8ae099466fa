#!/usr/bin/env bash
# Reaction to a 10x surge with the process and the docker runtimes: ./bankops demo with one bank
# instance (each answering 20 ms late), 1 closed-loop client, then 10. Reports two times from the
# surge's start: to the scale-out decision, and to the first response from a new instance.
# Usage: bench/surge-reaction.sh [--quick] [process|docker ...]   (RUNS=3 by default, 1 with --quick)
# Ports: SURGE_BASE_PORT (30500) data, +1 admin, +100.. bank instances. Traffic: 127.0.0.1 only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS="${RUNS:-3}"
if [[ "${1:-}" == "--quick" ]]; then
  RUNS=1
  shift
fi
RUNTIMES=("$@")
[[ ${#RUNTIMES[@]} -gt 0 ]] || RUNTIMES=(process docker)
BASE="${SURGE_BASE_PORT:-30500}"
HTTP_PORT="$BASE"
ADMIN_PORT="$((BASE + 1))"
TOKEN="surge-bench-token-0123456789abcdef"
APPLIANCE_ID="bench-surge"
START=$(date +%s)
progress() { printf '[surge %4ss] %s\n' "$(($(date +%s) - START))" "$*" >&2; }

# the demo builds the jars when sources changed; the docker runtime needs the images too
if [[ " ${RUNTIMES[*]} " == *" docker "* ]]; then
  ./bankops images >&2
fi

demo_pid=""
work=""
stop_demo() {
  if [[ -n "$demo_pid" ]] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM -- "-$demo_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$demo_pid" 2>/dev/null || true
  fi
  demo_pid=""
  if command -v docker >/dev/null 2>&1; then
    left="$(docker ps -aq --filter "label=com.bankops.appliance=$APPLIANCE_ID" 2>/dev/null || true)"
    if [[ -n "$left" ]]; then
      progress "removing $(wc -w <<<"$left") container(s) the demo left"
      # shellcheck disable=SC2086
      docker rm -f $left >/dev/null
    fi
  fi
  [[ -n "$work" ]] && rm -rf "$work"
  work=""
}
trap stop_demo EXIT

results=()
for rt in "${RUNTIMES[@]}"; do
  for run in $(seq 1 "$RUNS"); do
    work="$(mktemp -d)"
    cat >"$work/config.yaml" <<YAML
demo: {stableInstances: 1, bankBasePort: $((BASE + 100)), dataDir: $work/data}
routing: {slowStartMs: 1000}
health: {intervalMs: 500, timeoutMs: 400}
autoscaler: {enabled: true, minReplicas: 1, maxReplicas: 4, targetConcurrency: 3,
  stableWindowMs: 6000, panicWindowMs: 2000, scaleDownStabilizationMs: 30000, staleAfterMs: 3000,
  tickMs: 500, signalWindowMs: 2000, drainDeadlineMs: 5000, stopGraceMs: 5000, forecast: shadow}
YAML
    progress "$rt run $run/$RUNS: starting the demo"
    BANKOPS_CONFIG="$work/config.yaml" BANKOPS_RUNTIME="$rt" BANKOPS_HTTP_PORT="$HTTP_PORT" \
      BANKOPS_ADMIN_PORT="$ADMIN_PORT" BANKOPS_ADMIN_TOKEN="$TOKEN" BANKOPS_APPLIANCE_ID="$APPLIANCE_ID" \
      BANK_FAULT_LATENCY_MS=20 setsid ./bankops demo >"$work/demo.log" 2>&1 &
    demo_pid=$!
    up=0
    for _ in $(seq 1 1500); do
      if curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin/status" 2>/dev/null; then
        up=1
        break
      fi
      kill -0 "$demo_pid" 2>/dev/null || break
      sleep 0.2
    done
    if [[ "$up" != 1 ]]; then
      progress "the demo did not come up; last lines:"
      grep -v '^{' "$work/demo.log" | tail -20 >&2
      exit 1
    fi
    progress "$rt run $run/$RUNS: 1 client for 8 s, then 10"
    line="$(python3 bench/surge_client.py --url "http://127.0.0.1:$HTTP_PORT" \
      --admin "http://127.0.0.1:$ADMIN_PORT" --token "$TOKEN")"
    progress "$rt run $run/$RUNS: $line"
    results+=("$rt $line")
    stop_demo
  done
done

progress "summary (seconds from the surge's start; median of $RUNS run(s) per runtime):"
printf '%s\n' "${results[@]}" | python3 bench/surge_client.py --summary
