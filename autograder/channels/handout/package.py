"""What a student works in: the handout zip, and the nbgrader source folder (the same files).

Both hold the same files: the notebook, the student's .py files (the skeletons of student/), the
grader (autograder/) and the data loader (datasets/) that `make grade` needs, a student Makefile
and README (templates/) and pyproject.toml (for `make venv`). The nbgrader source gets the
instructor's notebook (nbgrader strips its solutions); the handout gets student/'s notebook.
Nothing of solution/ except that notebook is ever copied.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from ...paths import REPO_ROOT
from .. import INSTRUCTOR_ONLY
from ...course import COURSE
from ..nbgrader.course import NOTEBOOK, SUBMISSION_FILES

REPO = REPO_ROOT
TEMPLATES = Path(__file__).with_name("templates")
PACKAGES = ("autograder", "datasets")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", *INSTRUCTOR_ONLY)  # see channels/__init__.py
HANDOUT_NAME = "ex2-handout"


def assemble(target: Path, notebook: Path, py_dir: Path = REPO / "student") -> Path:
    """Fill `target` (emptied first) with the files a student works in; returns `target`."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copyfile(notebook, target / f"{NOTEBOOK}.ipynb")
    for name in SUBMISSION_FILES:
        shutil.copyfile(py_dir / name, target / name)
    for package in PACKAGES:
        shutil.copytree(REPO / package, target / package, ignore=SKIPPED)
    shutil.copyfile(TEMPLATES / "Makefile", target / "Makefile")
    (target / "README.md").write_text(readme(), encoding="utf-8")
    shutil.copyfile(REPO / "pyproject.toml", target / "pyproject.toml")
    return target


def readme() -> str:
    """The student's README: the template with the student files and the points table of
    autograder/course.py filled in."""
    files = [f"`{name}`" for name in SUBMISSION_FILES]
    listed = ", ".join(files[:-1]) + f" and {files[-1]}" if len(files) > 1 else files[0]
    text = (TEMPLATES / "README.md").read_text(encoding="utf-8")
    return text.replace("{{student_files}}", listed).replace("{{points_table}}", COURSE.points_table())


def handout_zip(out: Path, build: Path) -> Path:
    """Write the zip `out` (one top folder, ex2-handout/) from a fresh copy under `build`."""
    folder = assemble(build / HANDOUT_NAME, REPO / "student" / f"{NOTEBOOK}.ipynb")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        # Sorted names and a fixed timestamp: the same sources give the same zip.
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(path.relative_to(build)), date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return out
