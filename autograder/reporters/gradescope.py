"""Gradescope's results.json (see Gradescope's autograder specification), from the one report."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..catalogue import QUESTIONS
from ..results import CheckResult, GradeReport

STATUS = {"passed": "passed"}  # everything else is shown as failed; partial credit keeps its score


def to_dict(report: GradeReport) -> dict:
    """The results.json object: top-level score and tests with per-question extra_data."""
    order = {q: i for i, q in enumerate(QUESTIONS)}
    tests = []
    for number, result in enumerate(report.results, 1):
        tests.append({
            "name": f"{result.question}: {result.title}",
            "number": f"{order.get(result.question, 99)}.{number}",
            "score": result.points,
            "max_score": result.max_points,
            "status": STATUS.get(result.status, "failed"),
            "output": _output(result),
            "output_format": "text",
            "visibility": result.visibility,
            "extra_data": {"question": result.question, "check": result.check_id,
                           "outcome": result.status, "duration_s": result.duration_s,
                           **_finite(result.data)},
        })
    return {
        "score": report.score,
        "execution_time": round(report.execution_time_s, 2),
        "output": f"Total {report.score:g}/{report.max_score:g}. " + "  ".join(
            f"{q} {p:g}/{m:g}" for q, (p, m) in report.question_scores().items()),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"metadata": _finite(report.metadata), "max_score": report.max_score,
                       "isolation": _finite(report.metadata.get("isolation")),
                       "grader_errors": [r.check_id for r in report.results if r.status == "grader_error"]},
    }


def write(report: GradeReport, path: Path) -> Path:
    """Write results.json atomically; strict JSON (no NaN or Infinity)."""
    text = json.dumps(to_dict(report), indent=2, allow_nan=False, ensure_ascii=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text + "\n")
    os.replace(tmp, path)
    return path


def write_fallback(path: Path, max_score: float) -> Path:
    """A minimal valid results.json for when the reporter itself fails: 0 points, one test that
    tells the student it is not their fault (built from literals only, so it cannot fail the same way)."""
    text = json.dumps({"score": 0.0, "output": "autograder error (not your fault): please tell the course staff",
                       "stdout_visibility": "hidden",
                       "tests": [{"name": "autograder error (not your fault)", "score": 0.0,
                                  "max_score": float(max_score), "status": "failed", "visibility": "visible",
                                  "output": "The grader failed while writing your results; please tell the "
                                            "course staff. Your submission was not the cause."}]})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _output(result: CheckResult) -> str:
    """The feedback, its hint (or note, when passed) and the details, for passed checks too."""
    text = result.feedback
    if result.hint:
        text += ("\nNote: " if result.status == "passed" else "\nHint: ") + result.hint
    if result.details:
        text += "\n\n" + result.details
    return text


def _finite(data):
    """extra_data with every non-finite float replaced by None, so the JSON stays strict."""
    if isinstance(data, dict):
        return {str(k): _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    if isinstance(data, float) and (data != data or data in (float("inf"), float("-inf"))):
        return None
    if isinstance(data, (str, int, float, bool)) or data is None:
        return data
    return str(data)
