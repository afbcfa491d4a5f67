"""checks/compare.py, checks/diagnose.py, checks/minibatch_rows.py and oracles/known_bugs.py: the
verdicts a check builds from numbers, and the sentences that name a known bug. (Unit tier.)"""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks.cases import all_cases
from autograder.checks.compare import close, first_failure
from autograder.checks.diagnose import describe_schedule, expected_schedule, fitted_steps, name_gradient_bug
from autograder.checks.minibatch_rows import minibatch_problems
from autograder.oracles.known_bugs import gradient_bugs
from autograder.oracles.numerical import relative_error
from autograder.oracles.reference_net import backward
from autograder.outcome import Comparison, Outcome

CASE = all_cases(np.random.RandomState(3))[1]
REG = 0.1


@pytest.mark.parametrize("got, expected, ok, words", [
    (np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]), True, "relative error"),
    (np.array([1.0, 2.0]), np.array([1.0, 2.5]), False, "at index (1,)"),
    (np.array([1.0, np.nan]), np.array([1.0, np.nan]), False, "NaN or inf (first at index (1,))"),
    (np.array([1.0, 2.0]), np.array([1.0, np.inf]), False, "the expected value, built from your other results"),
    (np.ones((2, 2)), np.ones(4), False, "expected shape (4,), got (2, 2)"),
])
def test_close_never_counts_nan_as_a_match(got, expected, ok, words):
    result = close("x", got, expected, 1e-8)
    assert result.ok is ok and words in result.message, result.message


def test_a_verdict_from_comparisons():
    """Does Outcome.judged pay only when every comparison holds, with the first failure as feedback
    and the hint only for a failure?"""
    good, bad = Comparison(True, "a: fine"), Comparison(False, "b: off by 1")
    assert first_failure([good, bad]) is bad and first_failure([good]) is None
    passed = Outcome.judged([good], "all match", hint="never shown")
    failed = Outcome.judged([good, bad], "all match", hint="fix b")
    assert (passed.fraction, passed.feedback, passed.hint) == (1.0, "all match", "")
    assert (failed.fraction, failed.feedback, failed.hint, failed.comparisons) == (0.0, "b: off by 1", "fix b",
                                                                                   [good, bad])


def test_every_known_bug_is_another_gradient_with_a_hint():
    """Does each known backward-pass bug differ from the true gradient, and say how to fix it?"""
    true = backward(CASE.params, CASE.X, CASE.y, REG).grads
    bugs = gradient_bugs(CASE.params, CASE.X, CASE.y, REG)
    assert len({(b.param, b.what) for b in bugs}) == len(bugs) > 20
    for bug in bugs:
        assert bug.hint and bug.what
        differs = bug.grad.shape != true[bug.param].shape or relative_error(bug.grad, true[bug.param])[0] > 1e-6
        assert differs, bug.what


@pytest.mark.parametrize("param, what", [("W1", "without the 2 * reg * W1 term"),
                                         ("W1", "without the ReLU mask"), ("b2", "summed over the classes"),
                                         ("W2", "transpose")])
def test_a_known_bug_is_named(param, what):
    """Is a gradient computed with a known bug named by it, and the true gradient by nothing?"""
    true = backward(CASE.params, CASE.X, CASE.y, REG).grads
    bugs = gradient_bugs(CASE.params, CASE.X, CASE.y, REG)
    [wrong] = [b for b in bugs if b.param == param and what in b.what]
    named = name_gradient_bug(param, wrong.grad, true[param], bugs)
    assert named is not None and what in named.what
    assert name_gradient_bug(param, true[param], true[param], bugs) is None


def test_the_right_values_in_the_wrong_shape_are_named():
    true = backward(CASE.params, CASE.X, CASE.y, REG).grads
    named = name_gradient_bug("b1", true["b1"].reshape(1, -1), true["b1"], [])
    assert named is not None and "wrong shape" in named.what


def _steps(rates: list[float]) -> tuple[list[dict], list[dict]]:
    rng = np.random.RandomState(0)
    params = [{"W": rng.randn(3, 2)}]
    grads = [{"W": rng.randn(3, 2)} for _ in rates]
    for rate, grad in zip(rates, grads):
        params.append({"W": params[-1]["W"] - rate * grad["W"]})
    return params, grads


@pytest.mark.parametrize("rates, words", [
    ([0.3, -0.15, -0.15], "+= instead of -="),
    ([0.3, 0.15, 0.075], "decays every iteration"),
    ([0.3, 0.3, 0.3], "never decays"),
    ([0.0, 0.0, 0.0], "never changes"),
    ([0.3, 0.15, 0.15], ""),
])
def test_the_sgd_schedule_is_diagnosed(rates, words):
    """Does the fitted learning rate of each step name the schedule's mistake (none for the right one)?"""
    schedule = expected_schedule(0.3, 0.5, 3, iterations_per_epoch=2)
    assert schedule == [0.3, 0.15, 0.15]
    if words == "+= instead of -=":
        rates = [-r for r in schedule]
    diagnosis, hint = describe_schedule(fitted_steps(*_steps(rates)), schedule)
    assert words in diagnosis and hint


@pytest.mark.parametrize("draw, words", [
    (lambda rng, i: np.arange(10), "fixed slice"),
    (lambda rng, i: np.arange(10) + 10 * (i % 2), "without replacement"),
    (lambda rng, i: rng.permutation(20)[:10], "replace=False"),
    (lambda rng, i: rng.choice(20, 10), ""),
])
def test_the_way_minibatches_are_drawn_is_named(draw, words):
    rng = np.random.RandomState(0)
    rows = np.concatenate([draw(rng, i) for i in range(40)])
    problems, _ = minibatch_problems(np.full(40, 10), rows, 40, 10, 20)
    assert (words in " ".join(problems)) if words else problems == []
