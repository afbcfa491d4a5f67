"""Is a question one unit? A toy question ("softmax of a vector": one check, one probe, one
solution region; tests/fixtures/toy_question/) is added to a copy of the grader through its
registry alone, and graded for real (the sandbox at the strongest level here, its fork servers,
`python -m autograder` in a process of its own).

The copy differs from this repository in exactly the places a new question needs: its entry in
autograder/course.py and its check-and-probe module in autograder/checks/; its solution region
is the third. Everything else (the catalogue, the list of student files, the probe's routing to
a numpy process, the notebook's test cell, the points tables) follows from the entry.
"""
from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grading_helpers import REPO

FIXTURE = Path(__file__).parent / "fixtures" / "toy_question"
ENTRY = ('\n\n# The toy question of tests/test_new_question.py: its one registry entry.\n'
         'COURSE = COURSE.adding(Question("Q5", "softmax of a vector", "softmax.py", "toy_softmax",\n'
         '                                (Points("softmax_values", 1.0),)))\n')


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def copy():
    """A copy of the grader with the toy question added, and the question's solution and skeleton."""
    root = Path(tempfile.mkdtemp(prefix="hlcv-new-question-"))
    root.chmod(0o755)  # the sandbox user reads the grader's code, as from a clone
    try:
        for package in ("autograder", "datasets"):
            shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copyfile(FIXTURE / "toy_softmax.py", root / "autograder" / "checks" / "toy_softmax.py")
        with open(root / "autograder" / "course.py", "a", encoding="utf-8") as course:
            course.write(ENTRY)
        (root / "solution").mkdir()
        shutil.copyfile(FIXTURE / "softmax.py", root / "solution" / "softmax.py")
        _run(["-m", "autograder", "assign", "--source", "solution", "--target", "student"], root)
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _grade(copy: Path, folder: str) -> dict:
    out = copy / "out" / folder
    _run(["-m", "autograder", "grade", folder, "--only", "Q5", "--no-html", "--report", str(out)], copy)
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_the_new_question_is_in_every_list(copy):
    """Does the one entry put Q5 into the registry, the catalogue, the student files, the routing
    and the notebook's test cells?"""
    listed = json.loads(_run(["-m", "autograder", "questions", "--json"], copy).stdout)
    [q5] = [q for q in listed["questions"] if q["id"] == "Q5"]
    assert q5["auto_points"] == 1.0 and q5["file"] == "softmax.py" and listed["total_auto_points"] == 34.0
    probe = ("import json; from autograder.catalogue import all_checks; from autograder.channels.stage import EXPECTED\n"
             "from autograder.course import COURSE; from autograder.assign_notebook import synced_notebook\n"
             "nb = synced_notebook(open('" + str(REPO / "solution" / "exercise2.ipynb") + "').read())\n"
             "print(json.dumps({'checks': [c.id for c in all_checks()], 'files': EXPECTED,\n"
             "  'kind': COURSE.kind_of_files(('softmax.py',)), 'preloads': COURSE.preloads()['numpy'],\n"
             "  'cell': 'grade_cell(\\\\\"Q5\\\\\")' in nb}))")
    seen = json.loads(_run(["-c", probe], copy).stdout)
    assert seen["checks"][-1] == "Q5.softmax_values" and "softmax.py" in seen["files"]
    assert seen["kind"] == "numpy" and "autograder.checks.toy_softmax" in seen["preloads"]
    assert seen["cell"], "make student would give the notebook a test cell for Q5"


def test_the_solution_earns_the_point_and_the_skeleton_none(copy):
    """Graded in the sandbox, does the solution region earn Q5's point and its stub nothing, with
    the TODO named?"""
    solved, skeleton = _grade(copy, "solution"), _grade(copy, "student")
    assert solved["score"] == 1.0 and [t["extra_data"]["check"] for t in solved["tests"]] == ["Q5.softmax_values"]
    assert skeleton["score"] == 0.0
    assert "not implemented yet: Q5: the softmax of x, stable for huge values." in skeleton["tests"][0]["output"]


def test_a_new_question_touches_three_places(copy):
    """Is the copy of the grader this repository's but for course.py and the new module?"""
    changed: list[str] = []

    def walk(ours: Path, theirs: Path, prefix: str) -> None:
        compared = filecmp.dircmp(ours, theirs, ignore=["__pycache__"])
        changed.extend(prefix + name for name in compared.left_only + compared.right_only + compared.diff_files)
        for name in compared.common_dirs:
            walk(ours / name, theirs / name, f"{prefix}{name}/")

    walk(REPO / "autograder", copy / "autograder", "autograder/")
    walk(REPO / "datasets", copy / "datasets", "datasets/")
    assert sorted(changed) == ["autograder/checks/toy_softmax.py", "autograder/course.py"]
