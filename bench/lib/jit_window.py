#!/usr/bin/env python3
"""What the JIT and the collector did in one window of a JFR recording.

    jit_window.py RECORDING.jfr START_EPOCH_SECONDS WINDOW_SECONDS

Prints each deoptimisation (method, line, reason), each compilation longer than 1 ms (tier, time,
method, OSR or not), each pause or VM operation longer than 0.5 ms, and the C2 total, with times
in seconds from START. Reads the recording with the JDK's `jfr` tool.
"""
import datetime
import json
import subprocess
import sys


def seconds(value):
    """JFR durations print as ISO-8601, e.g. PT0.001234S."""
    return float(value[2:-1]) if value.startswith("PT") and value.endswith("S") else 0.0


def main():
    recording, start, window = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    events = "jdk.Deoptimization,jdk.Compilation,jdk.GarbageCollection,jdk.ExecuteVMOperation"
    out = subprocess.run(["jfr", "print", "--json", "--events", events, recording],
                         capture_output=True, text=True, check=True).stdout
    rows, c2 = [], 0.0
    for e in json.loads(out)["recording"]["events"]:
        v = e["values"]
        at = datetime.datetime.fromisoformat(v["startTime"].replace("Z", "+00:00")).timestamp()
        t = at - start
        if not 0 <= t <= window:
            continue
        took = seconds(v.get("duration", "PT0S"))
        kind = e["type"]
        if kind == "jdk.Deoptimization":
            m = v["method"]
            rows.append((t, f"deopt   {m['type']['name'].split('/')[-1]}.{m['name']} line "
                            f"{v.get('lineNumber')} {v.get('reason')} -> {v.get('action')}"))
        elif kind == "jdk.Compilation":
            if v["compileLevel"] == 4:
                c2 += took
            if took > 0.001:
                m = v["method"]
                rows.append((t, f"compile tier {v['compileLevel']} {took * 1000:6.1f} ms "
                                f"{m['type']['name'].split('/')[-1]}.{m['name']}"
                                f"{' (OSR)' if v.get('isOsr') else ''}"))
        elif took > 0.0005:
            rows.append((t, f"pause   {v.get('operation') or v.get('name')} {took * 1000:.2f} ms"))
    for t, text in sorted(rows):
        print(f"  {t:7.3f} s  {text}")
    print(f"  C2 compiling in the window: {c2 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
