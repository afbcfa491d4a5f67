"""`make bench-autograde`: what sandboxing the notebook kernels costs, measured side by side.

One temporary course with --students submissions of the solution (its whole notebook: the
walk-through's short trainings and every test cell, as a student submits it). Each round runs,
in alternating order, the bare `nbgrader autograde ex2 --force` (kernels with the instructor's
rights) and `make autograde`'s command with `--force` (every kernel sandboxed), and times both.
Prints each round, the medians, their ratio (goal: at most 1.2), the isolation level the kernels
got, cells that ended in an error in either mode, and the load average before and after.
Numbers only; no pass/fail. Needs CIFAR-10 (HLCV_DATA_DIR or data/) for the notebook's demo cells.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbgrader_speed import FILES, PY, ROOT, cell_errors, timed  # noqa: E402 (bench/ is not a package)


def make_course(work: Path, students: int) -> Path:
    course = work / "course"
    course.mkdir()
    shutil.copyfile(ROOT / "course" / "nbgrader_config.py", course / "nbgrader_config.py")
    timed([PY, "-m", "autograder.channels.nbgrader", "source", "--course", str(course)], ROOT)
    timed([PY, "-m", "nbgrader", "generate_assignment", "ex2", "--force"], course)
    for number in range(1, students + 1):
        submission = course / "submitted" / f"student{number}" / "ex2"
        shutil.copytree(course / "release" / "ex2", submission)
        shutil.copyfile(ROOT / "solution" / "exercise2.ipynb", submission / "exercise2.ipynb")
        for name in FILES:
            shutil.copyfile(ROOT / "solution" / name, submission / name)
        (submission / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    return course


def errors(course: Path) -> list[str]:
    found = []
    for notebook in sorted((course / "autograded").glob("*/ex2/exercise2.ipynb")):
        found += [f"{notebook.parts[-3]}: {e}" for e in cell_errors(notebook)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of plain vs sandboxed (default 3)")
    parser.add_argument("--students", type=int, default=3, help="submissions autograded per run (default 3)")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    work = Path(tempfile.mkdtemp(prefix="hlcv-autograde-bench-"))
    try:
        course = make_course(work, args.students)
        commands = {"plain": [PY, "-m", "nbgrader", "autograde", "ex2", "--force"],
                    "sandboxed": [PY, "-m", "autograder.channels.nbgrader", "autograde", "--course", str(course),
                                  "--", "--force"]}
        runs: dict[str, list[float]] = {"plain": [], "sandboxed": []}
        for round_number in range(1, args.rounds + 1):
            order = ("plain", "sandboxed") if round_number % 2 else ("sandboxed", "plain")
            for mode in order:
                runs[mode].append(timed(commands[mode], course if mode == "plain" else ROOT, show="  student"))
                print(f"round {round_number}: {mode:9} {runs[mode][-1]:6.1f} s; cells in error: "
                      f"{errors(course) or 'none'}", flush=True)
        levels = {r["level"] for r in json.loads((course / "autograde_kernels.json").read_text()).values()}
        plain, sandboxed = statistics.median(runs["plain"]), statistics.median(runs["sandboxed"])
        print(f"median bare nbgrader autograde ({args.students} students): {plain:6.1f} s")
        print(f"median make autograde (sandboxed, {', '.join(sorted(levels))}): {sandboxed:6.1f} s")
        print(f"sandboxed / bare = {sandboxed / plain:.2f} x (medians of {args.rounds} rounds; goal <= 1.2)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} at {time.strftime('%H:%M:%S')}")


if __name__ == "__main__":
    main()
