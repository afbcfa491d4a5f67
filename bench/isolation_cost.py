"""`make bench-isolation` / `make bench-portable`: what an isolation level costs, side by side.

Grades the whole assignment of solution/ alternately at two levels (`--levels`, default
`none,auto`: no isolation vs the strongest this machine reaches; `make bench-portable` compares
`auto` with `portable`, the spawned-interpreter path of macOS and Windows), `--rounds` times
each, and prints the median wall time and peak memory (PSS of the grader and all its children)
of each, and the median of the per-round ratios second/first. Numbers only; no pass/fail.
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
    parser.add_argument("--levels", default="none,auto", help="the two levels to compare, baseline first "
                        "(default: none,auto)")
    parser.add_argument("--goal", type=float, default=1.10, help="the ratio second/first aimed at (default: 1.10)")
    args = parser.parse_args()
    first, second = args.levels.split(",")
    names = {level: isolation.resolve(level).level for level in (first, second)}
    print(f"levels: {first} = {names[first]}, {second} = {names[second]}; {args.rounds} interleaved rounds")
    runs: dict[str, list[dict]] = {first: [], second: []}
    for round_number in range(args.rounds):
        for level in runs:
            run = timed_grade(args.only, "--isolation", level)
            runs[level].append(run)
            print(f"  round {round_number + 1}, {names[level]:10}: {run['wall_s']:6.1f} s, "
                  f"{run['peak_pss_mb']:5.0f} MB PSS, score {run['report']['score']:g}", flush=True)
    wall = {level: statistics.median(r["wall_s"] for r in rs) for level, rs in runs.items()}
    memory = {level: statistics.median(r["peak_pss_mb"] for r in rs) for level, rs in runs.items()}
    ratios = [b["wall_s"] / a["wall_s"] for a, b in zip(runs[first], runs[second])]
    print(f"\nmedian wall time: {names[first]} {wall[first]:.1f} s, {names[second]} {wall[second]:.1f} s; "
          f"median per-round ratio {statistics.median(ratios):.3f} (goal < {args.goal:.2f})")
    print(f"median peak memory: {names[first]} {memory[first]:.0f} MB, {names[second]} {memory[second]:.0f} MB PSS")


if __name__ == "__main__":
    main()
