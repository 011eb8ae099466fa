#!/usr/bin/env python3
"""Closed-loop HTTP clients for bench/surge-reaction.sh: a baseline of N clients, then a surge of
M clients. Reports, from the surge's start, when the autoscaler decided to start an instance (the
decision's own timestamp, read from the admin API) and when a response first came from an
instance that was not serving before the surge. Only 127.0.0.1; bounded in time."""
import argparse
import datetime
import json
import threading
import time
import urllib.request


def request(method, url, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.headers, r.read()


def parse_instant(text):
    # Java's Instant.toString: up to 9 fraction digits and a Z; Python takes 6
    head, _, frac = text.rstrip("Z").partition(".")
    frac = (frac + "000000")[:6]
    return datetime.datetime.fromisoformat(f"{head}.{frac}+00:00").timestamp()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--admin", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--baseline-clients", type=int, default=1)
    p.add_argument("--surge-clients", type=int, default=10)
    p.add_argument("--baseline-seconds", type=float, default=8)
    p.add_argument("--timeout-seconds", type=float, default=120)
    a = p.parse_args()

    status, _, body = request("POST", a.url + "/accounts", {"owner": "surge", "initialBalance": 100})
    account = json.loads(body)["id"]
    lock = threading.Lock()
    state = {"phase": "baseline", "t0": None, "serving": None, "ok": 0, "failed": 0}
    baseline_seen = set()
    stop = threading.Event()

    def client():
        while not stop.is_set():
            try:
                status, headers, _ = request("GET", f"{a.url}/accounts/{account}")
                instance = headers.get("X-Bank-Instance", "")
                now = time.time()
                with lock:
                    state["ok"] += 1
                    if state["phase"] == "baseline":
                        baseline_seen.add(instance)
                    elif state["serving"] is None and instance not in baseline_seen:
                        state["serving"] = now - state["t0"]
            except Exception:  # a non-2xx raises too
                with lock:
                    state["failed"] += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(a.baseline_clients)]
    for t in threads:
        t.start()
    time.sleep(a.baseline_seconds)
    with lock:
        state["phase"] = "surge"
        state["t0"] = time.time()
    extra = [threading.Thread(target=client, daemon=True)
             for _ in range(a.surge_clients - a.baseline_clients)]
    for t in extra:
        t.start()
    t0 = state["t0"]
    decision = None
    auth = {"Authorization": "Bearer " + a.token}
    while time.time() - t0 < a.timeout_seconds:
        if decision is None:
            _, _, body = request("GET", a.admin + "/admin/autoscaler/decisions?limit=50", headers=auth)
            for d in json.loads(body)["decisions"]:
                at = parse_instant(d["at"])
                if d.get("action", "").startswith("start") and at >= t0:
                    decision = at - t0 if decision is None else min(decision, at - t0)
        with lock:
            serving = state["serving"]
        if decision is not None and serving is not None:
            break
        time.sleep(0.1)
    stop.set()
    for t in threads + extra:
        t.join(15)
    print(json.dumps({
        "decision_s": None if decision is None else round(decision, 2),
        "serving_s": None if state["serving"] is None else round(state["serving"], 2),
        "requests": state["ok"], "failed": state["failed"],
    }))


def summary():
    """Reads "runtime {json}" lines; prints a Markdown table of medians and all values."""
    import statistics
    import sys
    rows = {}
    for line in sys.stdin:
        if line.strip():
            rt, _, js = line.partition(" ")
            rows.setdefault(rt, []).append(json.loads(js))
    print("| runtime | runs | to decision, s (median; all) | to new instance serving, s (median; all) | failed requests |")
    print("|---|---|---|---|---|")
    for rt, rs in rows.items():
        cols = []
        for key in ("decision_s", "serving_s"):
            vals = [r[key] for r in rs if r[key] is not None]
            med = "n/a" if not vals else f"{statistics.median(vals):.2f}"
            every = ", ".join("-" if r[key] is None else str(r[key]) for r in rs)
            cols.append(f"{med} ({every})")
        failed = sum(r["failed"] for r in rs)
        print(f"| {rt} | {len(rs)} | {cols[0]} | {cols[1]} | {failed} |")


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--summary"]:
        summary()
    else:
        main()
