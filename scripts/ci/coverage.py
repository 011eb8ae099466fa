#!/usr/bin/env python3
"""Line coverage from JaCoCo XML reports, unit and integration runs merged: a line counts as covered
when any report covers it. Writes a Markdown table and JSON, and exits 1 below the threshold.

    coverage.py --min-line 70 --out DIR ROOT      (reads ROOT/*/target/site/jacoco*/jacoco.xml)
"""
import argparse
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def read_lines(path):
    """{(module, package/sourcefile, line): covered} from one jacoco.xml."""
    module = path.split(os.sep + "target" + os.sep)[0].rsplit(os.sep, 1)[-1]
    lines = {}
    root = ET.parse(path).getroot()
    for package in root.iter("package"):
        for source in package.iter("sourcefile"):
            for line in source.iter("line"):
                key = (module, package.get("name") + "/" + source.get("name"), int(line.get("nr")))
                lines[key] = int(line.get("ci")) > 0
    return lines


def merge(paths):
    merged = {}
    for path in paths:
        for key, covered in read_lines(path).items():
            merged[key] = merged.get(key, False) or covered
    return merged


def per_module(merged):
    modules = {}
    for (module, _, _), covered in merged.items():
        c, t = modules.get(module, (0, 0))
        modules[module] = (c + covered, t + 1)
    return modules


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-line", type=float, required=True, help="percent, 0..100")
    ap.add_argument("--out", required=True)
    ap.add_argument("root")
    args = ap.parse_args()
    if not 0 <= args.min_line <= 100:
        sys.exit(f"--min-line: {args.min_line} (expected: 0..100)")
    paths = sorted(glob.glob(os.path.join(args.root, "*", "target", "site", "jacoco*", "jacoco.xml")))
    if not paths:
        sys.exit(f"coverage: no jacoco.xml under {args.root}/*/target/site (run mvnw verify first)")
    modules = per_module(merge(paths))
    covered = sum(c for c, _ in modules.values())
    total = sum(t for _, t in modules.values())
    percent = 100.0 * covered / total if total else 0.0
    passed = percent >= args.min_line
    os.makedirs(args.out, exist_ok=True)
    result = {"linePercent": round(percent, 2), "minLinePercent": args.min_line, "passed": passed,
              "modules": {m: round(100.0 * c / t, 2) for m, (c, t) in sorted(modules.items())},
              "reports": paths}
    with open(os.path.join(args.out, "coverage.json"), "w") as f:
        json.dump(result, f, indent=2)
    with open(os.path.join(args.out, "coverage.md"), "w") as f:
        f.write("| module | line coverage |\n|---|---|\n")
        for m, (c, t) in sorted(modules.items()):
            f.write(f"| {m} | {100.0 * c / t:.1f}% ({c}/{t}) |\n")
        f.write(f"| **all** | **{percent:.1f}%** (threshold {args.min_line:g}%) |\n")
    print(f"coverage: {percent:.1f}% of {total} lines (unit and integration merged), "
          f"threshold {args.min_line:g}%: {'ok' if passed else 'BELOW'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
