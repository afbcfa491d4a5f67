"""How a check's structured result reads as text: the one rendering every reporter shares.

A CheckResult carries its comparisons, notes, hint and free details as fields (outcome.py); the
terminal table (-v), the HTML page and results.json all show them through `explanation`, so no
reporter formats them its own way and nothing is ever parsed back out of the text.
"""
from __future__ import annotations

from ..results import CheckResult

OK, FAIL = "ok   ", "FAIL "


def hint_line(result: CheckResult) -> str:
    """"Hint: ..." for a check that lost points, "Note: ..." for a passed one; "" without a hint."""
    if not result.hint:
        return ""
    return ("Note: " if result.status == "passed" else "Hint: ") + result.hint


def explanation(result: CheckResult) -> str:
    """Every comparison (ok/FAIL and how far apart), the free details, then the notes."""
    lines = [(OK if c.ok else FAIL) + c.message for c in result.comparisons]
    if result.details:
        lines.append(result.details)
    lines += [f"Note: {note}" for note in result.notes]
    return "\n".join(lines)


def full_text(result: CheckResult) -> str:
    """The feedback, the hint line and the explanation: all a student can read about a check."""
    return "\n".join(part for part in (result.feedback, hint_line(result), explanation(result)) if part)
