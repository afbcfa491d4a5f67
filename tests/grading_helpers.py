"""Helpers the harness's tests share: build submissions in a temporary folder, read a report back.

Nothing here imports student code or mocks the grader: the tests call the real engine
(`autograder.engine.grade`) on real folders, and these helpers only prepare the folders and
summarise the GradeReport the engine returns.
"""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Iterable

from autograder.catalogue import all_checks
from autograder.course import COURSE
from autograder.paths import REPO_ROOT
from autograder.reporters import gradescope
from autograder.results import STATUSES, GradeReport

REPO = REPO_ROOT
SOLUTION = REPO / "solution"
STUDENT = REPO / "student"
SUBMISSION_PY = COURSE.submission_files()
# The checks that train on the real CIFAR-10 data: never graded by the quick tests, because they
# take minutes once the data is set up and say "not set up" before.
CIFAR_CHECKS = COURSE.cifar_check_ids()


def catalogue_ids() -> list[str]:
    """Every check id of the catalogue, in catalogue order."""
    return [c.id for c in all_checks()]


def quick_check_ids() -> list[str]:
    """Every check id except the CIFAR-10 trainings."""
    return list(COURSE.quick_check_ids())


def copy_solution(target: Path, leave_out: Iterable[str] = ()) -> Path:
    """A submission folder at `target` holding copies of solution/*.py (minus `leave_out`)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SUBMISSION_PY:
        if name not in leave_out:
            shutil.copyfile(SOLUTION / name, target / name)
    return target


def mutate(folder: Path, file: str, replacements: list[tuple[str, str]]) -> None:
    """Apply textual (old -> new) replacements to folder/file; each old snippet must occur once.

    The once-only rule makes a mutation test fail loudly when solution/ changes under it, instead
    of silently grading an unmutated copy.
    """
    path = folder / file
    text = path.read_text()
    for old, new in replacements:
        count = text.count(old)
        assert count == 1, (f"mutation snippet occurs {count} times in solution/{file} (expected "
                            f"exactly once); update the mutation to the current solution:\n{old}")
        text = text.replace(old, new)
    path.write_text(text)


def selected(report: GradeReport, selector: str):
    """The results of `selector`: a question id ("Q1b") or a check id ("Q1b.toy_loss")."""
    found = [r for r in report.results if selector in (r.question, r.check_id)]
    assert found, f"{selector} was not graded; graded: {[r.check_id for r in report.results]}"
    return found


def points(report: GradeReport, selector: str) -> tuple[float, float]:
    """(points, max points) of a question or a check in `report`."""
    results = selected(report, selector)
    return round(sum(r.points for r in results), 4), round(sum(r.max_points for r in results), 4)


def describe(report: GradeReport) -> str:
    """One line per check, for assertion messages."""
    return "\n".join(f"  {r.check_id}: {r.points:g}/{r.max_points:g} [{r.status}] {r.feedback}"
                     for r in report.results)


def strict_json(text: str):
    """json.loads that refuses NaN, Infinity and -Infinity (Gradescope's parser does too)."""
    def refuse(constant: str):
        raise ValueError(f"non-standard JSON constant {constant}")
    return json.loads(text, parse_constant=refuse)


def write_results(report: GradeReport, folder: Path) -> dict:
    """Write results.json with the real Gradescope reporter and read it back strictly."""
    path = gradescope.write(report, folder / "results.json")
    return strict_json(path.read_text())


def assert_complete_and_bounded(report: GradeReport, expected_ids: list[str]) -> None:
    """Exactly one result per selected check, each with a valid status and points in [0, max]."""
    ids = [r.check_id for r in report.results]
    assert sorted(ids) == sorted(expected_ids), f"checks graded {ids}, expected {expected_ids}"
    for r in report.results:
        assert r.status in STATUSES, f"{r.check_id}: unknown status {r.status!r}"
        assert math.isfinite(r.points) and 0.0 <= r.points <= r.max_points, (
            f"{r.check_id}: {r.points} points outside [0, {r.max_points}]")
        assert r.feedback.strip(), f"{r.check_id}: empty feedback"
        if r.status == "passed":
            assert r.points == r.max_points, f"{r.check_id}: passed with {r.points}/{r.max_points}"
