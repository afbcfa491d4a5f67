"""results.py, the engine's clamping and reporters/text.py: points stay in [0, max] whatever a check
returns, the model survives its JSON round trip, and every reporter reads the same structured
fields. (Unit tier: a check is run in process, without a child.)"""
from __future__ import annotations

import json
import math

import pytest

from autograder.catalogue import Check
from autograder.engine import GradeConfig, _run_check
from autograder.outcome import Comparison, Outcome
from autograder.reporters import gradescope, terminal
from autograder.reporters.text import explanation, full_text, hint_line
from autograder.results import CheckResult, GradeReport, clamp_points, printable, report_from_dict, report_to_dict


@pytest.mark.parametrize("points, expected", [
    (1.5, 1.5), (-1.0, 0.0), (9.0, 2.0), (float("nan"), 0.0), (float("inf"), 0.0), ("junk", 0.0), (None, 0.0),
    (1.23456789, 1.2346),
])
def test_points_are_clamped_to_a_finite_range(points, expected):
    assert clamp_points(points, 2.0) == expected


def _check(fraction) -> Check:
    return Check("Q0.fake", "Q0", 2.0, "a fake check", ("chain_rule.py",), 20.0, "visible", (),
                 lambda ctx: Outcome(fraction, "said", comparisons=[Comparison(True, "x: fine")], notes=["n"]))


@pytest.mark.parametrize("fraction, points, status", [
    (1.7, 2.0, "passed"), (-3.0, 0.0, "failed"), (0.25, 0.5, "partial"), (float("nan"), 0.0, "failed"),
])
def test_the_engine_clamps_what_a_check_returns(tmp_path, fraction, points, status):
    """Does a check that returns more than all, less than nothing or NaN get points in [0, max]?"""
    (tmp_path / "chain_rule.py").write_text("")
    result, _ = _run_check(tmp_path, _check(fraction), GradeConfig(), session=None, warm_oracles=lambda: None)
    assert (result.points, result.status) == (points, status), result
    assert result.comparisons == [Comparison(True, "x: fine")] and result.notes == ["n"]


def test_a_missing_file_is_the_students_error(tmp_path):
    result, _ = _run_check(tmp_path, _check(1.0), GradeConfig(), session=None, warm_oracles=lambda: None)
    assert result.status == "error" and "missing file chain_rule.py" in result.feedback


def test_the_model_keeps_its_structure_through_json():
    result = CheckResult("Q1a.x", "Q1a", "title", 1.5, 1.5, "passed", "fine", "measured \ud800",
                         hint="a note", comparisons=[Comparison(True, "probs: relative error 1e-16", 1e-16),
                                                     Comparison(False, "nan one")], notes=["credited"])
    report = GradeReport("sub", [result], metadata={"manual_points": {}})
    back = report_from_dict(json.loads(json.dumps(report_to_dict(report), default=str)))
    assert back.results[0].comparisons[0] == result.comparisons[0] and back.results[0].notes == ["credited"]
    assert math.isnan(back.results[0].comparisons[1].error)
    assert "\ud800" not in result.details and printable("a\x00b") == "a\ufffdb"
    with pytest.raises(ValueError):
        CheckResult("Q1a.x", "Q1a", "t", 1.0, 1.0, "fine", "f")


def test_every_reporter_renders_the_same_fields():
    """Do the table (-v), results.json and the shared text show the comparisons, notes and hint?"""
    failed = CheckResult("Q1b.x", "Q1b", "the loss", 2.0, 0.0, "failed", "loss off", "extra line",
                         hint="average over N", comparisons=[Comparison(False, "loss: relative error 0.5")],
                         notes=["something credited"])
    report = GradeReport("sub", [failed])
    assert hint_line(failed) == "Hint: average over N"
    assert explanation(failed) == "FAIL loss: relative error 0.5\nextra line\nNote: something credited"
    assert full_text(failed).startswith("loss off\nHint: average over N\nFAIL loss")
    table = terminal.render(report, verbose=True)
    output = gradescope.to_dict(report)["tests"][0]["output"]
    for text in ("FAIL loss: relative error 0.5", "Note: something credited", "average over N"):
        assert text in table and text in output
