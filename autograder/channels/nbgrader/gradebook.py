"""The gradebook writer: after `nbgrader autograde`, the points that count come from the sandbox.

`nbgrader autograde` runs the student's notebook, and every cell the student wrote runs in the
same kernel as the test cells before them, so a student cell can replace whatever a test cell
calls. This writer therefore grades each submission outside any kernel, from the files no
kernel could touch: the .py files of `submitted/<student>/<assignment>/` (the autograded copies
were beside the kernel). Each student is one task on Dask (`grade_students`: the same tasks,
embedded cluster or --scheduler as `make grade-all`; only the submission's .py files travel, and a
grader process runs them in the sandbox); each question's points go into nbgrader's gradebook as
the test cell's `auto_score` (`write_student`, in this process: the gradebook is one sqlite file).
A cell whose in-kernel score differs is flagged: it is printed, marked as needing manual grading
(formgrader lists it), and its output in the autograded notebook (what `nbgrader
generate_feedback` renders) is replaced by the sandbox's lines.
"""
from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from ...feedback import crash_report
from ...reporters import gradescope, terminal
from ...results import GradeReport, report_from_dict
from ..batch import cluster
from ..batch.task import GradeOptions
from ..stage import EXPECTED, stage
from .autograde import describe_kernel, kernel_records
from .course import CIFAR_CHECKS, NOTEBOOK, auto_points, cell_id_of


@dataclass
class CellGrade:
    """One test cell of one student: what the kernel wrote and what the sandbox measured."""

    question: str
    kernel: float | None   # auto_score nbgrader stored from the kernel's output (None: no row)
    sandbox: float         # the engine's points, now in the gradebook
    max_points: float
    comparable: float      # the sandbox's points for the checks the kernel grades (no CIFAR training)

    @property
    def flagged(self) -> bool:
        return self.kernel is None or not math.isclose(self.kernel, self.comparable, abs_tol=1e-6)


@dataclass
class StudentGrade:
    student: str
    report: GradeReport
    cells: list[CellGrade] = field(default_factory=list)
    kernel: dict | None = None  # the record of `make autograde`'s kernel (level, how it ended)

    @property
    def flags(self) -> list[CellGrade]:
        return [c for c in self.cells if c.flagged]


def submission_folder(course: Path, assignment: str, student: str) -> Path:
    """submitted/<student>/<assignment>/: the files that count, which no notebook kernel could
    touch (the autograded copies sat in the kernel's folder; autograde never overwrites either)."""
    submitted = course / "submitted" / student / assignment
    if not submitted.is_dir():
        raise FileNotFoundError(f"{submitted} does not exist: the gradebook writer grades the submitted "
                                "files (the notebook's kernel could have changed the autograded copies)")
    return submitted


def grade_students(course: Path, assignment: str, options: dict[str, GradeOptions],
                   scheduler: str = "", jobs: int = 1) -> dict[str, GradeReport]:
    """Grade each student's submission folder (`options`: {student: how}) as one Dask task; returns
    {student: report}. A grade that left no result model becomes an "autograder error" report."""
    only = {s: [q for q in o.only.split(",") if q.strip()] or None for s, o in options.items()}
    with tempfile.TemporaryDirectory(prefix="hlcv-gradebook-") as tmp:
        requests = {}
        for student, how in options.items():
            staged = stage(submission_folder(course, assignment, student), Path(tmp) / student)
            files = {p.name: p.read_bytes() for p in staged.folder.iterdir() if p.name in EXPECTED}
            requests[student] = (files, how)
        reports = {}
        with cluster.connect(cluster.scheduler_address(scheduler), jobs) as client:
            for student, outcome in cluster.grade_each(client, requests):
                folder = submission_folder(course, assignment, student)
                try:
                    report = report_from_dict(outcome["model"])
                    report.submission = str(folder)
                except (TypeError, ValueError, KeyError):
                    report = crash_report(folder, only[student], f"{outcome['status']}: no result model\n"
                                          + outcome["log"])
                reports[student] = report
    return reports


def write_student(course: Path, assignment: str, student: str, report: GradeReport,
                  db_url: str | None = None) -> StudentGrade:
    """Write the points of `report` (see grade_students) into the gradebook for this student.

    A check left out of the grade (`only`) scores 0 in its cell. Also writes results.json beside
    the notebook (the same file `make grade` writes) and replaces the test cells' outputs in the
    autograded notebook. When autograde failed on the notebook (no autograded copy), every cell is
    flagged.
    """
    folder = course / "autograded" / student / assignment
    notebook = folder / f"{NOTEBOOK}.ipynb"
    for path in (notebook, folder / "results.json"):
        if path.is_symlink():  # never write through a link a kernel could have planted
            path.unlink()
    scores = report.question_scores()
    # What the kernel said: stored in the notebook by an earlier run of this writer (auto_score
    # then holds the sandbox's points), else nbgrader's auto_score; nothing when autograde failed.
    earlier = _kernel_scores(notebook) if notebook.is_file() else {}
    graded = StudentGrade(student, report, kernel=kernel_records(course).get(student))
    with Gradebook(db_url or f"sqlite:///{course / 'gradebook.db'}") as gb:
        for question, max_points in auto_points().items():
            sandbox = scores.get(question, (0.0, max_points))[0]
            comparable = round(sum(r.points for r in report.results
                                   if r.question == question and r.check_id not in CIFAR_CHECKS), 4)
            try:
                cell = gb.find_grade(cell_id_of(question), NOTEBOOK, assignment, student)
            except MissingEntry:  # autograde never reached this cell's row: nothing to overwrite
                graded.cells.append(CellGrade(question, None, sandbox, max_points, comparable))
                continue
            kernel = earlier.get(question, cell.auto_score) if notebook.is_file() else None
            row = CellGrade(question, kernel, sandbox, max_points, comparable)
            cell.auto_score = sandbox
            # A disagreement needs a person; an agreement keeps what nbgrader decided (a manual
            # score a grader already gave stays, and still wins over auto_score).
            if row.flagged:
                cell.needs_manual_grade = True
            graded.cells.append(row)
        gb.db.commit()
    if notebook.is_file():
        gradescope.write(report, folder / "results.json")
        _rewrite_outputs(notebook, report, graded)
    return graded


KERNEL_KEY = "hlcv_kernel_score"  # cell metadata: the kernel's score, kept when outputs are replaced


def _kernel_scores(path: Path) -> dict[str, float | None]:
    """{question: the kernel's score} saved in the autograded notebook by an earlier write."""
    nb = nbformat.read(path, as_version=4)
    saved = {}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if KERNEL_KEY in cell.metadata and grade_id.startswith(cell_id_of("")):
            saved[grade_id[len(cell_id_of("")):]] = cell.metadata[KERNEL_KEY]
    return saved


def _rewrite_outputs(path: Path, report: GradeReport, graded: StudentGrade) -> None:
    """Replace each test cell's outputs by the sandbox's table lines and score (the kernel's
    score goes into the cell's metadata, so that a second run still compares with it)."""
    nb = nbformat.read(path, as_version=4)
    rows = {cell_id_of(c.question): c for c in graded.cells}
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or grade_id not in rows:
            continue
        row = rows[grade_id]
        part = GradeReport(report.submission, [r for r in report.results if r.question == row.question],
                           execution_time_s=report.execution_time_s)
        text = ("Graded outside the notebook by the course's grader (the points that count):\n"
                + terminal.render(part, width=110) + "\n")
        if row.flagged:
            kernel = "no result" if row.kernel is None else f"{row.kernel:g}"
            text += (f"note: the notebook's own run of this cell gave {kernel}, not {row.comparable:g}; "
                     "the course's grade above counts.\n")
        cell.metadata[KERNEL_KEY] = row.kernel
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text),
                        nbformat.v4.new_output("execute_result", data={"text/plain": repr(row.sandbox)},
                                               execution_count=cell.get("execution_count"))]
    nbformat.write(nb, path)


def submitted_students(course: Path, assignment: str) -> list[str]:
    """The students with a submitted or an autograded folder of `assignment`, sorted (a notebook
    that made autograde fail leaves no autograded folder, and still needs its grade)."""
    found = set()
    for step in ("submitted", "autograded"):
        root = course / step
        if root.is_dir():
            found |= {p.name for p in root.iterdir() if (p / assignment).is_dir()}
    return sorted(found)


def summary(graded: StudentGrade) -> str:
    """One line per question (kernel vs sandbox), flags marked, then the total."""
    lines = [f"{graded.student}: {graded.report.score:g}/{graded.report.max_score:g} automatic points "
             f"({graded.report.execution_time_s:.1f} s)", f"  {describe_kernel(graded.kernel)}"]
    trained_here = {check_id.split(".")[0] for check_id in CIFAR_CHECKS}
    for c in graded.cells:
        kernel = "-" if c.kernel is None else f"{c.kernel:g}"
        if c.flagged:
            mark = "  FLAG: the notebook's own result differs"
        elif c.question in trained_here:
            mark = "  (the kernel skips the CIFAR-10 training: graded here only)"
        else:
            mark = ""
        lines.append(f"  {c.question:4} sandbox {c.sandbox:g}/{c.max_points:g}  kernel {kernel}{mark}")
    return "\n".join(lines)
