#!/usr/bin/env python3
"""Reads the statistics table of a Gatling HTML report (Gatling 3.12+ writes no stats.json) and
prints it as JSON: {"All Requests": {"total", "ko", "koPercent", "rps", "p50", "p75", "p95", "p99",
"max", "mean"}, "<request name>": {...}}. Times in milliseconds.

    python3 scripts/lib/gatling_stats.py load-tests/target/gatling/<run>/index.html
"""
import html
import json
import re
import sys

COLUMNS = {2: "total", 4: "ko", 5: "koPercent", 6: "rps", 7: "min", 8: "p50", 9: "p75",
           10: "p95", 11: "p99", 12: "max", 13: "mean"}
ROW = re.compile(r'<tr id="[^"]*"[^>]*>(.*?)</tr>', re.S)
NAME = re.compile(r'class="ellipsed-name">(.*?)</span>', re.S)
CELL = re.compile(r'<td class="value [a-z]+ col-(\d+)">([^<]*)</td>')


def parse(text):
    stats = {}
    for row in ROW.finditer(text):
        name = NAME.search(row.group(1))
        cells = {int(c): v.strip() for c, v in CELL.findall(row.group(1))}
        if not name or 2 not in cells:
            continue
        entry = {}
        for col, key in COLUMNS.items():
            raw = cells.get(col, "-")
            try:
                entry[key] = float(raw) if "." in raw else int(raw)
            except ValueError:
                entry[key] = None
        stats[html.unescape(name.group(1).strip())] = entry
    return stats


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        result = parse(f.read())
    if "All Requests" not in result:
        sys.exit(f"{sys.argv[1]}: no statistics table found (Gatling report format changed?)")
    json.dump(result, sys.stdout, indent=2)
    print()
