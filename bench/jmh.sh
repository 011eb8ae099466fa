#!/usr/bin/env bash
# JMH micro-benchmarks of the balancer's per-request routing and recording path (ns/op).
#
#   bench/jmh.sh [--quick] [JMH options...]     e.g. bench/jmh.sh -f 2 -i 10
#
# Builds bench/jmh (and the balancer) offline, then runs org.openjdk.jmh.Main with short settings
# (1 fork, 3×1 s warm-up, 5×1 s measurement; --quick: 2×0.5 s and 3×0.5 s) and prints JMH's table.
# Pinned to CPU 1 when taskset is there (the other core keeps the machine's noise).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OPTS=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
if [ "${1:-}" = --quick ]; then
  OPTS=(-f 1 -wi 2 -w 500ms -i 3 -r 500ms)
  shift
fi
echo "[jmh] building bench/jmh" >&2
./mvnw -o -q -B -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true install -pl bench/jmh -am
CP_FILE=$(mktemp /tmp/bankops-jmh-cp.XXXXXX)
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -o -q -B dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime \
  -pl bench/jmh >/dev/null
CP="$ROOT/bench/jmh/target/classes:$(cat "$CP_FILE")"
PIN=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  PIN=(taskset -c 1)
fi
echo "[jmh] load:$(uptime | sed 's/.*load average://')" >&2
"${PIN[@]}" java -cp "$CP" org.openjdk.jmh.Main "${OPTS[@]}" -foe true "$@" \
  'com.bankops.bench.*' | sed -n '/^Benchmark/,$p'
