"""The one result model. The engine builds it; every reporter only reads it.

A `CheckResult` is one graded check; a `GradeReport` is one graded submission. Scores are
computed here once (clamped to [0, max]) so no reporter ever recomputes or re-derives a score.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

# How a check ended. "passed"/"partial"/"failed" are verdicts on the submission's work;
# "skipped" means a check it depends on failed; "error" means the submission crashed, timed out
# or is missing; "grader_error" means the grader itself broke (a bug for the staff, not the student).
STATUSES = ("passed", "partial", "failed", "skipped", "error", "grader_error")


@dataclass
class CheckResult:
    """The outcome of one check of the catalogue."""

    check_id: str            # stable id, e.g. "Q2d.gradient_check"
    question: str            # "Q2d"
    title: str               # the sentence a student reads
    max_points: float
    points: float            # already clamped to [0, max_points]
    status: str              # one of STATUSES
    feedback: str            # one line, for the table
    details: str = ""        # more lines: what was checked, expected, got, hint
    visibility: str = "visible"
    duration_s: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)  # plain numbers for extra_data / figures
    hint: str = ""           # one line under the feedback: how to fix a failure, or a note on a pass
    staff_details: str = ""  # for the course staff only (a grader traceback); never shown to students

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        self.points = clamp_points(self.points, self.max_points)
        # Messages quote the student's exceptions and output: make them printable UTF-8 once,
        # here, so no reporter can fail on a lone surrogate or a stray NUL.
        self.title, self.feedback, self.details, self.hint, self.staff_details = (
            printable(t) for t in (self.title, self.feedback, self.details, self.hint, self.staff_details))


@dataclass
class GradeReport:
    """Every check's result for one submission, plus how the grade was made."""

    submission: str
    results: list[CheckResult]
    metadata: dict[str, Any] = field(default_factory=dict)   # versions, seeds, timings
    artifacts: dict[str, Any] = field(default_factory=dict)  # arrays for the report's figures
    execution_time_s: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(r.points for r in self.results), 4)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_points for r in self.results), 4)

    def by_question(self) -> dict[str, list[CheckResult]]:
        grouped: dict[str, list[CheckResult]] = {}
        for result in self.results:
            grouped.setdefault(result.question, []).append(result)
        return grouped

    def question_scores(self) -> dict[str, tuple[float, float]]:
        """{question: (points, max_points)} in catalogue order."""
        return {
            q: (round(sum(r.points for r in rs), 4), round(sum(r.max_points for r in rs), 4))
            for q, rs in self.by_question().items()
        }


def report_to_dict(report: GradeReport) -> dict[str, Any]:
    """The model as plain data (no artifacts: they are arrays for figures), for a channel that
    grades in another process or on another machine and writes the reports where it runs."""
    return {"submission": report.submission, "results": [asdict(r) for r in report.results],
            "metadata": report.metadata, "execution_time_s": report.execution_time_s}


def report_from_dict(data: dict[str, Any]) -> GradeReport:
    """The inverse of report_to_dict; ValueError/TypeError/KeyError when `data` is not one."""
    return GradeReport(str(data["submission"]), [CheckResult(**r) for r in data["results"]],
                       metadata=dict(data.get("metadata") or {}),
                       execution_time_s=float(data.get("execution_time_s", 0.0)))


def printable(text: str) -> str:
    """`text` as valid UTF-8 without NULs (lone surrogates become U+FFFD)."""
    return str(text).encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


def clamp_points(points: Any, max_points: float) -> float:
    """A score is a finite float in [0, max]; anything else (NaN, inf, junk) is 0."""
    try:
        value = float(points)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(value):
        return 0.0
    return round(min(max(value, 0.0), float(max_points)), 4)
