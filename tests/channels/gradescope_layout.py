"""A faithful /autograder for tests: the real zip unpacked into `source/`, an upload in
`submission/`, `results/`, and the real `run_autograder` run as a process.

Only setup.sh is stood in for: the project's own environment (AUTOGRADER_PYTHON) and its data
folder (HLCV_DATA_DIR) replace what setup.sh installs on Gradescope.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from autograder.channels.gradescope import pack
from datasets.paths import data_dir

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
TOP_FIELDS = {"score": (int, float), "execution_time": (int, float), "output": str, "visibility": str,
              "stdout_visibility": str, "tests": list, "extra_data": dict, "leaderboard": list,
              "output_format": str}
TEST_FIELDS = {"name": str, "number": str, "score": (int, float), "max_score": (int, float),
               "status": str, "output": str, "output_format": str, "visibility": str,
               "extra_data": dict, "tags": list}
FORMATS = ("text", "html", "simple_format", "md", "ansi")


def make_root(base: Path, zip_path: Path) -> Path:
    """base/autograder with source/ (the zip unpacked), an empty submission/ and results/."""
    root = base / "autograder"
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
        for info in zf.infolist():  # extractall drops the modes; Gradescope's unzip keeps them
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    return root


def run_autograder(root: Path, only: str = "", python: str = sys.executable, timeout: float = 300,
                   **variables: str) -> tuple[subprocess.CompletedProcess, dict]:
    """Run root/source/run_autograder as Gradescope would (from root); returns (process, results)."""
    env = {k: v for k, v in os.environ.items() if k not in ("AUTOGRADER_ONLY", "AUTOGRADER_DEADLINE_S")}
    # setup.sh's data folder stands in as the project's own (HLCV_DATA_DIR, else <repo>/data)
    env.update(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=python, HLCV_DATA_DIR=str(data_dir()), **variables)
    if only:
        env["AUTOGRADER_ONLY"] = only
    proc = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, text=True,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    path = root / "results" / "results.json"
    assert path.is_file(), f"no results.json\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    return proc, strict_load(path.read_text())


def strict_load(text: str):
    def refuse(constant: str):
        raise ValueError(f"non-standard JSON constant {constant}")
    return json.loads(text, parse_constant=refuse)


def validate(results: dict) -> None:
    """Gradescope's results.json specification: fields, types, values; score = sum of the tests."""
    for key, value in results.items():
        assert key in TOP_FIELDS or key in ("test_output_format", "test_name_format"), f"unknown field {key}"
        if key in TOP_FIELDS:
            assert isinstance(value, TOP_FIELDS[key]) and not isinstance(value, bool), f"{key}: {value!r}"
    assert "score" in results and "tests" in results and results["tests"], "score and tests are required"
    assert results.get("visibility", "visible") in VISIBILITIES
    assert results.get("stdout_visibility", "hidden") in VISIBILITIES
    for test in results["tests"]:
        for key, value in test.items():
            assert key in TEST_FIELDS or key == "name_format", f"{test.get('name')}: unknown field {key}"
            assert isinstance(value, TEST_FIELDS.get(key, str)) and not isinstance(value, bool), (
                f"{test.get('name')}: {key} = {value!r}")
        assert test["visibility"] in VISIBILITIES and test["status"] in ("passed", "failed")
        assert test.get("output_format", "text") in FORMATS
        assert math.isfinite(test["score"]) and 0 <= test["score"] <= test["max_score"], test
    total = sum(t["score"] for t in results["tests"])
    assert abs(results["score"] - total) < 1e-6, f"score {results['score']} != sum of tests {total}"
    for entry in results.get("leaderboard", []):
        assert set(entry) <= {"name", "value", "order"} and isinstance(entry["name"], str), entry
        assert isinstance(entry["value"], (int, float)) and entry.get("order", "desc") in ("asc", "desc")


def scores_by_question(results: dict) -> dict[str, float]:
    """{question: points} summed over the tests of results.json."""
    totals: dict[str, float] = {}
    for test in results["tests"]:
        question = test["extra_data"].get("question", "?")
        totals[question] = round(totals.get(question, 0.0) + test["score"], 4)
    return totals


def build_zip(folder: Path) -> Path:
    return pack.build(folder / "gradescope-autograder.zip")
