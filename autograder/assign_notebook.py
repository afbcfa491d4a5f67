"""Generate the student notebook from the instructor's (solution/exercise2.ipynb).

The same markers as the .py files, as nbgrader's `generate_assignment` reads them: a markdown
region between `### BEGIN SOLUTION` and `### END SOLUTION` becomes "YOUR ANSWER HERE"; a code
region becomes `# YOUR CODE HERE` and `raise NotImplementedError()`. Outputs and execution counts
are cleared; the cells' nbgrader metadata stays, so `nbgrader validate` works on the student's
copy. The result is deterministic text, so the committed copy can be checked for staleness.
"""
from __future__ import annotations

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MARKDOWN_STUB = "YOUR ANSWER HERE"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


class NotebookMarkerError(ValueError):
    """A notebook cell whose solution markers do not pair up."""


def skeleton_notebook(text: str, name: str = "<notebook>") -> str:
    """The student version of one instructor notebook's JSON text."""
    nb = nbformat.reads(text, as_version=4)
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
