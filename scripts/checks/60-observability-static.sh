#!/usr/bin/env bash
# Static checks of the monitoring stack and the edge, each by its real tool:
#   promtool check config / check rules / test rules (and every alert has a firing test case),
#   amtool check-config and routing tests, nginx -t on the rendered edge config with a fresh
#   certificate, and the Grafana dashboard schema check (tsc against @grafana/schema).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT" || exit 1
# shellcheck source=scripts/lib/ensure.sh
source "$ROOT/scripts/lib/ensure.sh"
ensure_apt promtool:prometheus amtool:prometheus-alertmanager nginx:nginx openssl:openssl

PASSED=0
FAILED=0
run() { # NAME CMD...: runs CMD, counts it, shows its output only when it fails
  local name="$1" out
  shift
  if out="$("$@" 2>&1)"; then
    echo "ok   $name"
    PASSED=$((PASSED + 1))
  else
    echo "FAIL $name"
    printf '%s\n' "$out" | sed 's/^/     /'
    FAILED=$((FAILED + 1))
  fi
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

run "promtool check config prometheus/prometheus.yml" promtool check config prometheus/prometheus.yml
run "promtool check rules prometheus/rules/*.yml" promtool check rules prometheus/rules/recording.yml prometheus/rules/alerts.yml
run "promtool test rules prometheus/tests/alerts_test.yml" promtool test rules prometheus/tests/alerts_test.yml

every_alert_has_a_firing_case() {
  python3 - <<'PY'
import sys, yaml
alerts = [r["alert"] for g in yaml.safe_load(open("prometheus/rules/alerts.yml"))["groups"]
          for r in g["rules"] if "alert" in r]
tests = yaml.safe_load(open("prometheus/tests/alerts_test.yml"))["tests"]
fired = {c["alertname"] for t in tests for c in t.get("alert_rule_test", []) if c.get("exp_alerts")}
missing = [a for a in alerts if a not in fired]
print(f"{len(alerts)} alerts, firing cases for {len(fired & set(alerts))}")
if missing:
    print("no firing test case for: " + ", ".join(missing))
    sys.exit(1)
PY
}
run "every alert has a promtool case where it fires" every_alert_has_a_firing_case

run "amtool check-config prometheus/alertmanager.yml" amtool check-config prometheus/alertmanager.yml
route() { # EXPECTED_RECEIVERS LABEL=VALUE...
  local want="$1"
  shift
  amtool config routes test --config.file=prometheus/alertmanager.yml --verify.receivers="$want" "$@"
}
run "a floor alert reaches the appliance hook and ops" \
  route bankops-appliance,ops alertname=BankopsLatencyBudgetBurnFast bankops_scale_floor=4 severity=page
run "an alert without a floor reaches only ops" route ops alertname=BankopsInstanceDown severity=ticket

edge_config_is_valid() {
  nginx/make-cert.sh "$TMP/edge/cert" >/dev/null &&
    nginx/render.sh "$TMP/edge" 127.0.0.1:8443 127.0.0.1:8080 "$TMP/edge/cert" >/dev/null &&
    nginx -t -p "$TMP/edge" -c "$TMP/edge/nginx.conf"
}
run "nginx -t on the edge config with a fresh self-signed certificate" edge_config_is_valid

dashboards_generated() {
  mkdir -p "$TMP/dashboards" && python3 grafana/generate_dashboards.py "$TMP/dashboards" >/dev/null &&
    diff -r grafana/dashboards "$TMP/dashboards"
}
run "grafana/dashboards is what grafana/generate_dashboards.py writes" dashboards_generated

dashboard_schema() {
  (cd grafana/schema-check && { [[ -d node_modules/@grafana/schema ]] || npm ci --no-audit --no-fund; } &&
    node check.mjs)
}
run "grafana dashboards match @grafana/schema (tsc), broken copies refused" dashboard_schema

echo "observability-static: $PASSED passed, $FAILED failed"
[[ "$FAILED" == 0 ]]
