"""The grader's reference net and its recognised mistakes, the recognisers built on it, and the
type gates every probe result passes (quick: no grading, no child process)."""
from __future__ import annotations

import numpy as np
import pytest

from autograder.checks.cases import all_cases, hidden_case, toy_case
from autograder.checks.compare import close, plain
from autograder.checks.upstream import LossSamples, recognise_loss, recognise_probabilities
from autograder.oracles import torch_oracle
from autograder.oracles.numerical import STEP, gradient_from_perturbations, numerical_gradient, perturbations
from autograder.oracles.reference_net import (DATA_LOSS_MISTAKES, FORWARD_MISTAKES, PENALTY_MISTAKES, Variant,
                                              backward, forward, loss, loss_variants, variant_losses)
from autograder.sandbox import ProbeFailure
from autograder.sandbox.probes import StudentFailure, as_array, as_float
from autograder.sandbox.probes.loss_evaluations import EvaluationCounter

CASES = all_cases(np.random.RandomState(0))
MISTAKES = {m.key: m for m in FORWARD_MISTAKES + DATA_LOSS_MISTAKES + PENALTY_MISTAKES}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_exact_net_agrees_with_torch_autograd(case):
    """Do the reference net's probabilities, loss and gradients equal torch autograd's (float64)?"""
    truth = torch_oracle.two_layer_net(case.params, case.X, case.y, 0.1)
    assert close("probs", forward(case.params, case.X).probs, truth["probs"], 1e-12).ok
    assert abs(loss(case.params, case.X, case.y, 0.1) - truth["loss"]) < 1e-12
    grads = backward(case.params, case.X, case.y, 0.1).grads
    for name, value in truth["grads"].items():
        assert close(name, grads[name], value, 1e-10).ok, name


def test_every_recognised_mistake_is_a_different_result():
    """Does each mistake change the probabilities or the loss of a net with non-zero biases?"""
    case = CASES[1]
    exact_probs, exact = forward(case.params, case.X).probs, loss(case.params, case.X, case.y, 0.1)
    for mistake in FORWARD_MISTAKES:
        probs = forward(case.params, case.X, mistake).probs
        if mistake.key == "no_max_shift":  # the same values, until the scores are huge
            huge = dict(case.params, W2=case.params["W2"] * 1e4)
            assert not np.all(np.isfinite(forward(huge, case.X, mistake).probs))
        else:
            assert not np.allclose(probs, exact_probs), mistake.key
    for mistake in DATA_LOSS_MISTAKES:
        assert abs(loss(case.params, case.X, case.y, 0.1, Variant(data_loss=mistake)) - exact) > 1e-3, mistake.key
    for mistake in PENALTY_MISTAKES:
        assert abs(loss(case.params, case.X, case.y, 0.1, Variant(penalty=mistake)) - exact) > 1e-3, mistake.key


def test_variant_losses_share_work_but_not_results():
    """Does variant_losses() give each variant's loss(), with the exact loss first in the list?"""
    case = CASES[2]
    variants = loss_variants()
    assert variants[0].exact and len(variants) == len(set(variants))
    values = variant_losses(case.params, case.X, case.y, 0.1, variants)
    for variant in variants[::7]:
        expected = loss(case.params, case.X, case.y, 0.1, variant)
        assert values[variant] == expected or (np.isnan(values[variant]) and np.isnan(expected)), variant.describe()


def _samples(f, case, reg, other_X, other_y) -> LossSamples:
    """A student's loss values at Q2d's points, from the function f(params, X, y)."""
    pairs = [(f(plus, case.X, case.y), f(minus, case.X, case.y)) for _, _, plus, minus in perturbations(case.params, STEP)]
    return LossSamples(f(case.params, case.X, case.y), np.array([p for p, _ in pairs]), np.array([m for _, m in pairs]),
                       f(case.params, other_X, case.y), f(case.params, case.X, other_y))


def test_a_loss_with_a_known_mistake_is_recognised_with_its_gradient():
    """Is the loss without b2 and with a halved penalty recognised, and its gradient the centred differences?"""
    case, reg = CASES[1], 0.1
    other_X, other_y = 0.5 * case.X[::-1], (case.y + 1) % 4
    variant = Variant(MISTAKES["no_b2"], None, MISTAKES["halved"])
    samples = _samples(lambda p, X, y: loss(p, X, y, reg, variant), case, reg, other_X, other_y)
    match = recognise_loss(samples, case.params, case.X, case.y, reg, other_X, other_y)
    assert match.variant == variant and match.variant.questions() == "Q1a and Q1b"
    assert np.allclose(match.numeric["b2"], 0.0)  # this loss does not use b2


@pytest.mark.parametrize("made_up, reason", [
    (lambda p, X, y: 0.7, "the same number whatever"),
    (lambda p, X, y: np.sum(p["W1"] ** 2) + np.sum(X), "does not depend on the labels y"),
    (lambda p, X, y: 3 * loss(p, X, y, 0.1), "neither the exercise's loss nor"),
])
def test_a_made_up_loss_is_not_recognised_and_says_why(made_up, reason):
    """Does a loss the grader cannot reproduce get no variant and a reason naming what it ignores?"""
    case = CASES[0]
    other_X, other_y = 0.5 * case.X[::-1], (case.y + 1) % 3
    match = recognise_loss(_samples(made_up, case, 0.1, other_X, other_y), case.params, case.X, case.y, 0.1,
                           other_X, other_y)
    assert match.variant is None and reason in match.reason, match.reason


def test_probabilities_of_a_mistake_are_recognised_but_uniform_ones_are_not():
    """Are no-b2 probabilities recognised, and uniform ones not, even where a known mistake gives them?"""
    case = CASES[1]
    assert recognise_probabilities(forward(case.params, case.X, MISTAKES["no_b2"]).probs, case.params,
                                   case.X).mistake.key == "no_b2"
    toy = toy_case()  # every toy score is negative: a ReLU on the scores makes them uniform
    assert np.allclose(forward(toy.params, toy.X, MISTAKES["relu_on_scores"]).probs, 1 / 3)
    match = recognise_probabilities(np.full((5, 3), 1 / 3), toy.params, toy.X)
    assert match.mistake is None and "the same for every sample" in match.reason


def test_centred_differences_keep_the_order_of_the_perturbations():
    """Does gradient_from_perturbations() put each difference back where perturbations() took it?"""
    case = hidden_case(np.random.RandomState(3), (4, 3, 5, 2), "small")
    f = lambda p: loss(p, case.X, case.y, 0.1)  # noqa: E731
    pairs = [(f(plus), f(minus)) for _, _, plus, minus in perturbations(case.params, STEP)]
    grads = gradient_from_perturbations(case.params, np.array([p for p, _ in pairs]), np.array([m for _, m in pairs]))
    W2 = case.params["W2"]
    expected = numerical_gradient(lambda w: loss(dict(case.params, W2=w), case.X, case.y, 0.1), W2)
    assert np.allclose(grads["W2"], expected, rtol=0, atol=1e-12)


class Sub(np.ndarray):
    def __eq__(self, other):
        return True


def test_the_child_refuses_subclasses_objects_and_booleans_with_a_clear_message():
    """Does as_array() turn numbers into plain float64 arrays and refuse everything else by name?"""
    assert type(as_array(np.arange(3, dtype=np.float32), "x")) is np.ndarray
    assert as_array(np.arange(3), "x").dtype == np.float64 and as_float(np.float32(2.5), "x") == 2.5
    for value, words in ((np.zeros(3).view(Sub), "subclass of np.ndarray"),
                         (np.array([1, "x"], dtype=object), "dtype object"),
                         (np.array([True]), "dtype bool"), (True, "bool"), ("1.0", "str")):
        with pytest.raises(StudentFailure, match=words):
            as_array(value, "grads['W1']")


def test_the_parent_checks_type_and_shape_before_comparing():
    """Does plain() (and so close()) refuse a subclass, an object array or a wrong shape as the student's failure?"""
    assert plain(np.arange(4).reshape(2, 2), "x", (2, 2)).dtype == np.float64
    for value, shape in ((np.zeros(3).view(Sub), None), (np.array([None]), None), (np.zeros(3), (3, 1))):
        with pytest.raises(ProbeFailure):
            plain(value, "probs", shape)
    with pytest.raises(ProbeFailure):
        close("probs", np.zeros(3).view(Sub), np.zeros(3), 1e-9)


def test_loss_evaluations_are_counted_and_numpy_restored():
    """Does the counter see np.exp/np.log calls (and ufunc methods still work), then give numpy back?"""
    exp = np.exp
    with EvaluationCounter() as counter:
        np.log(np.exp(np.ones(3)))
        assert np.logaddexp.reduce(np.zeros(2)) == np.log(2.0)
    assert counter.calls == 4 and np.exp is exp
