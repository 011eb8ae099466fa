#!/usr/bin/env bash
# The operator console in a real browser (issue 8): Debian's Chromium, driven headless by
# playwright-core (its own browser download disabled), against `./bankops demo` on 127.0.0.1 ports
# 35080.. with bounded load and one real canary bank instance. Also checks that the committed
# bundle under balancer/src/main/resources/ui/ is what console/ builds.
# The rollout scenario (a faulty canary rolled back, shown on the timeline) runs when the appliance's
# /admin/openapi.yaml declares /admin/rollouts/current, and fails otherwise.
# Screenshots: target-checks/screenshots/. Ports: CONSOLE_BASE_PORT (35080): +0 data, +10 admin, +20..+119 bank instances, +900 canary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"

NAME="console-browser"
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
finish() {
  echo "$NAME: $PASSED passed, $FAILED failed"
  [[ "$FAILED" == 0 ]]
}

BASE="${CONSOLE_BASE_PORT:-35080}"
HTTP_PORT="$BASE"
ADMIN_PORT=$((BASE + 10))
BANK_BASE=$((BASE + 20))
CANARY_PORT=$((BASE + 900)) # outside the runtime's 100 instance ports from BANK_BASE
ADMIN="http://127.0.0.1:${ADMIN_PORT}"
DATA="http://127.0.0.1:${HTTP_PORT}"
SHOTS="$ROOT/target-checks/screenshots"
TMP="$(mktemp -d /tmp/bankops-console.XXXXXX)"
DEMO_PID=""
CANARY_PID=""

stop_group() { # PID: TERM its process group, then KILL what is left after 20 s
  local pid="$1"
  [[ -z "$pid" ]] && return 0
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for _ in $(seq 40); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
cleanup() {
  stop_group "$CANARY_PID"
  stop_group "$DEMO_PID"
  mkdir -p "$ROOT/target-checks"
  cp "$TMP/demo.log" "$ROOT/target-checks/console-demo.log" 2>/dev/null || true
  cp "$TMP/canary.log" "$ROOT/target-checks/console-canary.log" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "== tools: chromium (apt), node and npm, playwright-core and esbuild (npm, locked)"
ensure_apt chromium:chromium node:nodejs npm:npm
(cd console && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

echo "== the committed bundle is what console/ builds"
if (cd console && node build.mjs --check); then
  pass "bundle reproducible from console/ sources"
else
  fail "bundle reproducible from console/ sources"
fi

echo "== ./bankops demo on ${HTTP_PORT}/${ADMIN_PORT} (bank instances from ${BANK_BASE})"
TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat >"$TMP/config.yaml" <<YAML
demo:
  bankBasePort: ${BANK_BASE}
  dataDir: ${TMP}/data
YAML
BANKOPS_CONFIG="$TMP/config.yaml" BANKOPS_HTTP_PORT="$HTTP_PORT" BANKOPS_ADMIN_PORT="$ADMIN_PORT" \
  BANKOPS_ADMIN_TOKEN="$TOKEN" setsid ./bankops demo >"$TMP/demo.log" 2>&1 &
DEMO_PID=$!
ready=0
for _ in $(seq 360); do
  if curl -sf "$ADMIN/health/ready" >/dev/null 2>&1; then
    ready=1
    break
  fi
  kill -0 "$DEMO_PID" 2>/dev/null || break
  sleep 0.5
done
if [[ "$ready" != 1 ]]; then
  fail "demo ready within 180 s"
  grep -v '"logger_name":"decisions"' "$TMP/demo.log" | tail -20
  finish
  exit 1
fi
echo "demo ready"

headers="$(curl -s -D - -o "$TMP/index.html" "$ADMIN/ui/")"
if grep -qi '^content-security-policy:' <<<"$headers" && grep -q 'id="token"' "$TMP/index.html"; then
  pass "GET /ui/ serves the console with a Content-Security-Policy"
else
  fail "GET /ui/ serves the console with a Content-Security-Policy"
fi
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$ADMIN/admin/console/stream")"
if [[ "$code" == 401 ]]; then
  pass "the live stream refuses a request without the token (401)"
else
  fail "the live stream refuses a request without the token (got $code)"
fi

echo "== a canary bank instance (version 1.1.0-console, +4 ms) on ${CANARY_PORT}"
PG_PORT="$(sed -n 4p "$TMP/data/pgdata/postmaster.pid")"
BANK_JAR="bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar"
BANK_PORT="$CANARY_PORT" BANK_HOST=127.0.0.1 BANK_VERSION=1.1.0-console BANK_FAULT_LATENCY_MS=4 \
  BANK_DB_URL="postgresql://postgres:postgres@127.0.0.1:${PG_PORT}/postgres" \
  setsid java -Xmx256m -jar "$BANK_JAR" >"$TMP/canary.log" 2>&1 &
CANARY_PID=$!
CANARY_ID=""
for _ in $(seq 240); do
  kill -0 "$CANARY_PID" 2>/dev/null || break
  if curl -sf "http://127.0.0.1:${CANARY_PORT}/health/ready" >/dev/null 2>&1; then
    CANARY_ID="$(curl -sf -X POST "$ADMIN/admin/backends" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' \
      --data "{\"pool\": \"canary\", \"host\": \"127.0.0.1\", \"port\": ${CANARY_PORT}, \"version\": \"1.1.0-console\"}" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" || CANARY_ID=""
    break
  fi
  sleep 0.5
done
if [[ -n "$CANARY_ID" ]]; then
  pass "canary instance $CANARY_ID added through the admin API"
else
  fail "canary instance started and added within 120 s"
  tail -5 "$TMP/canary.log"
fi

ROLLOUT=0
# read it whole first: grep -q stops at the first match, and curl's SIGPIPE then fails the pipe
contract="$(curl -sf "$ADMIN/admin/openapi.yaml" || true)"
if grep -q '^  /admin/rollouts/current:' <<<"$contract"; then
  ROLLOUT=1
fi

echo "== the browser (load on ${DATA} runs alongside, about 40 requests a second)"
mkdir -p "$SHOTS"
set +e
(cd console && ADMIN_URL="$ADMIN" DATA_URL="$DATA" TOKEN="$TOKEN" SHOTS="$SHOTS" CANARY_ID="$CANARY_ID" \
  ROLLOUT="$ROLLOUT" CHROMIUM="$(command -v chromium)" timeout 600 node test/console-browser.mjs) | tee "$TMP/browser.log"
set -e
PASSED=$((PASSED + $(grep -c '^PASS ' "$TMP/browser.log" || true)))
FAILED=$((FAILED + $(grep -c '^FAIL ' "$TMP/browser.log" || true)))
grep -q '^browser cases: ' "$TMP/browser.log" || fail "browser run finished (it stopped early)"
echo "screenshots: $(find "$SHOTS" -name '*.png' -printf '%f ')"
finish
