"""`make bench-isolation`: what the isolation costs, measured side by side in one run.

Grades the whole assignment of solution/ alternately with `--isolation none` and with the
strongest level this machine reaches (`auto`), `--rounds` times each, and prints the median wall
time and peak memory (PSS of the grader and all its children) of each, and their ratio.
Numbers only; no pass/fail.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from grade_speed import ROOT, timed_grade  # noqa: E402

sys.path.insert(0, str(ROOT))
from autograder.sandbox import isolation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="grades per level, interleaved (default: 3)")
    parser.add_argument("--only", default=None, help="questions to grade (default: all)")
    args = parser.parse_args()
    best = isolation.resolve("auto")
    print(f"strongest level here: {best.level} ({best.describe()['mechanism']})")
    runs: dict[str, list[dict]] = {"none": [], "auto": []}
    for round_number in range(args.rounds):
        for level in runs:
            run = timed_grade(args.only, "--isolation", level)
            runs[level].append(run)
            print(f"  round {round_number + 1}, {level:4}: {run['wall_s']:6.1f} s, {run['peak_pss_mb']:5.0f} MB PSS, "
                  f"score {run['report']['score']:g}")
    wall = {level: statistics.median(r["wall_s"] for r in rs) for level, rs in runs.items()}
    memory = {level: statistics.median(r["peak_pss_mb"] for r in rs) for level, rs in runs.items()}
    ratios = [a["wall_s"] / n["wall_s"] for a, n in zip(runs["auto"], runs["none"])]
    print(f"\nmedian wall time: none {wall['none']:.1f} s, {best.level} {wall['auto']:.1f} s; "
          f"median per-round ratio {statistics.median(ratios):.3f} (goal < 1.10)")
    print(f"median peak memory: none {memory['none']:.0f} MB, {best.level} {memory['auto']:.0f} MB PSS")


if __name__ == "__main__":
    main()
