"""Q1b (two_layer_net.py): mean softmax cross-entropy plus reg * (|W1|^2 + |W2|^2)."""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.reference_values import TOY_LOSS_AT_REG_005
from ..sandbox import TOY
from .cases import all_cases, perturbed_toy_case, toy_case
from .compare import Comparison, close, summary

FILES = ("two_layer_net.py",)
TOY_REG = 0.05


def _loss(ctx, case, reg: float) -> float:
    return ctx.probe("two_layer_net.loss_and_grads", case.with_reg(reg), TOY).loss


def _penalty(params) -> float:
    return float(np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))


OWN_PROBS_NOTE = ("your loss is right for your own probabilities, which differ from the exercise's "
                  "(see Q1a): credited here")


def _own_probs_loss(ctx, case, reg: float, got: float, name: str) -> Comparison | None:
    """When the student's probabilities are wrong (a Q1a bug), the comparison of `got` with the
    loss of those probabilities; None when they are right or unusable (then the loss is judged
    against the oracle alone). One mistake in the forward pass costs Q1a, not Q1b too."""
    probs = ctx.probe("two_layer_net.probabilities", case.net(), TOY).probs
    truth = torch_oracle.two_layer_net(case.params, case.X)["probs"]
    N = case.X.shape[0]
    if probs.shape != truth.shape or close("probs", probs, truth, 1e-7).ok or not np.all(probs > 0):
        return None
    own = -np.mean(np.log(probs[np.arange(N), case.y])) + reg * _penalty(case.params)
    result = close(f"{name}, against the loss of your own probabilities", np.array(got), np.array(own), 1e-9)
    return result if result.ok else None


@check("Q1b", points=2.0, files=FILES)
def toy_loss(ctx) -> Outcome:
    """Loss of the toy net at reg=0.05 equals the published 1.30378789133 (and a perturbed toy net's)"""
    case = toy_case()
    got = _loss(ctx, case, TOY_REG)
    result = close("loss at reg=0.05", np.array(got), np.array(TOY_LOSS_AT_REG_005), 1e-10)
    hint, note = "", ""
    if not result.ok:
        own = _own_probs_loss(ctx, case, TOY_REG, got, "loss at reg=0.05")
        result, note = (own, OWN_PROBS_NOTE) if own is not None else (result, "")
    if not result.ok:
        data_loss = torch_oracle.two_layer_net(case.params, case.X, case.y, 0.0)["loss"]
        penalty = TOY_REG * _penalty(case.params)
        if abs(got - (data_loss + 0.5 * penalty)) < 1e-8:
            hint = "Hint: the penalty is reg * (sum W1^2 + sum W2^2), with no factor 1/2."
        elif abs(got - (data_loss + penalty / case.X.shape[0])) < 1e-8:
            hint = "Hint: average the cross-entropy over N, but do not divide the penalty by N."
        elif abs(got - data_loss * case.X.shape[0] - penalty) < 1e-8:
            hint = "Hint: the data loss is the mean over the N samples, not the sum."
        else:
            hint = ("Hint: loss = -mean(log probs[i, y[i]]) + reg * (sum W1^2 + sum W2^2); check "
                    "that you index the probability of the correct class of each sample.")
    if not result.ok:
        return Outcome.failed(result.message, result.message + "\n" + hint, loss=got)
    # Paid only for code that computes it: the same shapes with other values must be right too.
    moved = perturbed_toy_case(ctx.rng("perturbed"))
    moved_got = _loss(ctx, moved, TOY_REG)
    moved_truth = torch_oracle.two_layer_net(moved.params, moved.X, moved.y, TOY_REG)["loss"]
    check_moved = close(f"loss of {moved.name}", np.array(moved_got), np.array(moved_truth), 1e-9)
    if not check_moved.ok and note:
        check_moved = _own_probs_loss(ctx, moved, TOY_REG, moved_got, f"loss of {moved.name}") or check_moved
    details = result.message + "\n" + check_moved.message
    if not check_moved.ok:
        return Outcome.failed("the toy loss matches, but not the loss of the same net with slightly different "
                              f"weights and inputs ({check_moved.message}): is it hard-coded?",
                              details + "\nHint: compute the loss from probs, y and reg; the published "
                              "value only checks your result", loss=got)
    return Outcome.passed("toy loss matches" + (" your probabilities" if note else ""), details, hint=note, loss=got)


@check("Q1b", points=1.5, files=FILES)
def hidden_loss(ctx) -> Outcome:
    """Loss of hidden nets of other sizes, with and without regularisation"""
    comparisons, note = [], ""
    for case in all_cases(ctx.rng("cases"))[1:]:
        for reg in (0.0, 0.1):
            got = _loss(ctx, case, reg)
            truth = torch_oracle.two_layer_net(case.params, case.X, case.y, reg)["loss"]
            name = f"loss of {case.name}, reg={reg}"
            result = close(name, np.array(got), np.array(truth), 1e-9)
            own = None if result.ok else _own_probs_loss(ctx, case, reg, got, name)
            note = note or (OWN_PROBS_NOTE if own is not None else "")
            comparisons.append(own or result)
    ok, first, lines = summary(comparisons)
    if ok:
        return Outcome.passed("hidden losses match" + (" your probabilities" if note else ""), lines, hint=note)
    return Outcome.failed(first, lines)


@check("Q1b", points=0.5, files=FILES)
def regularisation(ctx) -> Outcome:
    """The penalty is reg * (|W1|^2 + |W2|^2): weights only, no 1/2, not divided by N"""
    case = all_cases(ctx.rng("cases"))[1]
    reg = 0.3
    added = _loss(ctx, case, reg) - _loss(ctx, case, 0.0)
    expected = reg * _penalty(case.params)
    result = close("loss(reg=0.3) - loss(reg=0)", np.array(added), np.array(expected), 1e-9)
    if result.ok:
        return Outcome.passed("penalty convention matches", result.message)
    with_biases = expected + reg * float(np.sum(case.params["b1"] ** 2) + np.sum(case.params["b2"] ** 2))
    for wrong, hint in ((0.5 * expected, "there is no factor 1/2 in this exercise's penalty"),
                        (expected / case.X.shape[0], "do not divide the penalty by N"),
                        (with_biases, "biases are not regularised")):
        if abs(added - wrong) < 1e-9 * max(1.0, abs(wrong)):
            return Outcome.failed(f"penalty off: {hint}", result.message)
    return Outcome.failed(result.message, result.message)
