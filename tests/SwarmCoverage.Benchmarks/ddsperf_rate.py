#!/usr/bin/python3
"""Samples a second that a `ddsperf sub` received, from its output: the median of its per-second `rate ... kS/s`
lines, without the first and the last second (the publisher starts and stops within them)."""
import re
import statistics
import sys

rates = [float(m.group(1)) * 1000 for m in (re.search(r" rate ([0-9.]+) kS/s", l) for l in open(sys.argv[1])) if m]
if len(rates) < 3:
    sys.exit(f"ddsperf_rate: {sys.argv[1]} has {len(rates)} rate line(s); a subscriber that ran at least 3 s has more")
print(f"{statistics.median(rates[1:-1]):.0f}")
