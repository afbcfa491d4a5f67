"""Generate the student notebook from the instructor's (solution/exercise2.ipynb).

The same markers as the .py files, as nbgrader's `generate_assignment` reads them: a markdown
region between `### BEGIN SOLUTION` and `### END SOLUTION` becomes "YOUR ANSWER HERE"; a code
region becomes `# YOUR CODE HERE` and `raise NotImplementedError()`. Outputs and execution counts
are cleared; the cells' nbgrader metadata stays, so `nbgrader validate` works on the student's
copy. The result is deterministic text, so the committed copy can be checked for staleness.

The graded cells come from the course's registry (autograder/course.py, `sync_graded_cells`): one
locked test cell per question with automatic points, worth those points, and the hand-graded
cells' points. `make student` writes them into both notebooks, so a point moved in course.py
moves in the notebook (and in nbgrader's release) too.
"""
from __future__ import annotations

import nbformat

from .course import COURSE
from .markers import BEGIN, END
from .registry import test_cell as test_cell_id

MARKDOWN_STUB = "YOUR ANSWER HERE"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


class NotebookMarkerError(ValueError):
    """A notebook cell whose solution markers do not pair up."""


TEST_CELL = """# Grades {question} of your .py files in the sandbox, like `make grade Q={question}`; the last line is the
# cell's score ({points:g} point{plural}).
from autograder.channels.nbgrader.cell import grade_cell
grade_cell("{question}")"""


def sync_graded_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make the notebook's graded cells say what course.py says (in place; returns `nb`).

    Each question with automatic points gets one locked test cell (its source and points from the
    registry; inserted after the previous question's test cell when missing); a test cell of a
    question without automatic points is removed; each hand-graded cell gets its points. A
    hand-graded cell course.py names but the notebook lacks is a NotebookMarkerError: its prose
    is the instructor's to write.
    """
    automatic = COURSE.auto_points()
    cells = [c for c in nb.cells if not (_grade_id(c).startswith("test_") and _grade_id(c)[5:] not in automatic)]
    for question, points in automatic.items():
        source = TEST_CELL.format(question=question, points=points, plural="" if points == 1 else "s")
        metadata = {"grade": True, "grade_id": test_cell_id(question), "locked": True, "points": float(points),
                    "schema_version": 3, "solution": False, "task": False}
        found = [c for c in cells if _grade_id(c) == test_cell_id(question)]
        if found:
            found[0].source, found[0].metadata["nbgrader"] = source, metadata
            continue
        cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": metadata})
        cell.id = f"test-{question}"  # deterministic: the committed notebooks are compared as text
        earlier = [i for i, c in enumerate(cells) if _grade_id(c) in
                   {test_cell_id(q) for q in list(automatic)[:list(automatic).index(question)]}]
        cells.insert(earlier[-1] + 1 if earlier else len(cells), cell)
    ids = {_grade_id(c): c for c in cells}
    for grade_id, points in COURSE.hand_cells().items():
        if grade_id not in ids:
            raise NotebookMarkerError(f"autograder/course.py names the hand-graded cell {grade_id!r}, which "
                                      "the notebook does not have: add it (a markdown cell with nbgrader "
                                      f"metadata grade_id {grade_id!r})")
        ids[grade_id].metadata["nbgrader"]["points"] = float(points)
    nb.cells = cells
    return nb


def synced_notebook(text: str) -> str:
    """The instructor notebook's JSON text with its graded cells as course.py says."""
    return nbformat.writes(sync_graded_cells(nbformat.reads(text, as_version=4))) + "\n"


def _grade_id(cell) -> str:
    return str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))


def skeleton_notebook(text: str, name: str = "<notebook>") -> str:
    """The student version of one instructor notebook's JSON text (graded cells synced too)."""
    nb = sync_graded_cells(nbformat.reads(text, as_version=4))
    for index, cell in enumerate(nb.cells):
        stub = MARKDOWN_STUB if cell.cell_type == "markdown" else CODE_STUB
        cell.source = _strip_regions(cell.source, stub, f"{name}: cell {index}")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nbformat.writes(nb) + "\n"


def _strip_regions(source: str, stub: str, where: str) -> str:
    out: list[str] = []
    inside = False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise NotebookMarkerError(f"{where}: nested {BEGIN}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + stub_line for stub_line in stub.splitlines()]
        elif stripped == END:
            if not inside:
                raise NotebookMarkerError(f"{where}: {END} without a {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise NotebookMarkerError(f"{where}: {BEGIN} without an {END}")
    return "\n".join(out)
