"""Q0 (warm-up, chain_rule.py): g, f and the analytic gradient of f(g(x)) from the lecture."""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.numerical import numerical_gradient
from ..sandbox import TOY
from ..sandbox.exchange import ChainRuleInput
from .compare import close, summary

SHAPES = ((3, 4), (5, 2), (1, 6))  # (P, Q): wide, tall and a single output


def _cases(ctx):
    rng = ctx.rng("cases")
    return [(rng.randn(P, Q), rng.randn(Q)) for P, Q in SHAPES]


@check("Q0")
def values(ctx) -> Outcome:
    """g(W, x) and f(y) give the lecture's values"""
    comparisons = []
    for W, x in _cases(ctx):
        got = ctx.probe("chain_rule.evaluate", ChainRuleInput(W, x), TOY)
        truth = torch_oracle.chain_rule(W, x)
        P, Q = W.shape
        comparisons.append(close(f"g(W, x) for W {P}x{Q}", got.g, truth["g"], 1e-9))
        expected_f = float(np.sum(got.g ** 2))  # f judged on the student's own g: no double penalty
        comparisons.append(close(f"f(g) for W {P}x{Q}", np.array(got.f), np.array(expected_f), 1e-9))
    ok, first, lines = summary(comparisons)
    return Outcome(1.0 if ok else 0.0, "g and f match" if ok else first, lines)


@check("Q0")
def gradient(ctx) -> Outcome:
    """grad_f_of_g(W, x) matches the numerical gradient of f(g(x))"""
    comparisons = []
    for W, x in _cases(ctx):
        got = ctx.probe("chain_rule.evaluate", ChainRuleInput(W, x), TOY)
        numeric = numerical_gradient(lambda v: float(np.sum((W @ v**2) ** 2)), x)
        truth = torch_oracle.chain_rule(W, x)["grad"]
        P, Q = W.shape
        comparisons.append(close(f"gradient vs numerical, W {P}x{Q}", got.grad, numeric, 1e-7))
        comparisons.append(close(f"gradient vs torch autograd, W {P}x{Q}", got.grad, truth, 1e-9))
    ok, first, lines = summary(comparisons)
    hint = "" if ok else "\nHint: d f(g(x)) / d x_k = sum_j 2 g_j(x) * 2 W[j, k] x_k = 4 x_k sum_j W[j, k] g_j(x)."
    return Outcome(1.0 if ok else 0.0, "gradient matches" if ok else first, lines + hint)
