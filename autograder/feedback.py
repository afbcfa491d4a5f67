"""Turns the ways a check can go wrong into CheckResults with messages a student can act on."""
from __future__ import annotations

from pathlib import Path

from .catalogue import Check
from .results import GRADER_ERROR, CheckResult, GradeReport
from .sandbox import ProbeFailure
from .sandbox.student_code import SUBMISSION_MARK

HINTS = {
    "timeout": "look for an endless loop, or work that grows far beyond what the check needs",
    "memory": "avoid building (N, N) or (N, D, H) temporaries; work on whole matrices instead",
    "crash": "run the same call yourself in a terminal to see what ends the process",
    "bad_return": "check what the function returns against the docstring in the skeleton",
}


def failure_result(chk: Check, failure: ProbeFailure, duration: float,
                   submission: Path | None = None) -> CheckResult:
    """A CheckResult for student code that raised, timed out, crashed or was not written yet.

    Files are named as the student knows them: `submission/two_layer_net.py`, line N (the child
    ran copies in a temporary folder; its tracebacks say SUBMISSION_MARK instead).
    """
    folder = str(submission) if submission is not None else "your submission"
    where = failure.where or {}
    place = ""
    if where.get("file"):
        place = f"{folder}/{where['file']}, line {where.get('line', '?')}"
        if where.get("function"):
            place += f", in {where['function']}()"
    message = failure.message
    if failure.kind == "not_implemented":  # the child said which TODO (its question and task)
        feedback = f"not implemented yet: {message}"
    elif failure.kind == "import_error":
        feedback = f"{where.get('file', 'your file')} could not be imported ({place}): {message}"
    elif failure.kind == "missing":
        feedback = message
    elif failure.kind == "exception":
        feedback = f"your code raised {message}" + (f" ({place})" if place else "")
    else:
        feedback = f"your code {message}" if not message.startswith("your code") else message
    lines = []
    if where.get("code"):
        lines.append(f"{place}:\n    {where['code']}")
    if failure.traceback:
        lines.append("Traceback (your files only):\n" + failure.traceback.replace(SUBMISSION_MARK, folder).rstrip())
    hint = HINTS.get(failure.kind, "")
    if failure.kind == "exception" and place:
        hint = f"run the same call yourself and look at {place}"
    if failure.output.strip():
        lines.append("Your code printed (last lines):\n" + failure.output.strip()[-1500:])
    return CheckResult(chk.id, chk.question, chk.title, chk.points, 0.0, "error", feedback,
                       "\n".join(lines), chk.visibility, round(duration, 3),
                       {"failure": failure.kind}, hint)


def missing_file_result(chk: Check, missing: list[str], submission: Path) -> CheckResult:
    names = ", ".join(missing)
    return CheckResult(chk.id, chk.question, chk.title, chk.points, 0.0, "error",
                       f"missing file {names}: put it in {submission}/ (a regular file, not a link)",
                       "", chk.visibility, 0.0, {"failure": "missing"})



def grader_error_result(chk: Check, trace: str, duration: float) -> CheckResult:
    """The grader itself broke: not the student's fault. The traceback goes to the staff only
    (the CLI prints it on stdout, which Gradescope shows to instructors alone)."""
    return CheckResult(chk.id, chk.question, chk.title, chk.points, 0.0, "grader_error", GRADER_ERROR,
                       "The grader failed on this check, not your code; your other checks are graded "
                       "as usual. The staff have the details.", chk.visibility, round(duration, 3),
                       {"failure": "grader_error"}, staff_details=trace[-8000:])


def crash_report(submission: Path, only: list[str] | None, trace: str) -> GradeReport:
    """The report of a grade the grader could not finish: every selected check (or, when even the
    catalogue cannot be read, one entry for the whole assignment) as a grader error with 0 points."""
    from .catalogue import all_checks, select

    try:
        checks = select(all_checks(), only)
        results = [grader_error_result(chk, trace, 0.0) for chk in checks]
    except Exception:  # the catalogue itself is broken
        results = [CheckResult("autograder", "Q0", "The autograder", 0.0, 0.0, "grader_error", GRADER_ERROR,
                               "", staff_details=trace[-8000:])]
    return GradeReport(submission=str(submission), results=results, metadata={"grader_crashed": True})
