"""Helpers of the nbgrader tests: a temporary course run with the real nbgrader commands.

Nothing is mocked: `nbgrader` runs as a subprocess in a temporary copy of course/ (its
nbgrader_config.py), the submissions are real folders in submitted/, and the gradebook is read
back with nbgrader's own API.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.channels.nbgrader.course import ASSIGNMENT, NOTEBOOK, SUBMISSION_FILES
from grading_helpers import REPO, SOLUTION

VENV_BIN = Path(sys.executable).parent


def run(args: list[str], cwd: Path, timeout: float = 600, check: bool = True, env: dict | None = None) -> str:
    """Run a command with the venv's bin/ first on PATH (nbgrader calls `alembic` from PATH);
    `env`: variables to set on top of this process's environment."""
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(env or {})}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    output = done.stdout + done.stderr
    if check:
        assert done.returncode == 0, f"{' '.join(map(str, args))} failed ({done.returncode}):\n{output[-4000:]}"
    return output


def nbgrader(course: Path, *args: str, timeout: float = 600, check: bool = True) -> str:
    return run([sys.executable, "-m", "nbgrader", *args], course, timeout, check)


def channels(course: Path, *args: str, check: bool = True, env: dict | None = None) -> str:
    return run([sys.executable, "-m", "autograder.channels.nbgrader", *args], REPO, check=check, env=env)


def new_course(root: Path) -> Path:
    """A course folder with the repository's nbgrader_config.py, its source and its release."""
    root.mkdir(parents=True)
    shutil.copyfile(REPO / "course" / "nbgrader_config.py", root / "nbgrader_config.py")
    channels(root, "source", "--course", str(root))
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force")
    return root


def submit(course: Path, student: str, notebook: nbformat.NotebookNode, py_dir: Path) -> Path:
    """Place a submission in submitted/<student>/<assignment>/: the release, the notebook, the .py files."""
    folder = course / "submitted" / student / ASSIGNMENT
    shutil.copytree(course / "release" / ASSIGNMENT, folder)
    nbformat.write(notebook, folder / f"{NOTEBOOK}.ipynb")
    for name in SUBMISSION_FILES:
        shutil.copyfile(py_dir / name, folder / name)
    (folder / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    return folder


def release_notebook(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)


def solution_notebook() -> nbformat.NotebookNode:
    return nbformat.read(SOLUTION / f"{NOTEBOOK}.ipynb", as_version=4)


def trimmed(notebook: nbformat.NotebookNode, extra: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The notebook without its walk-through code (a student may delete any unlocked cell), keeping
    nbgrader's cells and markdown; `extra` = {grade id: code} inserts a student cell before that cell."""
    extra = extra or {}
    cells = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") in extra:
            cells.append(nbformat.v4.new_code_cell(extra[meta["grade_id"]]))
        if cell.cell_type == "markdown" or meta:
            cells.append(cell)
    notebook.cells = cells
    return notebook


def grades(course: Path, student: str) -> dict[str, tuple[float | None, float, bool]]:
    """{grade id: (score, max score, needs manual grade)} of the student's notebook, from the gradebook."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(NOTEBOOK, ASSIGNMENT, student)
        return {g.name: (g.score if g.auto_score is not None or g.manual_score is not None else None,
                         g.max_score, bool(g.needs_manual_grade)) for g in notebook.grades}


def html_text(path: Path) -> str:
    """The visible text of an HTML file (tags dropped, entities kept escaped)."""
    return re.sub(r"<[^>]+>", "", path.read_text())
