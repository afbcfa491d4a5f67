"""No points for made-up work, and loops over activations are not finite differences.

Every row of tests/made_up_table.py (uniform or random probabilities, a constant, label-free or
data-free loss, a made-up function with its own derivative, an ndarray subclass that agrees with
everything, error rates in the histories, ...) is graded with the real engine on the checks it
fakes: each must score 0 there, with its reason in the feedback. Two correct files that loop in
Python over the activations or inside a matrix product must lose Q1c (vectorisation) only.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.engine import grade
from autograder.reporters.text import full_text
from grading_helpers import SOLUTION, copy_solution, describe, points, selected
from made_up_table import LOOPED, MADE_UP, MadeUp, toy_gradients
from mutants_table import FILE_QUESTIONS

NET = "two_layer_net.py"
NUMPY_QUESTIONS = FILE_QUESTIONS[NET]  # two_layer_net.py's questions (course.py)


def _submission(folder: Path, row: MadeUp) -> Path:
    copy_solution(folder)
    (folder / NET).write_text(row.source((SOLUTION / NET).read_text(), toy_gradients()))
    return folder


@pytest.mark.parametrize("row", [pytest.param(r, id=r.name) for r in MADE_UP])
def test_made_up_work_earns_nothing(tmp_path, row):
    """Does this made-up submission score 0 on every check it fakes, with the reason in its feedback?"""
    report = grade(_submission(tmp_path / "submission", row), only=list(row.zero))
    summary = f"{row.name}:\n{describe(report)}"
    for selector, phrase in row.zero.items():
        results = selected(report, selector)
        for result in results:
            assert result.points == 0 and result.status != "passed", summary
        said = full_text(results[0])
        assert phrase in said, f"{selector}: expected {phrase!r} in\n{said}"


def test_the_audit_covers_every_question_that_pays_for_upstream_results():
    """Does the family hold at least 12 made-up submissions, faking Q1b, Q1c, Q2d and Q3a's histories?"""
    assert len(MADE_UP) >= 12 and len({r.name for r in MADE_UP}) == len(MADE_UP)
    faked = {selector.split(".")[0] for row in MADE_UP for selector in row.zero}
    assert {"Q1b", "Q1c", "Q2d", "Q3a"} <= faked, faked


@pytest.mark.parametrize("row", [pytest.param(r, id=r.name) for r in LOOPED])
def test_loops_over_activations_cost_vectorisation_only(tmp_path, row):
    """Does a correct loss() with element-wise Python loops lose Q1c only, never Q2d's finite-difference rule?"""
    folder = copy_solution(tmp_path / "submission")
    (folder / NET).write_text(row.source((SOLUTION / NET).read_text(), toy_gradients()))
    report = grade(folder, only=list(NUMPY_QUESTIONS))
    summary = describe(report)
    assert points(report, "Q1c")[0] == 0, summary
    assert "not vectorised" in selected(report, "Q1c")[0].feedback, summary
    for question in NUMPY_QUESTIONS:
        if question != "Q1c":
            got, full = points(report, question)
            assert got == full, f"{question} lost points ({got}/{full})\n{summary}"
