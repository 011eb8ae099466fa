"""Generates grafana/dashboards/*.json, the dashboards Grafana provisions. Edit here, then run
    python3 grafana/generate_dashboards.py [OUT_DIR]
scripts/checks/60-observability-static.sh fails when the committed JSON differs from the output."""
import json, os, sys
PROM = {"type": "prometheus", "uid": "bankops-prometheus"}
LOKI = {"type": "loki", "uid": "bankops-loki"}
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards")

LEGEND = {"calcs": [], "displayMode": "list", "placement": "bottom", "showLegend": True}
TOOLTIP = {"mode": "multi", "sort": "desc"}

class Dash:
    def __init__(self, uid, title, desc, tags):
        self.d = {"uid": uid, "title": title, "description": desc, "tags": ["bankops"] + tags,
                  "schemaVersion": 39, "version": 1, "editable": False, "graphTooltip": 1,
                  "refresh": "30s", "time": {"from": "now-1h", "to": "now"}, "timezone": "utc",
                  "annotations": {"list": [{
                      "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                      "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
                      "name": "Annotations & Alerts", "type": "dashboard"}]},
                  "panels": [], "templating": {"list": []}, "links": []}
        self.id = 0; self.x = 0; self.y = 0; self.rowh = 0
    def place(self, w, h):
        if self.x + w > 24:
            self.x = 0; self.y += self.rowh; self.rowh = 0
        g = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w; self.rowh = max(self.rowh, h)
        return g
    def row(self, title):
        if self.x: self.x = 0; self.y += self.rowh; self.rowh = 0
        self.id += 1
        self.d["panels"].append({"type": "row", "id": self.id, "title": title, "collapsed": False,
                                 "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []})
        self.y += 1
    def panel(self, p, w=None, h=None):
        w = w or p.pop("_w"); h = h or p.pop("_h")
        p.pop("_w", None); p.pop("_h", None)
        self.id += 1
        p["id"] = self.id
        p["gridPos"] = self.place(w, h)
        self.d["panels"].append(p)
        return p
    def annotation_prom(self, name, expr, color, title, text=""):
        self.d["annotations"]["list"].append({
            "name": name, "datasource": PROM, "enable": True, "iconColor": color,
            "target": {"refId": "Anno", "expr": expr, "legendFormat": title, "interval": "30s"}})
    def annotation_loki(self, name, expr, color):
        self.d["annotations"]["list"].append({
            "name": name, "datasource": LOKI, "enable": True, "iconColor": color,
            "target": {"refId": "Anno", "expr": expr, "queryType": "range"}})
    def save(self, name):
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(self.d, f, indent=2); f.write("\n")

def prom(expr, legend="", ref="A", **kw):
    t = {"refId": ref, "datasource": PROM, "expr": expr, "legendFormat": legend or "__auto", "range": True}
    t.update(kw); return t

def loki(expr, ref="A", **kw):
    t = {"refId": ref, "datasource": LOKI, "expr": expr, "queryType": "range"}
    t.update(kw); return t

def ts(title, desc, targets, unit, w=12, h=8, stack=False, ds=PROM, minv=None):
    custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never",
              "spanNulls": False, "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    defaults = {"unit": unit, "custom": custom}
    if minv is not None: defaults["min"] = minv
    return {"type": "timeseries", "title": title, "description": desc, "datasource": ds,
            "targets": targets, "fieldConfig": {"defaults": defaults, "overrides": []},
            "options": {"legend": LEGEND, "tooltip": TOOLTIP}, "_w": w, "_h": h}

def stat(title, desc, targets, unit, ds=PROM):
    return {"type": "stat", "title": title, "description": desc, "datasource": ds, "targets": targets,
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "options": {"reduceOptions": {"values": False, "calcs": ["lastNotNull"], "fields": ""},
                        "colorMode": "value", "graphMode": "area", "justifyMode": "auto",
                        "orientation": "auto", "textMode": "auto", "wideLayout": True,
                        "showPercentChange": False}}

def logs(title, desc, expr):
    return {"type": "logs", "title": title, "description": desc, "datasource": LOKI,
            "targets": [loki(expr)],
            "options": {"showTime": True, "showLabels": False, "showCommonLabels": False,
                        "wrapLogMessage": False, "prettifyLogMessage": False, "enableLogDetails": True,
                        "dedupStrategy": "none", "sortOrder": "Descending"}}

H = "bankops_upstream_request_duration_seconds"
RATE = "$__rate_interval"

# ---------------- balancer latency ----------------
d = Dash("bankops-balancer-latency", "bankops / Balancer latency",
         "Latency, traffic and errors through the balancer, stable vs canary. Runbook: docs/observability.md",
         ["balancer", "latency"])
d.row("Latency per pool (recorded p50 / p90 / p99 over 1 minute, per version)")
for pool in ("stable", "canary"):
    d.panel(ts(f"{pool.capitalize()} latency p50 / p90 / p99",
               f"Quantiles of upstream exchanges of the {pool} pool, per version (recording rules pool_version:...:pNN_1m).",
               [prom(f'pool_version:{H}:p50_1m{{pool="{pool}"}}', "p50 {{version}}", "A"),
                prom(f'pool_version:{H}:p90_1m{{pool="{pool}"}}', "p90 {{version}}", "B"),
                prom(f'pool_version:{H}:p99_1m{{pool="{pool}"}}', "p99 {{version}}", "C")], "s", 12, 8, minv=0))
d.panel(ts("p99 stable vs canary", "The two pools' p99 on one axis, over the same window: what rollout analysis compares.",
           [prom(f"histogram_quantile(0.99, sum by (pool, le) (rate({H}_bucket[{RATE}])))", "p99 {{pool}}")], "s", 12, 8, minv=0))
d.panel(ts("p99 per backend", "One line per bank instance: a single slow instance shows here before it moves the pool's p99.",
           [prom(f"histogram_quantile(0.99, sum by (backend, le) (rate({H}_bucket[{RATE}])))", "{{backend}}")], "s", 12, 8, minv=0))
d.panel({"type": "heatmap", "title": "Latency heatmap (all pools)",
         "description": "Exchanges per histogram bucket per second: a second band means a second mode (e.g. one slow backend or a cold cache).",
         "datasource": PROM, "maxDataPoints": 100,
         "targets": [prom(f"sum by (le) (increase({H}_bucket[{RATE}]))", "{{le}}", format="heatmap")],
         "fieldConfig": {"defaults": {"custom": {"hideFrom": {"legend": False, "tooltip": False, "viz": False},
                                                 "scaleDistribution": {"type": "linear"}}}, "overrides": []},
         "options": {"calculate": False, "cellGap": 1, "yAxis": {"axisPlacement": "left", "unit": "s", "reverse": False},
                     "rowsFrame": {"layout": "le"},
                     "color": {"mode": "scheme", "scheme": "Oranges", "fill": "dark-orange", "scale": "exponential",
                               "exponent": 0.5, "steps": 64, "reverse": False},
                     "filterValues": {"le": 1e-9}, "showValue": "never",
                     "tooltip": {"mode": "single", "yHistogram": True, "showColorScale": False},
                     "legend": {"show": True}, "exemplars": {"color": "rgba(255,0,255,0.7)"},
                     "cellValues": {"unit": "reqps"}}}, 24, 9)
d.row("Traffic and errors")
d.panel(ts("Request rate per pool", "Upstream exchanges per second, per pool.",
           [prom(f"sum by (pool) (rate({H}_count[{RATE}]))", "{{pool}}")], "reqps", 8, 8, stack=True, minv=0))
d.panel(ts("Error rate per pool (5xx share)", "Share of upstream exchanges answered 5xx, per pool.",
           [prom(f'sum by (pool) (rate({H}_count{{status_class="5xx"}}[{RATE}])) / sum by (pool) (rate({H}_count[{RATE}]))', "{{pool}}")],
           "percentunit", 8, 8, minv=0))
d.panel(ts("Answers by status class", "Everything the balancer answered, including the 502/503/504 it made itself.",
           [prom(f"sum by (status_class) (rate(bankops_proxy_exchanges_total[{RATE}]))", "{{status_class}}")], "reqps", 8, 8, stack=True, minv=0))
d.panel(ts("Canary share", "Share of clients routed to the canary pool (rollout steps move it).",
           [prom("bankops_canary_share_ratio", "canary share")], "percentunit", 8, 8, minv=0))
d.panel(ts("Backends by state", "Members of each pool by state: starting, warming (slow start), active, draining, ejected.",
           [prom("sum by (pool, state) (bankops_backends)", "{{pool}} {{state}}")], "short", 8, 8, minv=0))
d.panel(ts("In flight per pool", "Requests in flight at the balancer, per pool.",
           [prom("sum by (pool) (bankops_pool_in_flight)", "{{pool}}")], "short", 8, 8, minv=0))
d.panel(ts("Queued for a backend connection per pool", "Requests waiting for a pooled connection; a full queue answers 503 with Retry-After.",
           [prom("sum by (pool) (bankops_pool_queued_requests)", "{{pool}}")], "short", 8, 8, minv=0))
d.save("balancer-latency.json")

# ---------------- autoscaler ----------------
d = Dash("bankops-autoscaler", "bankops / Autoscaler",
         "Desired vs ready instances, load per instance, scale events and the forecast. Runbook: docs/observability.md",
         ["autoscaler"])
d.annotation_prom("Scale events", "sum by (pool, direction) (increase(bankops_autoscaler_scale_events_total[1m])) > 0",
                  "orange", "scale {{direction}} {{pool}}")
d.annotation_loki("Decisions that acted", '{service="bankops-appliance", logger="decisions"} | json | action != "none"', "purple")
d.panel(ts("Desired vs ready instances", "What the last decision asked for, what takes traffic, and the configured bounds.",
           [prom("bankops_autoscaler_desired_replicas", "desired {{pool}}", "A"),
            prom("bankops_autoscaler_ready_replicas", "ready {{pool}}", "B"),
            prom("bankops_autoscaler_min_replicas", "min {{pool}}", "C"),
            prom("bankops_autoscaler_max_replicas", "max {{pool}}", "D")], "short", 12, 8, minv=0))
d.panel(ts("In flight per ready instance", "The autoscaler's signal (Little's law target: targetConcurrency per instance).",
           [prom("sum by (pool) (bankops_pool_in_flight) / sum by (pool) (bankops_autoscaler_ready_replicas)", "{{pool}}")],
           "short", 12, 8, minv=0))
d.panel(ts("In flight per bank instance", "Requests each bank instance is serving, from its own metrics.",
           [prom('sum by (instance) (vertx_http_server_active_requests{job="bankops-bank"})', "{{instance}}")], "short", 12, 8, minv=0))
d.panel(ts("Forecast vs actual request rate", "In predictive mode (forecast: active) the forecast may add instances ahead of load; in shadow mode it is only logged.",
           [prom("bankops_autoscaler_observed_rps", "actual {{pool}}", "A"),
            prom("bankops_autoscaler_forecast_rps", "forecast {{pool}}", "B")], "reqps", 12, 8, minv=0))
d.panel(ts("Scale events", "Instances started (up) and drained (down) per 5 minutes.",
           [prom("sum by (pool, direction) (increase(bankops_autoscaler_scale_events_total[5m]))", "{{direction}} {{pool}}")],
           "short", 12, 8, minv=0))
d.panel(stat("Ready instances", "Instances taking traffic now.", [prom("sum(bankops_autoscaler_ready_replicas)", "ready")], "short"), 6, 8)
d.panel(stat("Up bank instances", "Bank instances answering Prometheus scrapes (from the appliance's service discovery).",
             [prom('sum(up{job="bankops-bank"})', "up")], "short"), 6, 8)
d.panel(logs("Decisions", "Every decision with its inputs and reason (logger decisions).",
             '{service="bankops-appliance", logger="decisions"} | json | action != "none" or event != ""'), 24, 10)
d.save("autoscaler.json")

# ---------------- rollouts ----------------
d = Dash("bankops-rollouts", "bankops / Rollouts",
         "Canary rollouts: phase, step, analysis and rollbacks. Runbook: docs/observability.md", ["rollout"])
d.annotation_prom("Rollbacks", "increase(bankops_rollout_rollbacks_total[1m]) > 0", "red", "rollback")
d.annotation_prom("Failed analyses", 'increase(bankops_rollout_analysis_total{result="fail"}[1m]) > 0', "orange", "analysis failed")
d.panel({"type": "state-timeline", "title": "Phase", "description": "The rollout's phase over time (1 = current).",
         "datasource": PROM, "targets": [prom("max by (phase) (bankops_rollout_phase) == 1", "{{phase}}")],
         "fieldConfig": {"defaults": {"custom": {"lineWidth": 0, "fillOpacity": 70}}, "overrides": []},
         "options": {"mergeValues": True, "showValue": "never", "alignValue": "left", "rowHeight": 0.9,
                     "legend": LEGEND, "tooltip": TOOLTIP}}, 24, 6)
d.panel(ts("Step and canary share", "The step's target share and the share actually set at the balancer.",
           [prom("bankops_rollout_step_percent", "step %", "A"),
            prom("bankops_canary_share_ratio * 100", "canary share %", "B")], "percent", 12, 8, minv=0))
d.panel(ts("Analysis results", "Analyses per result over 5 minutes: inconclusive means too few samples (hold, not fail).",
           [prom("sum by (result) (increase(bankops_rollout_analysis_total[5m]))", "{{result}}")], "short", 12, 8, stack=True, minv=0))
d.panel(ts("Analysis error rate, canary vs stable", "The error rates the last analysis compared, over the same window.",
           [prom("bankops_rollout_analysis_error_rate", "{{pool}}")], "percentunit", 12, 8, minv=0))
d.panel(ts("Analysis p99, canary vs stable", "The p99 latencies the last analysis compared.",
           [prom("bankops_rollout_analysis_p99_seconds", "{{pool}}")], "s", 12, 8, minv=0))
d.panel(stat("Rollbacks (24 h)", "Rollbacks in the last day.", [prom("sum(increase(bankops_rollout_rollbacks_total[24h]))", "rollbacks")], "short"), 6, 6)
d.panel(stat("Canary p99 now", "Canary p99 over the last minute (recording rule).",
             [prom('max(pool_version:bankops_upstream_request_duration_seconds:p99_1m{pool="canary"})', "p99")], "s"), 6, 6)
d.save("rollouts.json")

# ---------------- logs ----------------
d = Dash("bankops-logs", "bankops / Logs", "Access, decision and bank logs from Loki. Fields: docs/observability.md#logs",
         ["logs"])
d.panel(ts("Access-log p99 latency per pool (from logs)", "p99 of latencyMicros in the balancer's access lines, per pool.",
           [loki('quantile_over_time(0.99, {service="bankops-appliance", logger="access"} | json | unwrap latencyMicros [1m]) by (pool)',
                 legendFormat="{{pool}}")], "µs", 12, 8, ds=LOKI, minv=0))
d.panel(ts("Access lines per status class", "Lines per second by the status_class label.",
           [loki('sum by (status_class) (rate({service="bankops-appliance", logger="access"} [1m]))', legendFormat="{{status_class}}")],
           "reqps", 12, 8, ds=LOKI, stack=True, minv=0))
d.panel(logs("Access log: errors and slow requests", "5xx answers or slower than 500 ms; open a line for requestId, backend and attempts.",
             '{service="bankops-appliance", logger="access"} | json | status >= 500 or latencyMicros > 500000'), 24, 10)
d.panel(logs("Access log", "Every proxied request.", '{service="bankops-appliance", logger="access"} | json'), 24, 10)
d.panel(logs("Autoscaler decisions and scale events", "Decisions that acted, scale events and failed actions.",
             '{service="bankops-appliance", logger="decisions"} | json | action != "none" or event != ""'), 12, 10)
d.panel(logs("Audit and membership", "Admin changes (audit) and backend state changes (membership).",
             '{service="bankops-appliance", logger=~"audit|membership"} | json'), 12, 10)
d.panel(logs("Bank instances: errors", "Bank access lines with 5xx and warnings or errors of the bank service.",
             '{service="bank"} | json | status >= 500 or level =~ "WARN|ERROR"'), 24, 10)
d.save("logs.json")
print("dashboards written to " + OUT)
