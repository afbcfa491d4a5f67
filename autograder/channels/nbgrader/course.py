"""Names the nbgrader channel shares: the assignment, its notebook, its cells and its files.

The notebook's cells carry nbgrader metadata with these grade ids; the gradebook writer and the
tests find the cells by them. Points come from the catalogue, so a check that changes its points
changes the notebook's test cells too (a test compares them).
"""
from __future__ import annotations

from ...catalogue import all_checks

ASSIGNMENT = "ex2"                 # nbgrader's assignment id (course/source/ex2/)
NOTEBOOK = "exercise2"             # the notebook's name without .ipynb
SUBMISSION_FILES = ("chain_rule.py", "two_layer_net.py", "hyperparams.py", "mlp.py")
# The checks that train on CIFAR-10 (about a minute each). During `nbgrader autograde` the test
# cells leave them to the gradebook writer, which grades outside the student's kernel anyway:
# training them twice would double the grading time for a score the kernel cannot set.
CIFAR_CHECKS = ("Q3b.cifar_accuracy", "Q4b.cifar_accuracy")
# Manually graded cells: grade id -> points. Q3b's report is read by a person but carries no
# points of its own (the catalogue gives Q3b's 5 points to the accuracy the grader measures).
MANUAL_CELLS = {"answer_Q2a": 2.0, "answer_Q2b": 2.0, "answer_Q2c": 6.0, "report_Q3b": 0.0,
                "answer_Q4c": 4.0}


def cell_id_of(question: str) -> str:
    """The grade id of the autograded test cell of `question` ("Q1a" -> "test_Q1a")."""
    return f"test_{question}"


def auto_points() -> dict[str, float]:
    """{question: automatic points} for every question with automatic points, in catalogue order."""
    points: dict[str, float] = {}
    for chk in all_checks():
        if chk.points > 0:
            points[chk.question] = points.get(chk.question, 0.0) + chk.points
    return points


def check_ids(question: str, with_cifar: bool = True) -> list[str]:
    """The ids of `question`'s checks, with or without the CIFAR-10 trainings."""
    return [c.id for c in all_checks()
            if c.question == question and (with_cifar or c.id not in CIFAR_CHECKS)]


def quick_check_ids() -> list[str]:
    """Every check id except the CIFAR-10 trainings."""
    return [c.id for c in all_checks() if c.id not in CIFAR_CHECKS]
