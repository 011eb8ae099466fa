#!/usr/bin/env bash
# Time from launch to the first 200 from /health/ready of one bank instance, against an embedded
# PostgreSQL whose schema is already current (what a scale-out instance meets). Polls every 20 ms.
# Usage: bench/bank-startup.sh [process|docker ...]   (RUNS=5 by default)
#   BANK_JAVA_OPTS   JVM flags for the process launch (default none: plain java -jar; the process
#                    runtime's are "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m
#                    -XX:SharedArchiveFile=<jar>.jsa", see BankJvm)
#   BANK_DOCKER_ENV  one K=V for the container (default the docker runtime's JAVA_TOOL_OPTIONS)
#   SKIP_IMAGES=1    use BANKOPS_BANK_IMAGE as it is (e.g. an image of an earlier build, for an A/B)
# Ports: STARTUP_BASE_PORT (39500) the database, +1 the bank. Traffic: 127.0.0.1 only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

RUNS="${RUNS:-5}"
MODES=("$@")
[[ ${#MODES[@]} -gt 0 ]] || MODES=(process docker)
BASE="${STARTUP_BASE_PORT:-39500}"
DB_PORT="$BASE"
BANK_PORT="$((BASE + 1))"
JAR="${BANKOPS_BANK_JAR:-bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar}"
IMAGE="${BANKOPS_BANK_IMAGE:-bankops/bank:local}"
START=$(date +%s)
progress() { printf '[startup %4ss] %s\n' "$(($(date +%s) - START))" "$*" >&2; }
now_ms() { date +%s%3N; }

[[ -f "$JAR" ]] || { echo "bank-startup: $JAR missing (./bankops build)" >&2; exit 1; }
if [[ " ${MODES[*]} " == *" docker "* && "${SKIP_IMAGES:-0}" != 1 ]]; then
  ./bankops images >&2
fi

work="$(mktemp -d)"
db_pid=""
bank_pid=""
container=""
cleanup() {
  if [[ -n "$bank_pid" ]]; then kill -TERM "$bank_pid" 2>/dev/null || true; fi
  if [[ -n "$container" ]]; then docker rm -f "$container" >/dev/null 2>&1 || true; fi
  if [[ -n "$db_pid" ]]; then
    exec 8>&- || true
    wait "$db_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

progress "starting PostgreSQL on 127.0.0.1:$DB_PORT"
mkfifo "$work/db.in"
java -cp "$JAR" bench/StartupDatabase.java "$work/pg" "$DB_PORT" <"$work/db.in" >"$work/db.out" 2>"$work/db.err" &
db_pid=$!
exec 8>"$work/db.in"
for _ in $(seq 1 600); do
  [[ -s "$work/db.out" ]] && break
  kill -0 "$db_pid" 2>/dev/null || { cat "$work/db.err" >&2; exit 1; }
  sleep 0.1
done
DB_URL="$(head -1 "$work/db.out")"
[[ -n "$DB_URL" ]] || { echo "bank-startup: the database did not start" >&2; exit 1; }

# launch → ready in ms, or "fail"; $1 = process|docker
one_start() {
  local mode="$1" t0 t1
  t0=$(now_ms)
  if [[ "$mode" == process ]]; then
    # shellcheck disable=SC2086 # BANK_JAVA_OPTS is a list of flags
    BANK_PORT="$BANK_PORT" BANK_DB_URL="$DB_URL" BANK_INSTANCE_ID=startup \
      java ${BANK_JAVA_OPTS:-} -jar "$JAR" >"$work/bank.log" 2>&1 &
    bank_pid=$!
  else
    local envs=(-e "BANK_PORT=$BANK_PORT" -e "BANK_DB_URL=$DB_URL" -e BANK_INSTANCE_ID=startup)
    envs+=(-e "${BANK_DOCKER_ENV:-JAVA_TOOL_OPTIONS=-XX:+UseSerialGC -Xmx256m}")
    container="$(docker run -d --network host --init "${envs[@]}" "$IMAGE")"
  fi
  local ok=0
  for _ in $(seq 1 3000); do
    if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$BANK_PORT/health/ready" 2>/dev/null; then
      ok=1
      break
    fi
    sleep 0.02
  done
  t1=$(now_ms)
  if [[ "$mode" == process ]]; then
    kill -TERM "$bank_pid" 2>/dev/null || true
    wait "$bank_pid" 2>/dev/null || true
    bank_pid=""
  else
    docker rm -f "$container" >/dev/null
    container=""
  fi
  if [[ "$ok" == 1 ]]; then echo $((t1 - t0)); else echo fail; fi
}

# the first start migrates the fresh database; later ones find the schema current
progress "warm-up start (migrates the fresh database): $(one_start process) ms"
for mode in "${MODES[@]}"; do
  times=()
  for run in $(seq 1 "$RUNS"); do
    t="$(one_start "$mode")"
    progress "$mode run $run/$RUNS: launch → ready $t ms"
    times+=("$t")
  done
  sorted="$(printf '%s\n' "${times[@]}" | grep -v fail | sort -n || true)"
  n="$(wc -l <<<"$sorted")"
  median="$(sed -n "$(((n + 1) / 2))p" <<<"$sorted")"
  echo "$mode launch→ready ms: median ${median:-n/a} of $RUNS (all: ${times[*]})"
done
