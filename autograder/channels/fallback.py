"""results.json for the channels: the grader's file read back strictly, written atomically, and
the "autograder error, not your fault" result for when the grader left none."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

GRADER_ERROR = ("Autograder error, not your fault: the grader itself failed while grading this "
                "submission. Please contact the course staff; they can see what went wrong.")


def fallback_results(elapsed: float = 0.0, reason: str = "grader_error") -> dict:
    """A valid results.json worth 0 points that asks the student for nothing."""
    return {"score": 0.0, "execution_time": round(elapsed, 2), "output": GRADER_ERROR,
            "visibility": "visible", "stdout_visibility": "hidden",
            "tests": [{"name": "Autograder error (not your fault)", "number": "0.0", "score": 0.0,
                       "max_score": 0.0, "status": "failed", "output": GRADER_ERROR,
                       "output_format": "text", "visibility": "visible",
                       "extra_data": {"outcome": "grader_error"}}],
            "extra_data": {"grader_error": reason}}


def read_results(path: Path) -> dict | None:
    """The grader's results.json, or None when it is missing, not strict JSON or not its shape."""
    def refuse(constant: str):
        raise ValueError(f"non-standard JSON constant {constant}")
    try:
        results = json.loads(path.read_text(), parse_constant=refuse)
    except (OSError, ValueError):
        return None
    if not isinstance(results, dict) or not isinstance(results.get("tests"), list):
        return None
    return results


def write_json(results: dict, path: Path, mode: int = 0o644) -> None:
    """Atomic strict JSON (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-")
    with os.fdopen(handle, "w") as out:
        json.dump(results, out, indent=2, allow_nan=False, ensure_ascii=True)
        out.write("\n")
    os.chmod(tmp, mode)
    os.replace(tmp, path)
