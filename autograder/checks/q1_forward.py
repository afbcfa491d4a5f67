"""Q1a (two_layer_net.py): the forward pass returns softmax probabilities; predict takes the argmax."""
from __future__ import annotations

import numpy as np

from ..catalogue import check
from ..oracles import torch_oracle
from ..oracles.reference_values import TOY_FIRST_ROW_PROBS, TOY_LAST_ROW_PROBS
from ..outcome import Outcome
from ..probes import two_layer_net as net_probes
from ..sandbox import TOY
from .cases import all_cases, hidden_case, perturbed_toy_case, toy_case
from .compare import close, first_failure


def _logits_hint(probs: np.ndarray) -> str:
    """A hint when the rows of probs (N, C) do not sum to 1 (raw scores returned), else ""."""
    rows = np.asarray(probs).sum(axis=1) if np.ndim(probs) == 2 else np.array([np.nan])
    if np.all(np.isfinite(rows)) and not np.allclose(rows, 1.0, atol=1e-6):
        return ("the rows do not sum to 1: loss(X) must return softmax probabilities, not "
                "the raw scores (this exercise differs from CS231n here).")
    return ""


@check("Q1a")
def toy_probabilities(ctx) -> Outcome:
    """Probabilities of the exercise's toy net match the published values (and a perturbed toy net's)"""
    case = toy_case()
    probs = ctx.probe(net_probes.probabilities, case.net(), TOY).probs
    truth = torch_oracle.two_layer_net(case.params, case.X)["probs"]
    comparisons = [close("probabilities vs torch autograd", probs, truth, 1e-7)]
    if probs.shape == truth.shape:
        comparisons.append(close("first row vs the published values", probs[0], TOY_FIRST_ROW_PROBS, 1e-6))
        comparisons.append(close("last row vs the published values", probs[-1], TOY_LAST_ROW_PROBS, 1e-6))
    if first_failure(comparisons) is not None:
        return Outcome.judged(comparisons, "", hint=_logits_hint(probs))
    # Paid only for code that computes them: the same shapes with other values must be right too.
    moved = perturbed_toy_case(ctx.rng("perturbed"))
    moved_probs = ctx.probe(net_probes.probabilities, moved.net(), TOY).probs
    result = close(f"probabilities of {moved.name}", moved_probs,
                   torch_oracle.two_layer_net(moved.params, moved.X)["probs"], 1e-7)
    comparisons.append(result)
    if not result.ok:
        return Outcome.failed("the toy probabilities match, but not those of the same net with slightly "
                              f"different weights and inputs ({result.message}): are they hard-coded?",
                              hint="compute the probabilities from self.params and X; the published values "
                              "only check your result", comparisons=comparisons)
    return Outcome.passed("toy probabilities match", comparisons=comparisons)


@check("Q1a")
def hidden_probabilities(ctx) -> Outcome:
    """Probabilities of hidden nets of other sizes with non-zero biases"""
    comparisons = []
    last = None
    for case in all_cases(ctx.rng("cases"))[1:]:
        last = ctx.probe(net_probes.probabilities, case.net(), TOY).probs
        truth = torch_oracle.two_layer_net(case.params, case.X)["probs"]
        comparisons.append(close(f"probabilities of {case.name}", last, truth, 1e-7))
    hint = _logits_hint(last) or "use the sizes of X and params, never the toy's numbers; add both biases."
    return Outcome.judged(comparisons, "hidden probabilities match", hint=hint)


@check("Q1a")
def stable_softmax(ctx) -> Outcome:
    """Probabilities stay finite for huge scores (numerically stable softmax)"""
    case = hidden_case(ctx.rng("huge"), (6, 5, 7, 4), "a net with scores near 1000")
    case.params["W2"] = case.params["W2"] * 400.0
    probs = ctx.probe(net_probes.probabilities, case.net(), TOY).probs
    truth = torch_oracle.two_layer_net(case.params, case.X)["probs"]
    result = close("probabilities with scores near 1000", probs, truth, 1e-7)
    return Outcome.judged([result], "stable for huge scores",
                          hint="subtract each row's maximum score before np.exp; the probabilities do not "
                          "change, and exp can no longer overflow.")


@check("Q1a")
def predict_labels(ctx) -> Outcome:
    """predict(X) returns the most probable class of every sample"""
    comparisons = []
    for case in all_cases(ctx.rng("cases")):
        labels = ctx.probe(net_probes.predict, case.net(), TOY).labels
        expected = np.argmax(torch_oracle.two_layer_net(case.params, case.X)["probs"], axis=1)
        comparisons.append(close(f"predicted labels of {case.name}", labels, expected.astype(np.float64), 0.0))
    return Outcome.judged(comparisons, "labels match", hint="one label per row of X: np.argmax over axis 1.")
