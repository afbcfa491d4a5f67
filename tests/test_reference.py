"""The two fixed points of the grader: the reference solution and the untouched skeleton."""
from __future__ import annotations

import re

import pytest

from autograder.engine import GradeConfig, grade
from grading_helpers import CIFAR_CHECKS, SOLUTION, catalogue_ids, describe, quick_check_ids

@pytest.mark.parametrize("check_id", quick_check_ids())
def test_solution_passes_every_quick_check(solution_report, check_id):
    """Does the reference solution earn full marks, with status 'passed', on this check?"""
    [result] = [r for r in solution_report.results if r.check_id == check_id]
    assert result.status == "passed" and result.points == result.max_points, (
        f"{check_id}: {result.points:g}/{result.max_points:g} [{result.status}] {result.feedback}\n"
        f"{result.details}")


def test_solution_report_covers_every_quick_check(solution_report):
    """Does grading the solution return one result for every selected check, in catalogue order?"""
    assert [r.check_id for r in solution_report.results] == quick_check_ids()
    assert solution_report.score == solution_report.max_score, describe(solution_report)


@pytest.mark.cifar
@pytest.mark.slow
def test_solution_reaches_full_marks_at_the_portable_level():
    """Does the reference solution get every point (33/33), both CIFAR-10 trainings included, at
    the portable level (spawned interpreters: the path macOS and Windows take)? The default
    level's quick checks are solution_report's; its trainings are graded by tests/nbgrader."""
    from datasets.paths import npz_path

    if not npz_path().is_file():
        pytest.skip(f"CIFAR-10 is not set up ({npz_path()} does not exist): run `make data`")
    report = grade(SOLUTION, only=None, config=GradeConfig(isolation="portable"))
    assert report.metadata["isolation"]["level"] == "portable"
    assert [r.check_id for r in report.results] == catalogue_ids()
    short = [f"{r.check_id}: {r.points:g}/{r.max_points:g} [{r.status}] {r.feedback}\n{r.details}"
             for r in report.results if r.points != r.max_points]
    assert not short, "\n\n".join(short)
    assert report.score == report.max_score == 33


def test_skeleton_report_covers_the_whole_catalogue(student_report):
    """Does grading the untouched skeleton complete with exactly one result per catalogue check?"""
    assert [r.check_id for r in student_report.results] == catalogue_ids()


def test_skeleton_scores_zero(student_report):
    """Does the untouched skeleton score 0 on every check?"""
    scored = [r for r in student_report.results if r.points != 0]
    assert not scored, describe(student_report)
    assert student_report.score == 0
    assert student_report.max_score > 0


def test_skeleton_dependents_are_skipped_with_a_reason(student_report):
    """Are the CIFAR trainings skipped as dependents (naming the check they wait for), not run?"""
    for check_id in CIFAR_CHECKS:
        [result] = [r for r in student_report.results if r.check_id == check_id]
        assert result.status == "skipped", f"{check_id}: {result.status} {result.feedback}"
        assert result.feedback.startswith("skipped: depends on"), result.feedback


@pytest.mark.parametrize("check_id", ([i for i in catalogue_ids() if i not in CIFAR_CHECKS]))
def test_skeleton_feedback_says_not_implemented(student_report, check_id):
    """Does the skeleton's feedback on this check say 'not implemented yet:' and name the TODO's question?"""
    [result] = [r for r in student_report.results if r.check_id == check_id]
    if result.status == "skipped":
        assert result.feedback.startswith("skipped: depends on")
        return
    assert result.status == "error", f"{check_id}: status {result.status}"
    assert result.feedback.startswith("not implemented yet:"), result.feedback
    assert re.search(r"\bQ[0-4][a-d]?\b", result.feedback), (
        f"{check_id}: the feedback names no question id: {result.feedback}")
