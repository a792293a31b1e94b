#!/usr/bin/env python3
"""Prints the `detect` end-to-end table for `make bench` (standard library only).

    detect_report.py OUT.json LABEL=TIMINGS.txt...

Each TIMINGS.txt is the stderr of `mesoscope detect --timings`, whose last line is
`timings: {json}`. The original Python pipeline (imageio + face_recognition + Keras) cannot
run here; its figures, measured on this machine with the original code at 30 sampled frames,
are quoted from the video issue: 0.6-1.6 analysed frames/s, peak RSS about 1 GB.
"""

import json
import sys
from pathlib import Path

ORIGINAL_FPS = (0.6, 1.6)
ORIGINAL_RSS_MB = 1000.0
STAGES = ("decode", "detection", "landmarks", "alignment", "classification")


def timings(path):
    lines = [l for l in Path(path).read_text().splitlines() if l.startswith("timings: ")]
    if not lines:
        sys.exit(f"detect_report: no timings line in {path}")
    return json.loads(lines[-1][len("timings: "):])


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: detect_report.py OUT.json LABEL=TIMINGS.txt...")
    results = {}
    for arg in argv[1:]:
        label, path = arg.split("=", 1)
        results[label] = timings(path)
    print()
    print("detect end to end (30 sampled frames; original pipeline: "
          f"{ORIGINAL_FPS[0]}-{ORIGINAL_FPS[1]} frames/s, ~{ORIGINAL_RSS_MB:.0f} MB peak RSS)")
    header = f"{'video':<8} {'frames/s':>8} {'vs orig':>11} " + " ".join(f"{s:>14}" for s in STAGES) + f" {'peak RSS':>9}"
    print(header)
    for label, t in results.items():
        fps = t["frames_per_s"]
        frames = max(t["frames_analyzed"], 1)
        stages = " ".join(f"{1000 * t['stages_s'][s] / frames:>9.1f} ms/f" for s in STAGES)
        ratio = f"{fps / ORIGINAL_FPS[1]:.0f}-{fps / ORIGINAL_FPS[0]:.0f}x"
        print(f"{label:<8} {fps:>8.1f} {ratio:>11} {stages} {t['peak_rss_mb']:>6.0f} MB")
    Path(argv[0]).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
