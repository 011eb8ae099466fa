#!/usr/bin/env python3
"""Surefire and failsafe XML reports: counts per kind, and each failure as a GitHub annotation on
the test's own line (file and line taken from the stack frame of the test class).

    test_report.py summary ROOT OUT.json     counts of unit (surefire) and integration (failsafe) tests
    test_report.py annotate ROOT             prints ::error file=...,line=...::... per failure
"""
import glob
import json
import os
import re
import sys
import xml.etree.ElementTree as ET


def reports(root, kind):
    return sorted(glob.glob(os.path.join(root, "**", "target", f"{kind}-reports", "TEST-*.xml"), recursive=True))


def cases(path):
    for case in ET.parse(path).getroot().iter("testcase"):
        problem = next((c for c in case if c.tag in ("failure", "error")), None)
        skipped = case.find("skipped") is not None
        yield case, problem, skipped


def summary(root):
    out = {}
    for kind, label in (("surefire", "unit"), ("failsafe", "integration")):
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for path in reports(root, kind):
            for _, problem, skipped in cases(path):
                counts["failed" if problem is not None else "skipped" if skipped else "passed"] += 1
        out[label] = counts
    return out


def source_of(root, classname):
    """The test's .java file, relative to root, for a (possibly nested) class name."""
    top = classname.split("$")[0]
    rel = top.replace(".", "/") + ".java"
    found = glob.glob(os.path.join(root, "**", "src", "test", "java", rel), recursive=True)
    return os.path.relpath(found[0], root) if found else None


def escape(text):
    # workflow command data: %, CR and LF are encoded
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def annotations(root):
    for kind in ("surefire", "failsafe"):
        for path in reports(root, kind):
            for case, problem, _ in cases(path):
                if problem is None:
                    continue
                classname = case.get("classname", "")
                top = classname.split("$")[0]
                simple = top.rsplit(".", 1)[-1]
                text = (problem.text or "") + "\n" + (problem.get("message") or "")
                m = re.search(r"at " + re.escape(top) + r"[\w$.]*\(" + re.escape(simple) + r"\.java:(\d+)\)", text)
                line = m.group(1) if m else "1"
                message = (problem.get("message") or problem.get("type") or "failed").strip()
                title = f"{simple}.{case.get('name')}"
                file = source_of(root, classname)
                where = f"file={file},line={line}," if file else ""
                yield f"::error {where}title={escape(title)}::{escape(message[:2000])}"


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "summary":
        result = summary(sys.argv[2])
        if len(sys.argv) > 3:
            os.makedirs(os.path.dirname(sys.argv[3]) or ".", exist_ok=True)
            with open(sys.argv[3], "w") as f:
                json.dump(result, f, indent=2)
        for label, c in result.items():
            print(f"{label}: {c['passed']} passed, {c['failed']} failed, {c['skipped']} skipped")
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "annotate":
        n = 0
        for line in annotations(sys.argv[2]):
            print(line)
            n += 1
        print(f"annotated {n} failed test(s)", file=sys.stderr)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
