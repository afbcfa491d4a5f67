"""Is what a class receives complete and free of the solution? The nbgrader release and the handout.

The release is made by the real `nbgrader generate_assignment` in a temporary course; the handout
zip by `python -m autograder.channels.handout`. The handout is then unzipped into an empty folder
and its own `make grade` runs there, as a student would: first building its own .venv.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from autograder.channels.nbgrader.course import ASSIGNMENT, NOTEBOOK, SUBMISSION_FILES, quick_check_ids
from course_helpers import new_course, run
from grading_helpers import REPO, SOLUTION
from leaks import leaks, solution_lines

EXPECTED = {f"{NOTEBOOK}.ipynb", "Makefile", "README.md", "pyproject.toml", *SUBMISSION_FILES,
            "autograder/engine.py", "datasets/cifar10.py", "autograder/channels/nbgrader/cell.py"}


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return new_course(tmp_path_factory.mktemp("release") / "course") / "release" / ASSIGNMENT


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    """The handout unzipped into an empty folder, beside a copy of the course's offline data."""
    root = tmp_path_factory.mktemp("handout")
    zip_path = root / "dist" / "ex2-handout.zip"
    run([sys.executable, "-m", "autograder.channels.handout", "--out", str(zip_path),
         "--build", str(root / "build")], REPO)
    place = root / "place"
    place.mkdir()
    archive = (REPO / "../shared/data/cifar10-jpeg.tar.gz").resolve()
    if archive.is_file():  # `make grade` imports it when HLCV_DATA_DIR holds no data yet
        (place / "shared" / "data").mkdir(parents=True)
        (place / "shared" / "data" / archive.name).symlink_to(archive)
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(place)
    return place / "ex2-handout"


def test_the_solution_lines_are_found_at_all():
    """Does the leak search know lines of every solution file (else it could not fail)?"""
    lines = solution_lines()
    assert set(lines) == {p.name for p in SOLUTION.iterdir() if p.suffix in (".py", ".ipynb")}
    assert leaks(SOLUTION), "the leak search finds nothing in solution/ itself"


@pytest.mark.parametrize("which", ["release", "handout"])
def test_no_solution_is_handed_out(which, request):
    """Does the nbgrader release / the handout hold the student's files and none of the solution?"""
    folder = request.getfixturevalue(which)
    names = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert EXPECTED <= names, f"missing: {sorted(EXPECTED - names)}"
    assert not [n for n in names if n.startswith(("solution", "tests", "bench"))], names
    assert leaks(folder) == []


def _venv_borrowing_this_ones_packages(folder: Path) -> None:
    """A fresh venv whose site-packages point (.pth) at this interpreter's: pip finds every
    dependency installed, so building it takes seconds instead of downloading torch."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    python = folder / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "borrowed.pth").write_text("\n".join(p for p in sys.path if p.endswith("site-packages")) + "\n",
                                          encoding="utf-8")


def test_the_handout_grades_the_skeleton_zero(handout):
    """On first use, does the unzipped handout's `make grade` build its .venv itself (python -m
    autograder.install: torch found, then `pip install .`) and score the skeleton 0 with "not
    implemented yet", at the portable level as on macOS and Windows (HLCV_ISOLATION)? (A
    from-scratch build that downloads torch was run by hand: README.)"""
    _venv_borrowing_this_ones_packages(handout / ".venv")
    out = run(["make", "grade", "TORCH_INDEX=default", "HLCV_ISOLATION=portable"], handout)
    assert "autograder.install" in out and "pip install --quiet ." in out, out[-3000:]
    assert (handout / ".venv" / ".installed").is_file()
    assert "not implemented yet" in out and "Total: 0/" in out, out[-3000:]
    results = json.loads((handout / "reports" / handout.name / "results.json").read_text(encoding="utf-8"))
    assert results["extra_data"]["isolation"]["level"] == "portable"  # as on macOS and Windows


def test_the_handout_grades_the_solution_full(handout):
    """With the solution's .py files copied in, does its `make grade` give every point it grades?

    The CIFAR-10 trainings are left out (Q=...): tests/nbgrader/test_course.py grades them once
    for the solution, and each costs a minute."""
    solved = handout.parent / "solved"  # a copy: the skeleton's test reads the original
    shutil.copytree(handout, solved, ignore=shutil.ignore_patterns(".venv"))
    for name in SUBMISSION_FILES:
        shutil.copyfile(SOLUTION / name, solved / name)
    out = run(["make", "grade", f"PY={sys.executable}", f"Q={','.join(quick_check_ids())}"], solved)
    total = re.search(r"^Total: ([\d.]+)/([\d.]+)", out, re.MULTILINE)
    assert total and total[1] == total[2] and float(total[1]) > 20, out[-3000:]
