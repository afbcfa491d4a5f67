"""Run the instructor's tests on one submission, each in a sandboxed child, and turn what comes
back into results.json tests and leaderboard entries.

What the manifest says (weight, visibility, number, name, leaderboard column) is taken from the
manifest; what the child says is only whether the test passed, its partial score (clamped to
[0, weight]), its output and its leaderboard value. A child that times out, crashes or runs out
of memory fails its own test with the reason, and every other test still runs.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

from ..catalogue import all_checks
from ..engine import GradeConfig, Sandbox
from ..results import printable
from ..sandbox import Limits, ProbeFailure, run_probe
from ..sandbox.exchange import InstructorTest
from . import manifest as manifest_file
from .entries import entry

LIMITS = Limits(wall_s=60.0, memory_mb=3072)  # per test; room for a test that imports torch


def run_all(submission: Path, folder: Path, config: GradeConfig) -> dict:
    """{"tests": [...], "leaderboard": [...]} for every test of the packed folder."""
    manifest = manifest_file.read(folder)
    files = tuple(sorted({name for chk in all_checks() for name in chk.files}))  # every submission file
    tests, board = [], []
    with Sandbox(config) as sandbox:
        for number, test in enumerate(manifest["tests"], 1):
            started = time.monotonic()
            report, failure = {}, None
            try:
                run = run_probe(submission, files, "instructor_tests.run_one",
                                InstructorTest(manifest["texts"], test["id"]),
                                LIMITS.scaled(wall_s=LIMITS.wall_s * config.time_scale), threads=config.threads_per_probe,
                                launcher=sandbox.launcher, isolation=sandbox.isolation, work_root=sandbox.work_root)
                report = run.outputs.report
            except ProbeFailure as exc:
                failure = exc
            result, column = merge(test, number, report, failure, time.monotonic() - started)
            tests += [result] if result else []
            board += [column] if column else []
    return {"tests": tests, "leaderboard": board}


def merge(test: dict, number: int, report: dict, failure: ProbeFailure | None,
          seconds: float = 0.0) -> tuple[dict | None, dict | None]:
    """(results.json test or None, leaderboard entry or None) for one manifest test."""
    if test["leaderboard"]:
        value = _leaderboard_value(report)
        if failure is None and value is not None:
            return None, {"name": test["leaderboard"], "value": value, "order": test["order"]}
        why = failure.message if failure else "the test set no leaderboard value"
        return entry(test, number, 0.0, 0.0, "failed", f"Leaderboard value not measured: {why}", seconds), None
    weight = float(test["weight"] or 0.0)
    child = next(iter(report.get("tests") or []), None) if isinstance(report, dict) else None
    if failure is not None or not isinstance(child, dict):
        reason = failure.message if failure else "the test reported no result"
        return entry(test, number, 0.0, weight, failure.kind if failure else "error",
                      f"Test could not finish: {reason}", seconds), None
    passed = child.get("status") == "passed"
    score = child.get("score", weight if passed else 0.0)
    score = min(max(float(score), 0.0), weight) if _is_number(score) else 0.0
    output = str(child.get("output", "") or "")
    outcome = "passed" if passed and score >= weight - 1e-9 else "failed"
    if outcome == "failed" and test["hide_errors"]:
        output = str(test["hide_errors"])
    return entry(test, number, score, weight, outcome, output, seconds), None


def _leaderboard_value(report: dict):
    for item in (report.get("leaderboard") or []) if isinstance(report, dict) else []:
        value = item.get("value") if isinstance(item, dict) else None
        if _is_number(value):
            return value
        if isinstance(value, str):
            return printable(value)[:100]
    return None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
