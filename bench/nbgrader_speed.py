"""`make bench-nbgrader`: what the nbgrader channel costs, measured side by side in one run.

Prints, on this machine:
1. the release (`make release`'s nbgrader generate_assignment) and the handout zip: files, bytes;
2. the solution notebook executed end to end as a student runs it (jupyter nbconvert --execute:
   the walk-through's short trainings and every test cell, the CIFAR-10 ones included);
3. for the solution submission: `make grade` on its .py files, then `nbgrader autograde` of the
   submission (the whole notebook, test cells in batch mode) plus the sandbox grading step (the
   gradebook writer), `make grade` again, and the ratio to the mean of the two (goal: at most 2);
Numbers only; no pass/fail. Needs CIFAR-10 (HLCV_DATA_DIR or data/) for meaningful timings.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
# The course's copy of datasets/ would look for data/ inside the course: point it at the project's.
ENV = {**os.environ, "PATH": f"{Path(PY).parent}{os.pathsep}{os.environ.get('PATH', '')}",
       "HLCV_DATA_DIR": os.environ.get("HLCV_DATA_DIR") or str(ROOT / "data")}
FILES = ("chain_rule.py", "two_layer_net.py", "hyperparams.py", "mlp.py")


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
        make_s = timed(["make", "--no-print-directory", "grade", f"SUBMISSION={submission}"], ROOT, "Total")
        print(f"make grade (solution files):             {make_s:6.0f} s")
        autograde_s = timed([PY, "-m", "nbgrader", "autograde", "ex2"], course)
        autograded = course / "autograded" / "solution" / "ex2" / "exercise2.ipynb"
        print(f"nbgrader autograde (whole notebook):      {autograde_s:6.0f} s")
        print(f"    cells that ended in an error: {cell_errors(autograded) or 'none'}")
        writer_s = timed([PY, "-m", "autograder.channels.nbgrader", "gradebook", "--course", str(course)],
                         ROOT, "solution")
        total = autograde_s + writer_s
        print(f"sandbox grading step (gradebook writer):  {writer_s:6.0f} s")
        # make grade again: on a shared machine the load drifts, so the ratio uses the mean of
        # the runs before and after.
        again_s = timed(["make", "--no-print-directory", "grade", f"SUBMISSION={submission}"], ROOT)
        print(f"make grade again:                         {again_s:6.0f} s")
        make_mean = (make_s + again_s) / 2
        print(f"autograde + writer = {total:.0f} s = {total / make_mean:.2f} x make grade "
              f"(mean {make_mean:.0f} s; goal <= 2)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
