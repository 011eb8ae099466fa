"""Live checks of the monitoring stack and the edge against the running appliance.

Called by scripts/checks/61-observability-live.sh once the appliance (demo mode), Prometheus
(scraping it through GET /sd/targets) and NGINX run. Each check prints "ok"/"FAIL" and a reason;
the last line is "observability-live: N passed, N failed".

  python3 observability_live.py prometheus URL ADMIN_URL DASHBOARD_DIR RULES_FILE...
  python3 observability_live.py logs APPLIANCE_LOG BANK_LOG_DIR PROMTAIL_YML DASHBOARD_DIR
  python3 observability_live.py edge ...
"""
import glob
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

import yaml

PASSED = 0
FAILED = 0


def report(ok, what, why=""):
    global PASSED, FAILED
    print(("ok   " if ok else "FAIL ") + what + ("" if ok or not why else "\n     " + why), flush=True)
    if ok:
        PASSED += 1
    else:
        FAILED += 1


def get_json(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


# Grafana's built-in variables, replaced as Grafana would for a 1-hour dashboard at 15 s scrapes
GRAFANA_VARS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h"}

# What must return data while the appliance takes traffic (latency, traffic and replica panels)
MUST_HAVE_DATA = {
    "Stable latency p50 / p90 / p99",
    "p99 stable vs canary",
    "p99 per backend",
    "Latency heatmap (all pools)",
    "Request rate per pool",
    "Answers by status class",
    "Backends by state",
    "Desired vs ready instances",
    "In flight per ready instance",
    "In flight per bank instance",
    "Ready instances",
    "Up bank instances",
}


# Exported by the rollout controller, built in parallel: its queries must run, data comes later
NOT_YET_EXPORTED = re.compile(r"^bankops_rollout_")
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "rate", "increase", "irate", "delta", "changes", "abs",
    "histogram_quantile", "absent", "clamp_min", "clamp_max", "by", "without", "on", "ignoring",
    "group_left", "group_right", "and", "or", "unless", "bool", "offset", "topk", "bottomk",
    "quantile", "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "vector",
    "time", "label_replace", "inf", "nan",
}


def metric_names(expr):
    """Metric names an expression reads (rough PromQL lexing: strings, matchers, groupings out)."""
    e = re.sub(r'"[^"]*"', "", expr)
    e = re.sub(r"\{[^}]*\}", "", e)
    e = re.sub(r"\[[^\]]*\]", "", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
    names = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", e))
    return {n for n in names if n.lower() not in PROMQL_WORDS and not re.match(r"^\d", n)}


def prom_query(base, expr):
    for k, v in GRAFANA_VARS.items():
        expr = expr.replace(k, v)
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        body = json.load(e)
    return body


def dashboard_prom_exprs(dashboard_dir):
    """(dashboard, panel title, expr) for every Prometheus query of every panel and annotation."""
    out = []
    for f in sorted(glob.glob(os.path.join(dashboard_dir, "*.json"))):
        d = json.load(open(f))
        name = os.path.basename(f)
        panels = []
        for p in d["panels"]:
            panels.append(p)
            panels.extend(p.get("panels", []))
        for p in panels:
            if p.get("datasource", {}).get("type") != "prometheus":
                continue
            for t in p.get("targets", []):
                out.append((name, p["title"], t["expr"]))
        for a in d.get("annotations", {}).get("list", []):
            if a.get("datasource", {}).get("type") == "prometheus":
                out.append((name, "annotation: " + a["name"], a["target"]["expr"]))
    return out


def check_prometheus(base, admin, dashboard_dir, rule_files):
    # discovery: the appliance and every bank instance, labelled, and all up
    sd = get_json(admin + "/sd/targets")
    backends = [g for g in sd if g["labels"].get("job") == "bankops-bank"]
    targets = get_json(base + "/api/v1/targets")["data"]["activeTargets"]
    up = {t["labels"].get("instance"): t for t in targets if t["health"] == "up"}
    want = {g["labels"]["instance"] for g in sd}
    report(len(backends) >= 1 and want <= set(up),
           f"Prometheus scrapes every target of /sd/targets ({len(want)}: {', '.join(sorted(want))})",
           f"up: {sorted(up)}; discovered: {[(t['labels'], t['health'], t.get('lastError')) for t in targets]}")
    labelled = all(up[g["labels"]["instance"]]["labels"].get(k) == g["labels"][k]
                   for g in backends for k in ("pool", "version", "job") if g["labels"]["instance"] in up)
    report(labelled, "bank targets carry job, pool, version and instance from discovery")

    # rules loaded and evaluating without error
    rules = get_json(base + "/api/v1/rules")["data"]["groups"]
    bad = [(r.get("name"), r.get("lastError")) for g in rules for r in g["rules"] if r.get("health") == "err"]
    count = sum(len(g["rules"]) for g in rules)
    report(count > 0 and not bad, f"Prometheus evaluates all {count} rules without error", str(bad))

    exprs = dashboard_prom_exprs(dashboard_dir)
    for f in rule_files:
        for g in yaml.safe_load(open(f))["groups"]:
            for r in g["rules"]:
                if "record" in r:
                    exprs.append((os.path.basename(f), "record " + r["record"], r["expr"]))
                else:
                    exprs.append((os.path.basename(f), "alert " + r["alert"], r["expr"]))
    # every metric a panel or rule reads exists in Prometheus (or is a rollout metric still to come)
    known = set(get_json(base + "/api/v1/label/__name__/values")["data"])
    recorded = {r["record"] for f in rule_files for g in yaml.safe_load(open(f))["groups"]
                for r in g["rules"] if "record" in r}
    for source, title, expr in exprs:
        unknown = sorted(n for n in metric_names(expr)
                         if n not in known and n not in recorded and not NOT_YET_EXPORTED.match(n))
        report(not unknown, f"{source} / {title}: reads only metrics the appliance exports", str(unknown))
    with_data = set()
    for source, title, expr in exprs:
        body = prom_query(base, expr)
        ok = body.get("status") == "success"
        n = len(body.get("data", {}).get("result", [])) if ok else 0
        if n:
            with_data.add(title)
        report(ok, f"{source} / {title}: runs ({n} series)", body.get("error", ""))
    for title in sorted(MUST_HAVE_DATA):
        report(title in with_data, f"panel '{title}' returns data")
    # recorded series exist (the rule ran inside Prometheus, not only its expression here)
    for q in ("pool_version:bankops_upstream_request_duration_seconds:p99_1m{pool=\"stable\"}",
              "pool:bankops_upstream_requests:rate1m{pool=\"stable\"}"):
        n = len(prom_query(base, q).get("data", {}).get("result", []))
        report(n > 0, f"recorded series {q} has data")


# ---------------------------------------------------------------------------------------------
# logs

def json_lines(path):
    out = []
    for line in open(path, errors="replace"):
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out


RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
STATUS = re.compile(r"^(?P<status_digit>[1-5])\d\d$")


def logql_fields(expr):
    """Fields a LogQL query reads after `| json`: label filters (name, numeric?) and unwraps."""
    fields = {}
    if "| json" not in expr:
        return fields
    after = expr.split("| json", 1)[1]
    for name in re.findall(r"unwrap\s+(\w+)", after):
        fields[name] = "number"
    for name, op, value in re.findall(r"\b(\w+)\s*(>=|<=|!=|=~|!~|==|=|>|<)\s*(\"[^\"]*\"|[0-9.]+)", after):
        fields.setdefault(name, "number" if not value.startswith('"') else "string")
    return fields


def stream_of(expr):
    """'access' | 'decisions' | 'audit|membership' | 'bank' from a query's stream selector."""
    if 'service="bank"' in expr:
        return "bank"
    m = re.search(r'logger=~?"([^"]+)"', expr)
    return m.group(1) if m else "?"


def has_type(value, kind):
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


def check_logs(appliance_log, bank_dir, promtail_yml, dashboard_dir):
    app = json_lines(appliance_log)
    bank = [l for f in sorted(glob.glob(os.path.join(bank_dir, "*.log"))) for l in json_lines(f)]
    by_logger = {}
    for l in app:
        by_logger.setdefault(l.get("logger_name"), []).append(l)
    streams = {
        "access": by_logger.get("access", []),
        # decisions (with action) and scale events (with event) of the autoscaler
        "decisions": [l for l in by_logger.get("decisions", []) if "action" in l or "event" in l],
        "audit|membership": by_logger.get("audit", []) + by_logger.get("membership", []),
        "bank": [l for l in bank if l.get("logger_name") == "com.bankops.bank.access"],
    }
    for s, lines in streams.items():
        report(len(lines) > 0, f"the running appliance wrote {s} log lines ({len(lines)})")

    # the promtail pipelines: every json expression present with its type on the lines it parses
    jobs = {j["job_name"]: j for j in yaml.safe_load(open(promtail_yml))["scrape_configs"]}
    # every label and structured-metadata key is produced by an earlier stage of its pipeline
    for job, spec in jobs.items():
        produced, missing = set(), []
        for stage in spec["pipeline_stages"]:
            (kind, conf), = stage.items()
            if kind == "json":
                produced |= set(conf["expressions"])
            elif kind == "regex":
                produced |= set(re.findall(r"\(\?P<(\w+)>", conf["expression"]))
            elif kind == "template":
                produced.add(conf["source"])
            elif kind in ("labels", "structured_metadata"):
                missing += [f"{kind}.{k}" for k in conf if k not in produced]
        report(not missing, f"{job}: every label and structured-metadata key is extracted first", str(missing))
    types = {"time": "timestamp", "status": "integer", "latencyMicros": "integer", "durationMs": "number"}
    for job, lines in (("bankops-appliance", streams["access"]), ("bankops-bank", streams["bank"])):
        exprs = next(s["json"]["expressions"] for s in jobs[job]["pipeline_stages"] if "json" in s)
        for name, source in exprs.items():
            key = source.strip('"')
            kind = types.get(name, "string")
            bad = [l for l in lines if not (
                key in l and (RFC3339.match(l[key]) if kind == "timestamp" else has_type(l[key], kind)))]
            report(lines and not bad, f"{job}: every access line has {key} as {kind} (pipeline field {name})",
                   f"{len(bad)} of {len(lines)} lines, e.g. {bad[:1]}")
        # the status_class label comes from a regex on status; pool and level are low-cardinality
        bad = [l for l in lines if not STATUS.match(str(l.get("status")))]
        report(lines and not bad, f"{job}: status gives a status_class (1xx..5xx) on every access line")
    classes = {"pool": {"stable", "canary"}, "level": {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}}
    for label, allowed in classes.items():
        seen = {l.get(label) for l in streams["access"]}
        report(seen <= allowed, f"label {label} stays low-cardinality: {sorted(map(str, seen))}")
    bank_pool = [l for l in streams["bank"] if not re.match(r"^(stable|canary)-", l.get("instance", ""))]
    report(not bank_pool, "bank lines' instance yields the pool label (stable-…/canary-…)")
    proxied = [l for l in streams["bank"] if l.get("requestId")]
    ids = {l["requestId"] for l in streams["access"]}
    joined = [l for l in proxied if l["requestId"] in ids]
    report(proxied and len(joined) == len(proxied),
           f"bank lines carry the balancer's requestId ({len(joined)} of {len(proxied)} join an access line)")

    # the Grafana log panels: every field they filter or unwrap, with the type the query needs
    for f in sorted(glob.glob(os.path.join(dashboard_dir, "*.json"))):
        d = json.load(open(f))
        queries = [(p["title"], t["expr"]) for p in d["panels"] if p.get("datasource", {}).get("type") == "loki"
                   for t in p["targets"]]
        queries += [("annotation " + a["name"], a["target"]["expr"]) for a in d["annotations"]["list"]
                    if a.get("datasource", {}).get("type") == "loki"]
        for title, expr in queries:
            lines = streams.get(stream_of(expr), [])
            for field, kind in logql_fields(expr).items():
                # `a or b` filters: a line needs the field only when it is of that line's kind
                carrying = [l for l in lines if field in l]
                bad = [l for l in carrying if not has_type(l[field], kind)]
                report(len(carrying) > 0 and not bad,
                       f"{os.path.basename(f)} / {title}: {field} is a {kind} in {stream_of(expr)} lines",
                       f"{len(carrying)} lines carry it; wrong type: {bad[:1]}")


def main():
    mode = sys.argv[1]
    if mode == "prometheus":
        check_prometheus(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif mode == "logs":
        check_logs(*sys.argv[2:6])
    else:
        raise SystemExit("unknown mode " + mode)
    print(f"counts: {PASSED} {FAILED}")
    sys.exit(0 if FAILED == 0 else 1)


if __name__ == "__main__":
    main()
