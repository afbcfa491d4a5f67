"""A grader failure is never the student's problem and never leaks: caused for real (a damaged data
file, an unusable temporary folder, an isolation level the machine lacks), run through the CLI."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from grading_helpers import REPO, SOLUTION, strict_json

NOT_YOUR_FAULT = "autograder error (not your fault)"


def _grade(tmp_path, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, dict]:
    results = tmp_path / "out" / "results.json"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SOLUTION), "--results",
                           str(results), "--report", str(tmp_path / "report"), "--no-html", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    assert results.is_file(), f"no results.json:\n{done.stdout}\n{done.stderr}"
    return done, strict_json(results.read_text())


def _assert_valid(results: dict) -> None:
    assert abs(results["score"] - sum(t["score"] for t in results["tests"])) < 1e-9
    for test in results["tests"]:
        assert 0 <= test["score"] <= test["max_score"] and test["visibility"] == "visible"
        assert "Traceback" not in test["output"], f"a traceback reaches students: {test['output']}"


def test_error_inside_a_check_costs_nothing_and_leaks_nothing(tmp_path):
    """With a damaged data file, is Q3b an 'autograder error (not your fault)' entry without a
    traceback for the student, the traceback on stdout for the staff, Q0 still graded, exit 0?"""
    data = tmp_path / "data" / "cifar10"
    data.mkdir(parents=True)
    (data / "cifar10.npz").write_bytes(b"PK\x03\x04 not really a zip file")
    done, results = _grade(tmp_path, "--only", "Q0,Q3b", HLCV_DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 0, done.stdout + done.stderr
    _assert_valid(results)
    by_check = {t["extra_data"]["check"]: t for t in results["tests"]}
    assert NOT_YOUR_FAULT in by_check["Q3b.cifar_accuracy"]["output"]
    assert by_check["Q3b.cifar_accuracy"]["score"] == 0
    assert all(t["status"] == "passed" for c, t in by_check.items() if c.startswith("Q0"))
    assert results["extra_data"]["grader_errors"] == ["Q3b.cifar_accuracy"]
    assert "for the course staff" in done.stdout and "Traceback" in done.stdout


def test_error_outside_the_checks_still_writes_results(tmp_path):
    """When the grader cannot start its sandbox (namespaces asked for, bubblewrap not on PATH), is
    there still a valid results.json with every selected check 'not your fault', and exit code 3?"""
    done, results = _grade(tmp_path, "--only", "Q0,Q1a", "--isolation", "namespaces",
                           PATH=str(tmp_path / "empty-path"))
    assert done.returncode == 3, done.stdout + done.stderr
    _assert_valid(results)
    assert {t["extra_data"]["question"] for t in results["tests"]} == {"Q0", "Q1a"}
    assert all(NOT_YOUR_FAULT in t["output"] and t["score"] == 0 for t in results["tests"])
    assert "bubblewrap" in done.stderr and "for the course staff" in done.stdout


def test_report_failure_keeps_results(tmp_path):
    """When the HTML report cannot be written (its folder is a file), are the scores and results.json
    still complete, and does the CLI exit 3 with the reason for the staff?"""
    (tmp_path / "report-is-a-file").write_text("")
    results = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(SOLUTION), "--only", "Q0",
                           "--results", str(results), "--report", str(tmp_path / "report-is-a-file")],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3 and "for the course staff: the HTML report failed" in done.stdout
    data = strict_json(results.read_text())
    _assert_valid(data)
    assert data["score"] == 2.0


@pytest.mark.skipif(os.geteuid() == 0, reason="the 'user' level exists for root; this checks its refusal")
def test_unavailable_level_is_refused_with_results(tmp_path):
    """Does asking for the 'user' level without root exit 3 with a message and a valid results.json?"""
    done, results = _grade(tmp_path, "--only", "Q0", "--isolation", "user")
    assert done.returncode == 3 and "root" in done.stderr
    _assert_valid(results)
