"""Gradings that several test modules read: each submission is graded once per session.

The grading parent runs its checks in threads; one thread may start a probe (subprocess with a
preexec_fn, so a fork) while another multiplies matrices with numpy. A multi-threaded OpenBLAS
shuts its thread pool down in its fork handler, and a product already in flight then waits for
it forever: the grade hangs (seen here in Q1c's parent-side case generation). Until the grader
pins the parent's BLAS to one thread itself, the test session does, before numpy is imported, so
that the suite cannot hang; the probes' children get one thread from the grader anyway.
"""
from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import pytest  # noqa: E402

from autograder.engine import GradeConfig, grade  # noqa: E402
from grading_helpers import SOLUTION, STUDENT, quick_check_ids  # noqa: E402


@pytest.fixture(scope="session")
def solution_report():
    """The reference solution graded on every check except the CIFAR-10 trainings."""
    return grade(SOLUTION, only=quick_check_ids(), config=GradeConfig())


@pytest.fixture(scope="session")
def student_report():
    """The untouched skeleton graded on the whole catalogue (its CIFAR checks are skipped as
    dependents of the toy checks, so this stays quick whether or not the data is set up)."""
    return grade(STUDENT, only=None, config=GradeConfig())
