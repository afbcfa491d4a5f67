"""Gradings that several test modules read: each submission is graded once per session.

(The grading parent pins its own BLAS to one thread in autograder/__init__.py: a multi-threaded
OpenBLAS in a process that starts children from several threads could hang a fork.)
"""
from __future__ import annotations

import pytest

from autograder.engine import GradeConfig, grade
from grading_helpers import SOLUTION, STUDENT, quick_check_ids


@pytest.fixture(scope="session")
def solution_report():
    """The reference solution graded on every check except the CIFAR-10 trainings."""
    return grade(SOLUTION, only=quick_check_ids(), config=GradeConfig())


@pytest.fixture(scope="session")
def student_report():
    """The untouched skeleton graded on the whole catalogue (its CIFAR checks are skipped as
    dependents of the toy checks, so this stays quick whether or not the data is set up)."""
    return grade(STUDENT, only=None, config=GradeConfig())
