"""The notebook's autograded test cells: grade one question of the .py files beside the notebook.

    from autograder.channels.nbgrader.cell import grade_cell
    grade_cell("Q1a")

runs the same engine and sandbox as `make grade Q=Q1a`, prints the same table lines, and returns
the question's points as a plain float. The float is the cell's last value, so nbgrader reads it
as the cell's partial credit (nbgrader.utils.determine_grade: the first `execute_result` of a
grade cell is parsed with float(); an error or any stderr output scores 0).

This runs in the student's kernel, which the student controls: it is a preview. The points that
count are written by the gradebook writer (`python -m autograder.channels.nbgrader gradebook`),
which grades the submitted files outside the kernel.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import warnings
from pathlib import Path

from ...engine import GradeConfig, grade
from ...oracles.service import ORACLE
from ...reporters import terminal
from ...results import GradeReport
from .course import CIFAR_CHECKS, SUBMISSION_FILES, check_ids, quick_check_ids

# Set by nbgrader while it executes a notebook ("autograde" or "validate").
BATCH_ENV = "NBGRADER_EXECUTION"
# In a batch run the first test cell grades every quick check at once and the others read that
# report (one start of the sandbox's servers instead of nine); keyed by the files' contents.
_batch_reports: dict[tuple[str, str], GradeReport] = {}


def grade_cell(question: str, folder: str | os.PathLike | None = None) -> float:
    """Grade `question` on the submission in `folder` (default: the notebook's folder).

    Returns the question's points in [0, its maximum], a Python float: nbgrader cannot parse the
    repr of a numpy scalar ("np.float64(2.0)") and would then give full credit.
    """
    folder = Path(folder) if folder is not None else Path.cwd()
    batch = bool(os.environ.get(BATCH_ENV))
    deferred = [c for c in check_ids(question) if c in CIFAR_CHECKS and batch]
    only = [c for c in check_ids(question) if c not in deferred]
    if not batch and any(c in CIFAR_CHECKS for c in only):
        print(f"{question}: training your settings on CIFAR-10 in the sandbox, as the grader "
              "will (about a minute)...", flush=True)
    score = 0.0
    if only:  # (an empty selection would mean "every check" to the engine)
        report = _batch_report(folder) if batch else _grade(folder, only)
        # The question's lines only; "graded by hand" counts only this question's manual points.
        manual = {q: p for q, p in report.metadata.get("manual_points", {}).items() if q == question}
        part = GradeReport(report.submission, [r for r in report.results if r.check_id in only],
                           metadata={**report.metadata, "manual_points": manual},
                           execution_time_s=report.execution_time_s)
        print(terminal.render(part))
        score = float(part.score)
    for check_id in deferred:
        print(f"{check_id}: not trained in the notebook; the course's grader trains it outside "
              "the notebook and its score replaces this cell's.")
    return score


def _grade(folder: Path, only: list[str]) -> GradeReport:
    # Anything on stderr makes nbgrader score the cell 0, whatever it returns: a warning raised
    # while grading belongs in the cell's text, not on stderr.
    ORACLE.own_session = True  # so that the kernel shuts down when nbgrader asks (see OracleProcess)
    with warnings.catch_warnings(), contextlib.redirect_stderr(sys.stdout), _torch_state_kept():
        warnings.simplefilter("ignore")
        return grade(folder, only=only, config=GradeConfig())


@contextlib.contextmanager
def _torch_state_kept():
    """The grader's oracles run in this kernel and set torch up their way (one thread,
    deterministic algorithms, seed 0): give the student's notebook back its own settings."""
    import torch
    threads, deterministic = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    rng = torch.get_rng_state()
    try:
        yield
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic)
        torch.set_rng_state(rng)


def _batch_report(folder: Path) -> GradeReport:
    digest = hashlib.sha256()
    for name in SUBMISSION_FILES:
        path = folder / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"<missing>"))
    key = (str(folder.resolve()), digest.hexdigest())
    if key not in _batch_reports:
        _batch_reports[key] = _grade(folder, quick_check_ids())
    return _batch_reports[key]
