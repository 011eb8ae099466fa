#!/usr/bin/env bash
# Live checks against the real running appliance (demo mode: embedded PostgreSQL, two bank JVMs):
#  1. Prometheus (Debian's) scrapes it through the appliance's HTTP service discovery while a
#     bounded load runs; every PromQL expression of every dashboard panel, recording rule and alert
#     runs through /api/v1/query without error and reads only metrics the appliance exports (the
#     rollout metrics excepted until they land), and the latency, traffic and replica panels return
#     data.
#  2. The edge: real NGINX with a certificate made here. TLS 1.3 through NGINX, the balancer and a
#     bank succeeds; TLS 1.1 is refused; HTTP/2 works; the client's address (127.0.0.2) reaches the
#     bank in X-Forwarded-For (seen in the bank's access line of that request id).
#  3. The logs: the lines the appliance and banks wrote carry every field the Loki pipeline and the
#     Grafana log panels use, with the right types.
#  4. Alertmanager with prometheus/alertmanager.yml: a floor alert reaches the appliance's hook (with
#     the bearer token from a file), the ops webhook and e-mail (a local sink stands in for both).
# Ports: BANKOPS_OBS_PORT_BASE (33000) + 80 data, +90 admin, +91 Prometheus, +93 Alertmanager,
# +95/+25 webhook/SMTP sink, +443/+444 edge, +101.. banks.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT" || exit 1
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt prometheus:prometheus prometheus-alertmanager:prometheus-alertmanager nginx:nginx \
  openssl:openssl curl:curl

BASE="${BANKOPS_OBS_PORT_BASE:-33000}"
HTTP_PORT=$((BASE + 80))
ADMIN_PORT=$((BASE + 90))
PROM_PORT=$((BASE + 91))
AM_PORT=$((BASE + 93))
SINK_HTTP_PORT=$((BASE + 95))
SINK_SMTP_PORT=$((BASE + 25))
EDGE_PORT=$((BASE + 443))
BANK_PORT=$((BASE + 101))
LOAD_SECONDS="${BANKOPS_OBS_LOAD_SECONDS:-40}"
PROMETHEUS="$(command -v prometheus || echo /usr/bin/prometheus)"
APPLIANCE_JAR="balancer/target/balancer-0.1.0-SNAPSHOT-all.jar"
BANK_JAR="bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar"
START=$(date +%s)

PASSED=0
FAILED=0
ok() { echo "ok   $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAIL $*"; FAILED=$((FAILED + 1)); }
check() { # NAME CMD...
  local name="$1"
  shift
  if "$@"; then ok "$name"; else fail "$name"; fi
}
progress() { printf '[%3ss] %s\n' "$(($(date +%s) - START))" "$*"; }
summary() {
  echo "observability-live: $PASSED passed, $FAILED failed"
  [[ "$FAILED" == 0 ]]
}

TMP="$(mktemp -d)"
APP_PID=""
PROM_PID=""
AM_PID=""
SINK_PID=""
NGINX_PID=""
LOAD_PID=""
cleanup() {
  [[ -n "$LOAD_PID" ]] && kill "$LOAD_PID" 2>/dev/null
  [[ -n "$NGINX_PID" ]] && kill "$NGINX_PID" 2>/dev/null
  [[ -n "$PROM_PID" ]] && kill "$PROM_PID" 2>/dev/null
  [[ -n "$AM_PID" ]] && kill "$AM_PID" 2>/dev/null
  [[ -n "$SINK_PID" ]] && kill "$SINK_PID" 2>/dev/null
  if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
    # the appliance's shutdown hook stops its bank instances; then make sure of the whole group
    kill -TERM "$APP_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$APP_PID" 2>/dev/null
  fi
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

for port in "$HTTP_PORT" "$ADMIN_PORT" "$PROM_PORT" "$AM_PORT" "$SINK_HTTP_PORT" "$SINK_SMTP_PORT" \
  "$EDGE_PORT" "$((EDGE_PORT + 1))" "$BANK_PORT"; do
  if (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is free (set BANKOPS_OBS_PORT_BASE to move the range)"
    summary
    exit 1
  fi
done
if [[ ! -f "$APPLIANCE_JAR" || ! -f "$BANK_JAR" ]]; then
  progress "building the jars"
  ./mvnw -q -B -ntp -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true install || { fail "build"; summary; exit 1; }
fi

# ---- the appliance under load ----
progress "starting the appliance (embedded PostgreSQL, 2 bank instances)"
cat >"$TMP/appliance.yaml" <<YAML
demo:
  bankBasePort: $BANK_PORT
  dataDir: $TMP/data
YAML
TOKEN="$(openssl rand -hex 24)"
setsid env BANKOPS_CONFIG="$TMP/appliance.yaml" BANKOPS_HTTP_PORT="$HTTP_PORT" BANKOPS_ADMIN_PORT="$ADMIN_PORT" \
  BANKOPS_ADMIN_TOKEN="$TOKEN" BANKOPS_BANK_JAR="$BANK_JAR" \
  java -XX:+UseParallelGC -Xmx256m -jar "$APPLIANCE_JAR" demo >"$TMP/appliance.log" 2>&1 &
APP_PID=$!
ready=""
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$ADMIN_PORT/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$APP_PID" 2>/dev/null || break
  sleep 1
done
if [[ -z "$ready" ]]; then
  fail "the appliance became ready"
  tail -20 "$TMP/appliance.log"
  summary
  exit 1
fi
ok "the appliance became ready"
# a third instance: discovery must follow the autoscaler, and the decision log gets a scale event
scale_up() {
  curl -fsS -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data '{"minReplicas": 3}' "http://127.0.0.1:$ADMIN_PORT/admin/autoscaler" >/dev/null
}
check "the autoscaler takes minReplicas 3 (a third bank instance starts)" scale_up

progress "bounded load: ${LOAD_SECONDS}s at most, 40 requests/s at most, through the balancer"
python3 - "$HTTP_PORT" "$LOAD_SECONDS" >"$TMP/load.log" 2>&1 <<'PY' &
import http.client, json, sys, time, uuid
port, seconds = int(sys.argv[1]), float(sys.argv[2])
deadline, sent, codes = time.time() + seconds, 0, {}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
def call(method, path, body=None, headers=None):
    global conn, sent
    h = {"Content-Type": "application/json", **(headers or {})}
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = conn.getresponse(); data = r.read()
    except Exception as e:
        conn.close(); conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        codes["error"] = codes.get("error", 0) + 1; sent += 1; return None, None
    sent += 1; codes[r.status] = codes.get(r.status, 0) + 1
    return r.status, data
ids = []
while time.time() < deadline and sent < 2400:
    t = time.time()
    s, d = call("POST", "/accounts", {"owner": "load", "initialBalance": 10000})
    if s == 201: ids.append(json.loads(d)["id"])
    if len(ids) >= 2:
        call("POST", "/transfers", {"from": ids[-1], "to": ids[-2], "amount": 1}, {"Idempotency-Key": str(uuid.uuid4())})
        call("GET", "/accounts/" + ids[-1])
        call("POST", "/accounts/%s/deposits" % ids[-2], {"amount": 5})
    call("GET", "/accounts/does-not-exist")
    time.sleep(max(0, 0.125 - (time.time() - t)))
print("load:", sent, "requests", codes)
PY
LOAD_PID=$!

# ---- Prometheus through the appliance's HTTP service discovery ----
progress "starting Prometheus on 127.0.0.1:$PROM_PORT, discovery from the appliance"
python3 - "$ROOT/prometheus/prometheus.yml" "$TMP/prometheus.yml" "$ADMIN_PORT" "$ROOT/prometheus" <<'PY'
import sys, yaml
src, dst, admin, root = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
c = yaml.safe_load(open(src))
c["global"].update(scrape_interval="2s", scrape_timeout="2s", evaluation_interval="2s")
c["rule_files"] = [f"{root}/{f}" for f in c["rule_files"]]
c.pop("alerting", None)  # no Alertmanager here: the rules are what is checked
for job in c["scrape_configs"]:
    for sd in job["http_sd_configs"]:
        sd["url"] = sd["url"].replace("127.0.0.1:9090", f"127.0.0.1:{admin}")
        sd["refresh_interval"] = "2s"
yaml.safe_dump(c, open(dst, "w"))
PY
"$PROMETHEUS" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$TMP/prometheus.log" 2>&1 &
PROM_PID=$!
PROM="http://127.0.0.1:$PROM_PORT"
# the recorded stable p99 appears once the 1-minute rate has two scrapes of real traffic
have_data=""
for _ in $(seq 1 60); do
  if curl -fsS "$PROM/api/v1/query" --data-urlencode \
    'query=pool_version:bankops_upstream_request_duration_seconds:p99_1m{pool="stable"}' 2>/dev/null |
    grep -q '"value"'; then have_data=1; break; fi
  sleep 1
done
[[ -n "$have_data" ]] || { tail -5 "$TMP/prometheus.log"; }
three_instances_scraped() {
  for _ in $(seq 1 60); do
    curl -fsS "$PROM/api/v1/query" --data-urlencode 'query=count(up{job="bankops-bank"} == 1) == 3' 2>/dev/null |
      grep -q '"value"' && return 0
    sleep 1
  done
  return 1
}
check "Prometheus found and scrapes the third instance through discovery" three_instances_scraped
sleep 4 # a few more scrapes so that every rate window has samples
progress "evaluating every dashboard and recording-rule expression"
out="$(python3 scripts/checks/lib/observability_live.py prometheus "$PROM" "http://127.0.0.1:$ADMIN_PORT" \
  grafana/dashboards prometheus/rules/recording.yml prometheus/rules/alerts.yml)"
printf '%s\n' "$out" | grep -v '^counts:'
read -r p f < <(printf '%s\n' "$out" | sed -n 's/^counts: //p')
PASSED=$((PASSED + ${p:-0}))
FAILED=$((FAILED + ${f:-1}))

# ---- Alertmanager: a floor alert reaches the appliance's hook (bearer token), the webhook, e-mail ----
progress "starting Alertmanager on 127.0.0.1:$AM_PORT with prometheus/alertmanager.yml"
python3 scripts/checks/lib/notification_sink.py "$SINK_HTTP_PORT" "$SINK_SMTP_PORT" "$TMP/sink" &
SINK_PID=$!
printf '%s' "$TOKEN" >"$TMP/admin-token"
python3 - "$ROOT/prometheus/alertmanager.yml" "$TMP/alertmanager.yml" <<PY
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
# addresses of this run; group_wait shortened so the check does not wait 30 s
c["global"].update(smtp_smarthost="127.0.0.1:$SINK_SMTP_PORT", smtp_require_tls=False)
def walk(route):
    route["group_wait"] = "1s"
    for r in route.get("routes", []):
        walk(r)
walk(c["route"])
for r in c["receivers"]:
    for w in r.get("webhook_configs", []):
        w["url"] = w["url"].replace("127.0.0.1:9090", "127.0.0.1:$ADMIN_PORT").replace(
            "127.0.0.1:9095", "127.0.0.1:$SINK_HTTP_PORT")
        if "http_config" in w:
            w["http_config"]["authorization"]["credentials_file"] = "$TMP/admin-token"
yaml.safe_dump(c, open(sys.argv[2], "w"))
PY
prometheus-alertmanager --config.file="$TMP/alertmanager.yml" --storage.path="$TMP/am" \
  --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= --log.level=warn \
  >"$TMP/alertmanager.log" 2>&1 &
AM_PID=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$AM_PORT/api/v2/alerts" --data \
  '[{"labels": {"alertname": "BankopsLatencyBudgetBurnFast", "bankops_scale_floor": "3", "pool": "stable",
     "severity": "page", "category": "scaling", "slo": "latency"}, "annotations": {"summary": "live check"}}]' \
  >/dev/null || fail "Alertmanager took the alert"
floor_applied() {
  for _ in $(seq 1 40); do
    curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin/autoscaler" 2>/dev/null |
      python3 -c 'import json,sys; f=json.load(sys.stdin).get("alertFloors", []); sys.exit(0 if any(x.get("replicas") == 3 for x in f) else 1)' &&
      return 0
    sleep 0.5
  done
  tail -5 "$TMP/alertmanager.log"
  return 1
}
check "Alertmanager delivers the floor alert to /admin/hooks/alertmanager with the bearer token; the floor holds" \
  floor_applied
webhook_delivered() {
  for _ in $(seq 1 40); do
    grep -q '"alertname": "BankopsLatencyBudgetBurnFast"' "$TMP/sink/webhook.jsonl" 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
check "... and to the ops notification webhook" webhook_delivered
mail_delivered() {
  for _ in $(seq 1 40); do
    grep -qs 'Subject: \[bankops FIRING\] BankopsLatencyBudgetBurnFast stable' "$TMP"/sink/mail-*.eml && return 0
    sleep 0.5
  done
  return 1
}
check "... and by e-mail to the on-call address" mail_delivered

# ---- the edge ----
progress "starting NGINX on 127.0.0.1:$EDGE_PORT in front of the balancer"
nginx/make-cert.sh "$TMP/edge/cert" >/dev/null
nginx/render.sh "$TMP/edge" "127.0.0.1:$EDGE_PORT" "127.0.0.1:$HTTP_PORT" "$TMP/edge/cert" >/dev/null
nginx -p "$TMP/edge" -c "$TMP/edge/nginx.conf" -g 'daemon off;' 2>"$TMP/edge/stderr.log" &
NGINX_PID=$!
for _ in $(seq 1 50); do
  curl -fsS --cacert "$TMP/edge/cert/edge.crt" "https://127.0.0.1:$EDGE_PORT/edge/health" >/dev/null 2>&1 && break
  sleep 0.1
done
EDGE="https://127.0.0.1:$EDGE_PORT"
CA=(--cacert "$TMP/edge/cert/edge.crt")

curl -sS "${CA[@]}" --tlsv1.3 --http1.1 -v -o "$TMP/tls13.body" -D "$TMP/tls13.headers" \
  -H 'Content-Type: application/json' --data '{"owner": "edge", "initialBalance": 100}' \
  "$EDGE/accounts" 2>"$TMP/tls13.trace"
tls13_through_to_a_bank() {
  grep -q 'SSL connection using TLSv1.3' "$TMP/tls13.trace" &&
    grep -qi '^HTTP/1.1 201' "$TMP/tls13.headers" &&
    grep -qi '^x-bank-instance: ' "$TMP/tls13.headers" &&
    grep -q '"owner":"edge"' "$TMP/tls13.body"
}
check "TLS 1.3 request through NGINX, balancer and a bank instance: 201 with X-Bank-Instance" tls13_through_to_a_bank
check "HSTS header on the answer" grep -qi '^strict-transport-security: max-age=63072000' "$TMP/tls13.headers"

tls12_accepted() {
  openssl s_client -connect "127.0.0.1:$EDGE_PORT" -tls1_2 -CAfile "$TMP/edge/cert/edge.crt" </dev/null \
    >"$TMP/tls12.log" 2>&1 && grep -q 'Protocol *: TLSv1.2' "$TMP/tls12.log"
}
check "TLS 1.2 is accepted" tls12_accepted
tls11_refused() {
  # the client is allowed TLS 1.1 (security level 0); the edge answers with a protocol_version alert
  if openssl s_client -connect "127.0.0.1:$EDGE_PORT" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null \
    >"$TMP/tls11.log" 2>&1; then
    return 1
  fi
  grep -q 'alert protocol version' "$TMP/tls11.log"
}
check "TLS 1.1 is refused (protocol version alert from the edge)" tls11_refused
tls11_client_control() {
  # the same client completes TLS 1.1 with an NGINX that allows it: the refusal above is the config's
  local port=$((EDGE_PORT + 1)) rc
  sed -e "s/ssl_protocols TLSv1.2 TLSv1.3;/ssl_protocols TLSv1.1 TLSv1.2 TLSv1.3;/" \
    -e "s/ssl_ciphers [^;]*;/ssl_ciphers DEFAULT:@SECLEVEL=0;/" -e "s/127.0.0.1:$EDGE_PORT/127.0.0.1:$port/" \
    -e "s|/nginx.pid;|/control.pid;|" "$TMP/edge/nginx.conf" >"$TMP/edge/control.conf"
  nginx -p "$TMP/edge" -c "$TMP/edge/control.conf" -g 'daemon off;' 2>/dev/null &
  local pid=$!
  for _ in $(seq 1 30); do (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  openssl s_client -connect "127.0.0.1:$port" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1 |
    grep -q 'Protocol *: TLSv1.1'
  rc=$?
  kill "$pid"
  wait "$pid" 2>/dev/null
  return "$rc"
}
check "control: this client does complete TLS 1.1 where a server allows it" tls11_client_control

http2_works() {
  [[ "$(curl -sS "${CA[@]}" --http2 -o /dev/null -w '%{http_version} %{http_code}' "$EDGE/accounts/nope")" == "2 404" ]]
}
check "HTTP/2 request answered over h2 (404 from the bank for an unknown account)" http2_works

curl -sS "${CA[@]}" --interface 127.0.0.2 -o /dev/null -D "$TMP/xff.headers" \
  -H 'X-Forwarded-For: 203.0.113.66' "$EDGE/accounts/xff-probe"
REQ_ID="$(sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *\([0-9a-f]*\).*/\1/p' "$TMP/xff.headers" | head -1)"
client_address_reaches_the_bank() {
  [[ -n "$REQ_ID" ]] || return 1
  local line=""
  for _ in $(seq 1 30); do
    line="$(grep -h "\"requestId\":\"$REQ_ID\"" "$TMP"/data/logs/*.log 2>/dev/null | head -1)"
    [[ -n "$line" ]] && break
    sleep 0.2
  done
  echo "     bank line: ${line:-none}"
  # NGINX replaced the spoofed header with the client address; the balancer appended NGINX's
  [[ "$line" == *'"forwardedFor":"127.0.0.2, 127.0.0.1"'* ]]
}
check "client address 127.0.0.2 reaches the bank in X-Forwarded-For (a spoofed one is replaced)" \
  client_address_reaches_the_bank
edge_json_access_log() {
  grep -q "\"request_id\":\"$REQ_ID\"" "$TMP/edge/access.log" &&
    python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/edge/access.log"
}
check "NGINX writes JSON access lines with the request id" edge_json_access_log
too_large_refused() {
  [[ "$(head -c 2000000 /dev/zero | curl -sS "${CA[@]}" -o /dev/null -w '%{http_code}' \
    -H 'Content-Type: application/json' --data-binary @- "$EDGE/accounts")" == "413" ]]
}
check "a 2 MB body is refused at the edge (413)" too_large_refused

# ---- the logs the appliance and the banks wrote ----
progress "waiting for the load to end, then checking the log lines"
wait "$LOAD_PID" 2>/dev/null
LOAD_PID=""
cat "$TMP/load.log"
sleep 1
out="$(python3 scripts/checks/lib/observability_live.py logs "$TMP/appliance.log" "$TMP/data/logs" \
  loki/promtail.yml grafana/dashboards)"
printf '%s\n' "$out" | grep -v '^counts:'
read -r p f < <(printf '%s\n' "$out" | sed -n 's/^counts: //p')
PASSED=$((PASSED + ${p:-0}))
FAILED=$((FAILED + ${f:-1}))

progress "stopping NGINX, Prometheus and the appliance"
summary
