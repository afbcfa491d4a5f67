"""`make bench-nbgrader`: what the nbgrader channel costs, measured side by side in one run.

Prints, on this machine:
1. the release (`make release`'s nbgrader generate_assignment) and the handout zip: files, bytes;
2. the solution notebook executed end to end as a student runs it (jupyter nbconvert --execute:
   the walk-through's short trainings and every test cell, the CIFAR-10 ones included);
3. for the solution submission, in --rounds rounds: `make grade` on its .py files, then `nbgrader
   autograde` of the submission (the whole notebook, test cells in batch mode) plus the sandbox
   grading step (the gradebook writer); the medians and their ratio (goal: at most 2);
Numbers only; no pass/fail. Needs CIFAR-10 (HLCV_DATA_DIR or data/) for meaningful timings.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from autograder.course import COURSE  # noqa: E402

PY = sys.executable
# The course's copy of datasets/ would look for data/ inside the course: point it at the project's.
ENV = {**os.environ, "PATH": f"{Path(PY).parent}{os.pathsep}{os.environ.get('PATH', '')}",
       "HLCV_DATA_DIR": os.environ.get("HLCV_DATA_DIR") or str(ROOT / "data")}
FILES = COURSE.submission_files()


def timed(args: list[str], cwd: Path, show: str = "") -> float:
    """Run a command; its wall time in seconds. Prints its output lines that start with `show`."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
    for line in done.stdout.splitlines():
        if show and line.startswith(show):
            print(f"    {line}")
    return time.perf_counter() - started


def cell_errors(notebook: Path) -> list[str]:
    """'cell N: error' for every cell of an executed notebook that ended in an error."""
    import nbformat
    nb = nbformat.read(notebook, as_version=4)
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue', '')[:80]}" for i, c in enumerate(nb.cells)
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds of make grade vs autograde + writer (default 3)")
    parser.add_argument("--skip-notebook", action="store_true", help="skip the end-to-end notebook run (item 2)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hlcv-nbgrader-bench-"))
    try:
        course = work / "course"
        course.mkdir()
        shutil.copyfile(ROOT / "course" / "nbgrader_config.py", course / "nbgrader_config.py")
        timed([PY, "-m", "autograder.channels.nbgrader", "source", "--course", str(course)], ROOT)
        release_s = timed([PY, "-m", "nbgrader", "generate_assignment", "ex2", "--force"], course)
        files, nbytes = size(course / "release" / "ex2")
        print(f"release:  {files} files, {nbytes / 1e3:.0f} kB (nbgrader generate_assignment {release_s:.1f} s)")
        zip_path = work / "ex2-handout.zip"
        timed([PY, "-m", "autograder.channels.handout", "--out", str(zip_path), "--build", str(work / "build")], ROOT)
        print(f"handout:  {zip_path.stat().st_size / 1e3:.0f} kB zip")

        if not args.skip_notebook:
            # In place (the notebook finds autograder/ one folder up); the result goes to `work`.
            notebook_s = timed([PY, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                                "--ExecutePreprocessor.timeout=600", "--output-dir", str(work),
                                "exercise2.ipynb"], ROOT / "solution")
            print(f"solution notebook end to end (nbconvert --execute, test cells included): {notebook_s:.0f} s")
            print(f"    cells that ended in an error: {cell_errors(work / 'exercise2.ipynb') or 'none'}")

        submission = course / "submitted" / "solution" / "ex2"
        shutil.copytree(course / "release" / "ex2", submission)
        shutil.copyfile(ROOT / "solution" / "exercise2.ipynb", submission / "exercise2.ipynb")
        for name in FILES:
            shutil.copyfile(ROOT / "solution" / name, submission / name)
        # Side by side, round after round (this machine's load drifts): make grade, then
        # autograde + writer on the same files. Medians over the rounds, and their ratio.
        make_runs, autograde_runs, writer_runs = [], [], []
        for round_number in range(1, args.rounds + 1):
            make_runs.append(timed(["make", "--no-print-directory", "grade", f"SUBMISSION={submission}"],
                                   ROOT, "Total"))
            autograde_runs.append(timed([PY, "-m", "nbgrader", "autograde", "ex2", "--force"], course))
            autograded = course / "autograded" / "solution" / "ex2" / "exercise2.ipynb"
            errors = cell_errors(autograded)
            writer_runs.append(timed([PY, "-m", "autograder.channels.nbgrader", "gradebook", "--course",
                                      str(course)], ROOT, "solution"))
            pair = autograde_runs[-1] + writer_runs[-1]
            print(f"round {round_number}: make grade {make_runs[-1]:.1f} s; nbgrader autograde "
                  f"{autograde_runs[-1]:.1f} s + gradebook writer {writer_runs[-1]:.1f} s = {pair:.1f} s "
                  f"({pair / make_runs[-1]:.2f} x); notebook cells in error: {errors or 'none'}")
        make_s = statistics.median(make_runs)
        pair_s = statistics.median(a + w for a, w in zip(autograde_runs, writer_runs))
        print(f"median make grade (solution files):       {make_s:6.1f} s")
        print(f"median nbgrader autograde (whole notebook): {statistics.median(autograde_runs):6.1f} s")
        print(f"median sandbox grading step (writer):     {statistics.median(writer_runs):6.1f} s")
        print(f"autograde + writer = {pair_s:.1f} s = {pair_s / make_s:.2f} x make grade "
              f"(medians of {args.rounds} rounds; goal <= 2)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
