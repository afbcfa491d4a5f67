"""Names the nbgrader channel shares: the assignment, its notebook, its cells and its files.

The notebook's cells carry nbgrader metadata with these grade ids; the gradebook writer and the
tests find the cells by them. Files, points and the CIFAR-10 checks come from the course's
registry (autograder/course.py), which also sets the notebook's graded cells (`make student`: assign_notebook.py).
"""
from __future__ import annotations

from ...course import COURSE
from ...registry import test_cell as cell_id_of  # noqa: F401  (the channel's name for it: "Q1a" -> "test_Q1a")

ASSIGNMENT = "ex2"                 # nbgrader's assignment id (course/source/ex2/)
NOTEBOOK = COURSE.notebook.removesuffix(".ipynb")  # the notebook's name without .ipynb
SUBMISSION_FILES = COURSE.submission_files()
# The checks that train on CIFAR-10 (about a minute each). During `nbgrader autograde` the test
# cells leave them to the gradebook writer, which grades outside the student's kernel anyway:
# training them twice would double the grading time for a score the kernel cannot set.
CIFAR_CHECKS = COURSE.cifar_check_ids()


def auto_points() -> dict[str, float]:
    """{question: automatic points} for every question with automatic points, in the course's order."""
    return COURSE.auto_points()


def check_ids(question: str, with_cifar: bool = True) -> list[str]:
    """The ids of `question`'s checks, with or without the CIFAR-10 trainings."""
    return [i for i in COURSE.question(question).check_ids if with_cifar or i not in CIFAR_CHECKS]


def quick_check_ids() -> list[str]:
    """Every check id except the CIFAR-10 trainings."""
    return list(COURSE.quick_check_ids())
