"""Credit past a wrong upstream result pays only for the exercise's quantity with recognised mistakes.

Q1b credits a loss that is right for wrong probabilities, and Q2d a gradient that is right for a
wrong loss, so that one mistake costs one question. That credit pays only when the grader
reproduces the student's upstream result itself, with its own net (oracles/reference_net.py) and
recognised mistakes (a missing bias, the softmax over the wrong axis, the penalty halved, ...),
and only at every point the check evaluates: for Q2d's loss, the given weights, each weight
moved by +-h, other inputs X and other labels y. A function that agrees at one point, or
probabilities and losses the grader cannot reproduce (constant, uniform, random, label-free,
data-free, another network's), earn nothing downstream; the functions here say why in one line.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..oracles.numerical import STEP, gradient_from_perturbations, perturbations
from ..oracles.reference_net import (FORWARD_MISTAKES, PARAM_NAMES, Mistake, Variant, forward, loss,
                                     loss_variants, variant_losses)
from .compare import close

PROBS_TOL = 1e-7    # Q1a's tolerance for probabilities
LOSS_TOL = 1e-10    # the same loss function, computed in another order, agrees to ~1e-15
KNOWN_LOSS_MISTAKES = ("a missing bias or ReLU, the softmax over the wrong axis, the penalty halved, "
                       "divided by N or on the biases, a sum instead of the mean, ...")


def same(got: float, expected: float, tol: float = LOSS_TOL) -> bool:
    """Whether two losses agree to `tol` relative (absolute below 1); NaN and inf never agree."""
    return bool(np.isfinite(got) and np.isfinite(expected) and abs(got - expected) <= tol * max(1.0, abs(expected)))


# ---------------------------------------------------------------------------------------------
# Q1b: probabilities

@dataclass
class ForwardMatch:
    mistake: Mistake | None     # the recognised forward-pass mistake the probabilities show
    reason: str = ""            # why none was recognised ("" when one was)


def recognise_probabilities(probs: np.ndarray, params: dict, X: np.ndarray) -> ForwardMatch:
    """The forward-pass mistake whose probabilities (N, C) the student's wrong `probs` equal.

    A mistake whose probabilities are the same for every sample of this net (a ReLU on scores that
    are all negative gives uniform ones) cannot be told from made-up values here: never credited.
    """
    for mistake in FORWARD_MISTAKES:
        expected = forward(params, X, mistake).probs
        if np.all(expected == expected[:1]):
            continue
        if close(mistake.key, probs, expected, PROBS_TOL).ok:
            return ForwardMatch(mistake)
    return ForwardMatch(None, probabilities_reason(probs))


def probabilities_reason(probs: np.ndarray) -> str:
    """One line: why the grader does not recognise these probabilities (N, C)."""
    if probs.ndim != 2 or not np.all(np.isfinite(probs)):
        return "your probabilities hold NaN or inf, or have the wrong shape"
    if probs.shape[0] > 1 and np.all(probs == probs[:1]):
        return "your probabilities are the same for every sample: they do not depend on X"
    if not np.allclose(probs.sum(axis=1), 1.0, atol=1e-6):
        return "the rows of your probabilities do not sum to 1, and they match no known mistake either"
    return ("your probabilities are neither the softmax of the network's scores nor a known mistake of "
            "it (the logits, a missing bias or ReLU, the softmax over the wrong axis, ...)")


def mistaken_forward_loss(mistake: Mistake, params: dict, X: np.ndarray, y: np.ndarray, reg: float) -> float:
    """The exercise's loss computed from the probabilities of a forward-pass mistake."""
    return loss(params, X, y, reg, Variant(forward=mistake))


def recognised_data_loss(value: float, params: dict, X: np.ndarray, y: np.ndarray, tol: float) -> Variant | None:
    """The variant without penalty (any forward and data-loss mistakes) whose loss at reg=0 is `value`."""
    variants = [v for v in loss_variants() if v.penalty is None]
    values = variant_losses(params, X, y, 0.0, variants)
    return next((v for v in variants if same(value, values[v], tol)), None)


# ---------------------------------------------------------------------------------------------
# Q2d: the loss

@dataclass
class LossSamples:
    """The student's loss at the points of Q2d's gradient check (params, X, y, reg are the check's)."""
    at_base: float              # at the given weights
    plus: np.ndarray            # (P,) at params + h e_i, in the order of oracles.numerical.perturbations
    minus: np.ndarray           # (P,) at params - h e_i
    other_X: float              # at the given weights and labels, with the inputs other_X
    other_y: float              # at the given weights and inputs, with the labels other_y


@dataclass
class LossMatch:
    variant: Variant | None     # the recognised loss that the student's equals at every point
    numeric: dict | None = None  # that loss's centred-difference gradient, shapes of params
    reason: str = ""            # why none was recognised ("" when one was)


def recognise_loss(samples: LossSamples, params: dict, X: np.ndarray, y: np.ndarray, reg: float,
                   other_X: np.ndarray, other_y: np.ndarray) -> LossMatch:
    """The variant of the exercise's loss (exact first) that the student's loss equals at every
    sampled point; or no variant, with the reason in one line.

    A variant that does not depend on the inputs or the labels at this net (a ReLU on scores that
    are all negative) cannot be told from a made-up loss here: never recognised.
    """
    variants = loss_variants()
    base = variant_losses(params, X, y, reg, variants)
    at_X = variant_losses(params, other_X, y, reg, variants)
    at_y = variant_losses(params, X, other_y, reg, variants)
    agree_at_base = []
    for variant in variants:
        if not same(samples.at_base, base[variant]) or same(at_X[variant], base[variant], 1e-13) or \
                same(at_y[variant], base[variant], 1e-13):
            continue
        agree_at_base.append(variant)
        if not (same(samples.other_X, at_X[variant]) and same(samples.other_y, at_y[variant])):
            continue
        plus, minus = _perturbed_losses(params, X, y, reg, variant)
        if all(map(same, samples.plus, plus)) and all(map(same, samples.minus, minus)):
            return LossMatch(variant, gradient_from_perturbations(params, plus, minus))
    return LossMatch(None, reason=loss_reason(samples, params, agree_at_base))


def _perturbed_losses(params, X, y, reg, variant) -> tuple[np.ndarray, np.ndarray]:
    values = [(loss(plus, X, y, reg, variant), loss(minus, X, y, reg, variant))
              for _, _, plus, minus in perturbations(params, STEP)]
    return np.array([v[0] for v in values]), np.array([v[1] for v in values])


def loss_reason(samples: LossSamples, params: dict, agree_at_base: list[Variant]) -> str:
    """One line: why the grader does not recognise the student's loss."""
    values = np.concatenate([[samples.at_base, samples.other_X, samples.other_y], samples.plus, samples.minus])
    if not np.all(np.isfinite(values)):
        return "your loss is NaN or inf at some of the weights the check tries"
    if np.all(values == values[0]):
        return "your loss is the same number whatever the weights, inputs X and labels y"
    ignored = [what for what, value in (("the inputs X", samples.other_X), ("the labels y", samples.other_y))
               if value == samples.at_base]
    if len(ignored) == 2:
        return "your loss depends neither on the inputs X nor on the labels y"
    if ignored:
        return f"your loss does not depend on {ignored[0]}"
    frozen = [k for k in PARAM_NAMES if np.array_equal(*_split(params, k, samples.plus, samples.minus))]
    if frozen:
        return f"your loss does not change with params[{frozen[0]!r}]"
    if agree_at_base:
        return (f"your loss equals {agree_at_base[0].describe()} at the given weights, but not at the weights "
                "moved by +-1e-5 or at other inputs or labels: it is another function")
    return f"your loss is neither the exercise's loss nor the exercise's loss with a known mistake ({KNOWN_LOSS_MISTAKES})"


def _split(params: dict, name: str, plus: np.ndarray, minus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries of plus and minus (P,) that perturb params[name]."""
    start = 0
    for key in params:
        size = int(np.size(params[key]))
        if key == name:
            return plus[start:start + size], minus[start:start + size]
        start += size
    raise KeyError(name)
