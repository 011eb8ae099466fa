#!/usr/bin/env python3
"""Builds the pull request's sticky comment from the CI artifacts: job results, test counts, lint
findings, security findings (SARIF), coverage and the surge's latency figures. Anything missing
is reported as missing, never as passed.

    pr_summary.py ARTIFACTS_DIR OUT.md       (JOB_RESULTS: the workflow's toJSON(needs), optional)
"""
import glob
import json
import os
import sys

MARKER = "<!-- bankops-ci-summary -->"


def first(pattern):
    found = sorted(glob.glob(pattern, recursive=True))
    return found[0] if found else None


def load_json(pattern):
    path = first(pattern)
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def sarif_counts(root):
    counts = {}
    for path in sorted(glob.glob(os.path.join(root, "**", "*.sarif"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        name = os.path.basename(path)[: -len(".sarif")]
        levels = {}
        for run in doc.get("runs", []):
            for result in run.get("results", []):
                level = result.get("level", "warning")
                levels[level] = levels.get(level, 0) + 1
        counts[name] = levels
    return counts


def render(root, jobs):
    out = [MARKER, "## CI summary", ""]
    if jobs:
        icon = {"success": "✅", "failure": "❌", "cancelled": "⏹", "skipped": "⏭"}
        out.append(" · ".join(f"{icon.get(v.get('result'), '❔')} {k}" for k, v in jobs.items()))
        out.append("")
    out += ["### Tests", "| kind | passed | failed | skipped |", "|---|---|---|---|"]
    for kind in ("unit", "integration"):
        t = load_json(os.path.join(root, "**", "tests", f"{kind}.json"))
        c = (t or {}).get(kind)
        out.append(f"| {kind} | {c['passed']} | {c['failed']} | {c['skipped']} |" if c else f"| {kind} | missing | | |")
    out += ["", "### Lint"]
    lint = first(os.path.join(root, "**", "lint", "summary.txt"))
    out += [f"- {line.strip()}" for line in open(lint, encoding="utf-8")] if lint else ["- missing"]
    out += ["", "### Security findings", "| scan | error | warning | note |", "|---|---|---|---|"]
    sarif = sarif_counts(root)
    if not sarif:
        out.append("| missing | | | |")
    for name, levels in sarif.items():
        out.append(f"| {name} | {levels.get('error', 0)} | {levels.get('warning', 0)} | {levels.get('note', 0)} |")
    out += ["", "### Coverage"]
    cov = first(os.path.join(root, "**", "coverage", "coverage.md"))
    out += [open(cov, encoding="utf-8").read().strip()] if cov else ["missing"]
    out += ["", "### Gatling surge (10x baseline)"]
    s = load_json(os.path.join(root, "**", "surge", "summary.json"))
    if s:
        out += ["| p50 | p99 | failed | peak replicas | time to scale | assertions |", "|---|---|---|---|---|---|",
                f"| {s.get('p50Ms')} ms | {s.get('p99Ms')} ms | {s.get('failed')} of {s.get('requests')} "
                f"| {s.get('initialReplicas')} → {s.get('peakReplicas')} | {s.get('secondsFromRampToFirstReplica')} s "
                f"| {'held' if s.get('assertionsHeld') else 'FAILED'} |"]
    else:
        out.append("missing")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    jobs = json.loads(os.environ.get("JOB_RESULTS") or "{}")
    text = render(sys.argv[1], jobs)
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
