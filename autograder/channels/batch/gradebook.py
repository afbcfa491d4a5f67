"""gradebook.csv: one row per student, every question's points, the total and how it went.

Read from each student's results.json (the grader's own output), never recomputed from anything
a submission printed.
"""
from __future__ import annotations

import csv
from pathlib import Path

from ...catalogue import QUESTIONS
from ..fallback import read_results
from .layouts import Submission


def write(submissions: list[Submission], statuses: dict[str, str], out: Path) -> Path:
    """Write OUT/gradebook.csv and return its path."""
    path = out / "gradebook.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "name", "email", *QUESTIONS, "total", "max", "status"])
        for sub in submissions:
            results = read_results(out / sub.student / "results.json")
            per_question: dict[str, float] = {}  # a question that was not graded stays blank
            maximum = 0.0
            for test in (results or {}).get("tests", []):
                question = test.get("extra_data", {}).get("question")
                if question in QUESTIONS:
                    per_question[question] = per_question.get(question, 0.0) + float(test.get("score", 0.0))
                maximum += float(test.get("max_score", 0.0))
            total = float((results or {}).get("score", 0.0))
            status = statuses.get(sub.student, "missing" if results is None else "graded")
            writer.writerow([sub.student, sub.name, sub.email,
                             *(f"{per_question[q]:g}" if q in per_question else "" for q in QUESTIONS), f"{total:g}", f"{maximum:g}",
                             "skipped (already graded)" if status == "skipped" else status])
    return path
