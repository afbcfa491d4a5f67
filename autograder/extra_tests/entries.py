"""results.json entries for the instructor's tests (light: run_autograder's own process imports it
to fail every test when the tests' process could not run)."""
from __future__ import annotations

from pathlib import Path

from ..results import printable
from . import manifest as manifest_file

MAX_OUTPUT = 5000          # characters of a test's output kept in results.json
NUMBER_BASE = 99           # "99.k" for a test without @number: after the harness's checks on Gradescope


def failed_entries(folder: Path, reason: str) -> dict:
    """Every test of the folder as failed with `reason` (the runner's process itself failed)."""
    manifest = manifest_file.read(folder)
    return {"tests": [entry(t, n, 0.0, float(t["weight"] or 0.0), "grader_error", reason)
                      for n, t in enumerate(manifest["tests"], 1)], "leaderboard": []}


def entry(test: dict, number: int, score: float, weight: float, outcome: str, output: str,
          seconds: float = 0.0) -> dict:
    """One results.json test for a manifest test: its name, number and visibility from the manifest."""
    result = {"name": printable(test["name"]), "number": str(test["number"] or f"{NUMBER_BASE}.{number}"),
             "score": round(score, 4), "max_score": weight, "status": "passed" if outcome == "passed" else "failed",
             "output": printable(output)[-MAX_OUTPUT:], "output_format": "text",
             "visibility": test["visibility"] or "visible",
             "extra_data": {"question": "instructor", "check": f"instructor.{test['id']}", "outcome": outcome,
                            "duration_s": round(seconds, 3)}}
    if test["tags"]:
        result["tags"] = [str(t) for t in test["tags"]]
    return result
