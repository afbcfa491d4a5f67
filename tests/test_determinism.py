"""The same submission graded twice gets the same grade."""
from __future__ import annotations

from autograder.engine import GradeConfig, grade
from grading_helpers import SOLUTION, describe

ONLY = ["Q1a", "Q1b", "Q2d", "Q3a"]


def test_grading_the_solution_twice_gives_identical_points():
    """Does grading the solution twice (Q1a, Q1b, Q2d, Q3a) give identical points, statuses and
    feedback for every check?"""
    first = grade(SOLUTION, only=ONLY, config=GradeConfig())
    second = grade(SOLUTION, only=ONLY, config=GradeConfig())
    assert [r.check_id for r in first.results] == [r.check_id for r in second.results]
    for a, b in zip(first.results, second.results):
        assert (a.points, a.status) == (b.points, b.status), f"{a.check_id}\n{describe(first)}\n{describe(second)}"
        assert a.feedback == b.feedback, f"{a.check_id}: {a.feedback!r} != {b.feedback!r}"
    assert first.score == second.score == first.max_score


def test_one_worker_and_two_workers_agree():
    """Does the number of workers leave every check's points unchanged?"""
    serial = grade(SOLUTION, only=["Q1b", "Q3a"], config=GradeConfig(workers=1))
    parallel = grade(SOLUTION, only=["Q1b", "Q3a"], config=GradeConfig(workers=2))
    assert [(r.check_id, r.points, r.feedback) for r in serial.results] == \
           [(r.check_id, r.points, r.feedback) for r in parallel.results]


def test_another_seed_draws_other_hidden_cases_and_still_passes():
    """Does a different base seed still give the reference full marks on the hidden-case checks?"""
    report = grade(SOLUTION, only=["Q1a.hidden_probabilities", "Q1b.hidden_loss", "Q2d"],
                   config=GradeConfig(seed=12345))
    assert report.score == report.max_score, describe(report)
