"""The notebook's autograded test cells: grade one question of the .py files beside the notebook.

    from autograder.channels.cell import grade_cell
    grade_cell("Q1a")

runs the same engine and sandbox as `make grade Q=Q1a`, prints the same table lines, and returns
the question's points as a plain float. The float is the cell's last value, so nbgrader reads it
as the cell's partial credit (nbgrader.utils.determine_grade: the first `execute_result` of a
grade cell is parsed with float(); an error or any stderr output scores 0).

This runs in the student's kernel, which the student controls: it is a preview. The points that
count are written by the gradebook writer (`python -m autograder.channels gradebook`), which
grades the submitted files outside the kernel.
"""
from __future__ import annotations

import contextlib
import os
import sys
import warnings
from pathlib import Path

from ..engine import GradeConfig, grade
from ..reporters import terminal
from .course import CIFAR_CHECKS, check_ids

# Set by nbgrader while it executes a notebook ("autograde" or "validate").
BATCH_ENV = "NBGRADER_EXECUTION"


def grade_cell(question: str, folder: str | os.PathLike | None = None) -> float:
    """Grade `question` on the submission in `folder` (default: the notebook's folder).

    Returns the question's points in [0, its maximum], a Python float: nbgrader cannot parse the
    repr of a numpy scalar ("np.float64(2.0)") and would then give full credit.
    """
    folder = Path(folder) if folder is not None else Path.cwd()
    deferred = [c for c in check_ids(question) if c in CIFAR_CHECKS and os.environ.get(BATCH_ENV)]
    only = [c for c in check_ids(question) if c not in deferred]
    if not deferred and any(c in CIFAR_CHECKS for c in only):
        print(f"{question}: training your settings on CIFAR-10 in the sandbox, as the grader "
              "will (about a minute)...", flush=True)
    # Anything on stderr makes nbgrader score the cell 0, whatever it returns: a warning raised
    # while grading belongs in the cell's text, not on stderr.
    with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stdout):
        warnings.simplefilter("ignore")
        report = grade(folder, only=only, config=GradeConfig())
    print(terminal.render(report))
    for check_id in deferred:
        print(f"{check_id}: not trained in the notebook; the course's grader trains it outside "
              "the notebook and its score replaces this cell's.")
    return float(report.score)
