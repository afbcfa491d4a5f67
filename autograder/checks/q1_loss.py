"""Q1b (two_layer_net.py): mean softmax cross-entropy plus reg * (|W1|^2 + |W2|^2).

With wrong probabilities (a Q1a mistake), a loss that is right for them keeps its points only when
the grader recognises their mistake (checks/upstream.py): made-up probabilities earn nothing here.
"""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.reference_values import TOY_LOSS_AT_REG_005
from ..sandbox import TOY
from .cases import all_cases, perturbed_toy_case, toy_case
from .compare import Comparison, close, summary
from .upstream import mistaken_forward_loss, recognise_probabilities, recognised_data_loss

FILES = ("two_layer_net.py",)
TOY_REG = 0.05


def _loss(ctx, case, reg: float) -> float:
    return ctx.probe("two_layer_net.loss_and_grads", case.with_reg(reg), TOY).loss


def _penalty(params) -> float:
    return float(np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))


def _probabilities_credit(ctx, case, reg: float, got: float, name: str) -> tuple[Comparison | None, str]:
    """When the student's probabilities are wrong (a Q1a bug): (the passing comparison of `got` with
    the exercise's loss of those probabilities, a note naming their mistake) if the grader
    recognises the mistake (checks/upstream.py); (None, why not) if it does not; (None, "") when
    the probabilities are right or the loss differs anyway. One mistake in the forward pass costs
    Q1a, not Q1b too; made-up probabilities earn nothing here."""
    probs = ctx.probe("two_layer_net.probabilities", case.net(), TOY).probs
    if close("probs", probs, torch_oracle.two_layer_net(case.params, case.X)["probs"], 1e-7).ok:
        return None, ""
    match = recognise_probabilities(probs, case.params, case.X)
    if match.mistake is None:
        return None, f"{match.reason}, so Q1b checks your loss against the exercise's loss"
    expected = mistaken_forward_loss(match.mistake, case.params, case.X, case.y, reg)
    result = close(f"{name}, against the loss of your probabilities", np.array(got), np.array(expected), 1e-9)
    note = (f"your loss is right for your probabilities, which have a known mistake ({match.mistake.what}; "
            "see Q1a): credited here")
    return (result, note) if result.ok else (None, "")


def _failure(reason: str, message: str) -> str:
    return f"{reason}: {message}" if reason else message


def _noted(details: str, note: str) -> str:
    return f"{details}\nNote: {note}" if note else details


@check("Q1b", points=2.0, files=FILES)
def toy_loss(ctx) -> Outcome:
    """Loss of the toy net at reg=0.05 equals the published 1.30378789133 (and a perturbed toy net's)"""
    case = toy_case()
    got = _loss(ctx, case, TOY_REG)
    result = close("loss at reg=0.05", np.array(got), np.array(TOY_LOSS_AT_REG_005), 1e-10)
    hint, note, reason = "", "", ""
    if not result.ok:
        credit, text = _probabilities_credit(ctx, case, TOY_REG, got, "loss at reg=0.05")
        result, note, reason = (credit, text, "") if credit is not None else (result, "", text)
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
        return Outcome.failed(_failure(reason, result.message), result.message + "\n" + hint, loss=got)
    # Paid only for code that computes it: the same shapes with other values must be right too.
    moved = perturbed_toy_case(ctx.rng("perturbed"))
    moved_got = _loss(ctx, moved, TOY_REG)
    moved_truth = torch_oracle.two_layer_net(moved.params, moved.X, moved.y, TOY_REG)["loss"]
    check_moved = close(f"loss of {moved.name}", np.array(moved_got), np.array(moved_truth), 1e-9)
    if not check_moved.ok and note:
        check_moved = _probabilities_credit(ctx, moved, TOY_REG, moved_got, f"loss of {moved.name}")[0] or check_moved
    details = result.message + "\n" + check_moved.message
    if not check_moved.ok:
        return Outcome.failed("the toy loss matches, but not the loss of the same net with slightly different "
                              f"weights and inputs ({check_moved.message}): is it hard-coded?",
                              details + "\nHint: compute the loss from probs, y and reg; the published "
                              "value only checks your result", loss=got)
    return Outcome.passed("toy loss matches" + (" your probabilities" if note else ""), _noted(details, note),
                          hint=note, loss=got)


@check("Q1b", points=1.5, files=FILES)
def hidden_loss(ctx) -> Outcome:
    """Loss of hidden nets of other sizes, with and without regularisation"""
    comparisons, note, reason = [], "", ""
    for case in all_cases(ctx.rng("cases"))[1:]:
        for reg in (0.0, 0.1):
            got = _loss(ctx, case, reg)
            truth = torch_oracle.two_layer_net(case.params, case.X, case.y, reg)["loss"]
            name = f"loss of {case.name}, reg={reg}"
            result = close(name, np.array(got), np.array(truth), 1e-9)
            credit, text = (None, "") if result.ok else _probabilities_credit(ctx, case, reg, got, name)
            note, reason = (note or text, reason) if credit is not None else (note, reason or text)
            comparisons.append(credit or result)
    ok, first, lines = summary(comparisons)
    if ok:
        return Outcome.passed("hidden losses match" + (" your probabilities" if note else ""), _noted(lines, note),
                              hint=note)
    return Outcome.failed(_failure(reason, first), lines)


@check("Q1b", points=0.5, files=FILES)
def regularisation(ctx) -> Outcome:
    """The penalty is reg * (|W1|^2 + |W2|^2): weights only, no 1/2, not divided by N"""
    case = all_cases(ctx.rng("cases"))[1]
    reg = 0.3
    at_zero = _loss(ctx, case, 0.0)
    added = _loss(ctx, case, reg) - at_zero
    expected = reg * _penalty(case.params)
    result = close("loss(reg=0.3) - loss(reg=0)", np.array(added), np.array(expected), 1e-9)
    if result.ok and recognised_data_loss(at_zero, case.params, case.X, case.y, 1e-9) is None:
        return Outcome.failed("the penalty is added right, but your loss at reg=0 is neither the exercise's "
                              "cross-entropy nor a known mistake of it: no point for the penalty alone",
                              result.message + "\nHint: compute the data loss -mean(log probs[i, y_i]) "
                              "from your probabilities first (see the other Q1b checks)")
    if result.ok:
        return Outcome.passed("penalty convention matches", result.message)
    with_biases = expected + reg * float(np.sum(case.params["b1"] ** 2) + np.sum(case.params["b2"] ** 2))
    for wrong, hint in ((0.5 * expected, "there is no factor 1/2 in this exercise's penalty"),
                        (expected / case.X.shape[0], "do not divide the penalty by N"),
                        (with_biases, "biases are not regularised")):
        if abs(added - wrong) < 1e-9 * max(1.0, abs(wrong)):
            return Outcome.failed(f"penalty off: {hint}", result.message)
    return Outcome.failed(result.message, result.message)
