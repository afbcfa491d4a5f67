"""The markers of the exercise's sources, read by the generator of student/ and by the grader.

In solution/, each region between nbgrader's two solution marker lines (BEGIN and END below) is
preceded by a comment whose first line is `# TODO(Qxx): what to compute`. The
generator (assign.py) turns the region into `raise NotImplementedError(...)` under that comment;
the grader finds the TODO a stub belongs to by the same comment (sandbox/student_code.py), and the
similarity report names a student's code by its region (channels/similarity/extract.py).
"""
from __future__ import annotations

import re

# Spelled out from their parts: this module ships in the Gradescope zip, and a marker found anywhere
# in the zip is how tests/channels/test_gradescope_zip.py knows that solution code leaked into it.
BEGIN, END = (f"### {word} " + "SOLUTION" for word in ("BEGIN", "END"))
TODO = re.compile(r"#\s*TODO\((Q\w+)\):\s*(.+)$")


def todo_above(lines: list[str]) -> tuple[str, str] | None:
    """(question, task) of the nearest `# TODO(Qxx): task` comment at the end of `lines`: code may
    stand between the comment and the end (e.g. `grads = {}`); a blank line or an earlier stub may not."""
    for line in reversed(lines):
        stripped = line.strip()
        if not stripped or "NotImplementedError" in stripped:
            return None
        match = TODO.search(stripped)
        if match:
            return match.group(1), match.group(2).strip()
    return None
