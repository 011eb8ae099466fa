#!/usr/bin/env python3
"""Adds up the Surefire and Failsafe XML reports of every module and prints one closing line."""
import glob
import re
import sys
import xml.etree.ElementTree as ET

totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
per_module = {}
for path in glob.glob("*/target/surefire-reports/TEST-*.xml") + glob.glob(
    "*/target/failsafe-reports/TEST-*.xml"
):
    root = ET.parse(path).getroot()
    module = path.split("/")[0]
    kind = "it" if "failsafe" in path else "unit"
    # count the test cases themselves: for @Nested classes the suite's "tests" attribute is 0
    counts = {k: 0 for k in totals}
    for case in root.iter("testcase"):
        counts["tests"] += 1
        for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            if case.find(tag) is not None:
                counts[key] += 1
    for key, n in counts.items():
        totals[key] += n
        per_module.setdefault((module, kind), {k: 0 for k in totals})[key] += n

for (module, kind), t in sorted(per_module.items()):
    passed = t["tests"] - t["failures"] - t["errors"] - t["skipped"]
    print(f"  {module:12s} {kind:4s} {t['tests']:4d} tests, {passed} passed, "
          f"{t['failures'] + t['errors']} failed, {t['skipped']} skipped")
# script checks (e.g. the demo smoke) print "name: N passed, N failed" as their last line
for log in sys.argv[1:]:
    try:
        m = re.search(r"(\d+) passed, (\d+) failed", open(log).read().strip().splitlines()[-1])
    except (OSError, IndexError):
        m = None
    if m:
        print(f"  {log.split('/')[-1]:17s} {int(m.group(1)) + int(m.group(2)):4d} checks, "
              f"{m.group(1)} passed, {m.group(2)} failed")
        totals["tests"] += int(m.group(1)) + int(m.group(2))
        totals["failures"] += int(m.group(2))
passed = totals["tests"] - totals["failures"] - totals["errors"] - totals["skipped"]
print(f"{passed} passed, {totals['failures'] + totals['errors']} failed, {totals['skipped']} skipped")
