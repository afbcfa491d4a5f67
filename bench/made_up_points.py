"""`make bench-made-up`: the points each made-up submission of tests/made_up_table.py scores.

Every row of the table (uniform or random probabilities, a constant, label-free or data-free loss,
a made-up function with its own derivative, an ndarray subclass that agrees with everything,
error rates in the histories, ...) and the two correct files that loop in Python (LOOPED: they
should lose Q1c only) is written into a copy of the solution and graded on the numpy
net's quick questions (Q1a-Q3a) by `python -m autograder grade` in its own process. --grader ROOT
grades with another checkout's grader (for example the commit before a change), so that the same
files are scored before and after it: print both and compare. The made-up files come from this
checkout's table either way.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from made_up_table import LOOPED, MADE_UP, toy_gradients  # noqa: E402

QUESTIONS = ("Q1a", "Q1b", "Q1c", "Q2d", "Q3a")
NET = "two_layer_net.py"


def points_by_question(grader: Path, folder: Path) -> dict[str, float]:
    """{question: points} of one grade of `folder` by the grader of checkout `grader`."""
    out = folder.parent / f"{folder.name}-report"
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--only", ",".join(QUESTIONS),
                    "--no-html", "--report", str(out), "--results", str(out / "results.json")],
                   cwd=grader, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=True)
    found = {q: 0.0 for q in QUESTIONS}
    for test in json.loads((out / "results.json").read_text(encoding="utf-8"))["tests"]:
        question = test["name"].split(":")[0]
        if question in found:
            found[question] += test["score"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grader", type=Path, default=ROOT, help="the checkout whose grader scores (default: this one)")
    args = parser.parse_args()
    reference = (ROOT / "solution" / NET).read_text(encoding="utf-8")
    grads = toy_gradients()
    rows = [("solution (for scale)", None)] + [(row.name, row) for row in MADE_UP + LOOPED]
    print(f"grader: {args.grader.resolve()}")
    print(f"| submission | {' | '.join(QUESTIONS)} | total |\n|---|{'---|' * (len(QUESTIONS) + 1)}")
    with tempfile.TemporaryDirectory(prefix="hlcv-made-up-") as tmp:
        for name, row in rows:
            folder = Path(tmp) / name.split()[0]
            shutil.copytree(ROOT / "solution", folder, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
            if row is not None:
                (folder / NET).write_text(row.source(reference, grads), encoding="utf-8")
            got = points_by_question(args.grader, folder)
            print(f"| {name} | {' | '.join(f'{got[q]:g}' for q in QUESTIONS)} | {sum(got.values()):g} |", flush=True)


if __name__ == "__main__":
    main()
