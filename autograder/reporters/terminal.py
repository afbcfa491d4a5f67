"""The terminal table a student reads after `make grade`.

The marks are coloured only where the terminal shows colours: never under NO_COLOR
(https://no-color.org), in a pipe or a file, on a dumb terminal, or in a Windows console that
cannot switch to VT mode (then the table is plain text, as in a notebook's output).
"""
from __future__ import annotations

import os
import shutil
import textwrap

from ..results import GradeReport
from ..sandbox import features

MARKS = {"passed": "PASS", "partial": "PART", "failed": "FAIL", "skipped": "SKIP", "error": "FAIL",
         "grader_error": "ERR!"}
COLOURS = {"passed": "32", "partial": "33", "failed": "31", "skipped": "2", "error": "31", "grader_error": "35"}


def supports_colour(stream, environ=os.environ) -> bool:
    """Whether `stream` is a terminal that shows ANSI colours (see the module's docstring)."""
    if "NO_COLOR" in environ or environ.get("TERM") == "dumb":
        return False
    if not (hasattr(stream, "isatty") and stream.isatty()):
        return False
    return features.enable_windows_vt(stream) if features.WINDOWS else True


def mark(status: str, colour: bool = False) -> str:
    """The 4-letter mark of a status, coloured when asked."""
    text = MARKS[status]
    return f"\x1b[{COLOURS[status]}m{text}\x1b[0m" if colour else text


def render(report: GradeReport, width: int | None = None, verbose: bool = False,
           details_at: str | None = None, colour: bool = False) -> str:
    """Question, check, points, one line of feedback per check and its hint (or, when it passed,
    its note); the total, and where the details are (`details_at`: the HTML page, if written).
    `colour`: ANSI-coloured marks (only where supports_colour says so)."""
    width = width or min(shutil.get_terminal_size((110, 20)).columns, 140)
    lines = [f"Grading {report.submission}", ""]
    header = f"{'':4} {'question':8} {'points':>11}  check / feedback"
    lines += [header, "-" * min(width, 110)]
    indent = " " * 27
    wrap = max(40, width - len(indent))
    for question, results in report.by_question().items():
        for result in results:
            points = f"{_num(result.points)}/{_num(result.max_points)}"
            lines.append(f"{mark(result.status, colour)} {question:8} {points:>11}  {result.title}")
            for line in textwrap.wrap(result.feedback, width=wrap) or [""]:
                lines.append(indent + line)
            if result.hint:
                label = "note: " if result.status == "passed" else "hint: "
                lines += [indent + line for line in textwrap.wrap(label + result.hint, width=wrap,
                                                                   subsequent_indent="      ")]
            if verbose and result.details:
                for detail in result.details.splitlines()[:40]:
                    lines.append(indent + "  " + detail)
    lines.append("-" * min(width, 110))
    per_question = "  ".join(f"{q} {_num(p)}/{_num(m)}" for q, (p, m) in report.question_scores().items())
    lines.append(per_question)
    manual = report.metadata.get("manual_points") or {}
    by_hand = (f"; {_num(sum(manual.values()))} more graded by hand ({', '.join(manual)})" if manual else "")
    lines.append(f"Total: {_num(report.score)}/{_num(report.max_score)}{by_hand}   "
                 f"({report.execution_time_s:.1f} s)")
    if verbose:
        lines.append("Details of every check (expected, got, your traceback): above, under each check")
    else:
        where = f"{details_at}, or " if details_at else ""
        lines.append(f"Details of every check (expected, got, your traceback): {where}`make grade V=1` "
                     "(-v) to print them here")
    isolation = report.metadata.get("isolation") or {}
    if isolation.get("level") in ("none", "portable"):  # what student code could still reach
        lines.append("note: " + "; ".join(isolation.get("notes") or ["student code ran without isolation"]))
    return "\n".join(lines)


def _num(value: float) -> str:
    return f"{value:g}"
