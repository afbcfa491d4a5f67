"""Q0 (warm-up, chain_rule.py): g, f and the analytic gradient of f(g(x)) from the lecture.

One question, one module: its probe (what runs in the child on the student's chain_rule.py), the
probe's messages and its checks (what the parent compares with the oracles) live here together.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..catalogue import check
from ..oracles import torch_oracle
from ..oracles.numerical import numerical_gradient
from ..outcome import Outcome
from ..sandbox import TOY
from ..sandbox.probe import probe
from ..sandbox.student_code import Submission, as_array, as_float
from .compare import close


@dataclass
class ChainRuleInput:
    W: np.ndarray                             # (P, Q)
    x: np.ndarray                             # (Q,)


@dataclass
class ChainRuleOutput:
    g: np.ndarray                             # (P,)
    f: float
    grad: np.ndarray                          # (Q,)


@probe
def evaluate(inputs: ChainRuleInput, submission: Submission) -> ChainRuleOutput:
    """In the child: g (P,), f = f(g(x)) and grad (Q,) from the student's code, for W (P, Q) and x (Q,)."""
    module = submission.module("chain_rule")
    W, x = inputs.W, inputs.x
    g = as_array(module.g(W.copy(), x.copy()), "g(W, x)", ndim=1)
    f = as_float(module.f(g.copy()), "f(y)")
    grad = as_array(module.grad_f_of_g(W.copy(), x.copy()), "grad_f_of_g(W, x)", ndim=1)
    return ChainRuleOutput(g, f, grad)

SHAPES = ((3, 4), (5, 2), (1, 6))  # (P, Q): wide, tall and a single output


def _cases(ctx):
    rng = ctx.rng("cases")
    return [(rng.randn(P, Q), rng.randn(Q)) for P, Q in SHAPES]


@check("Q0")
def values(ctx) -> Outcome:
    """g(W, x) and f(y) give the lecture's values"""
    comparisons = []
    for W, x in _cases(ctx):
        got = ctx.probe(evaluate, ChainRuleInput(W, x), TOY)
        truth = torch_oracle.chain_rule(W, x)
        P, Q = W.shape
        comparisons.append(close(f"g(W, x) for W {P}x{Q}", got.g, truth["g"], 1e-9))
        expected_f = float(np.sum(got.g ** 2))  # f judged on the student's own g: no double penalty
        comparisons.append(close(f"f(g) for W {P}x{Q}", np.array(got.f), np.array(expected_f), 1e-9))
    return Outcome.judged(comparisons, "g and f match")


@check("Q0")
def gradient(ctx) -> Outcome:
    """grad_f_of_g(W, x) matches the numerical gradient of f(g(x))"""
    comparisons = []
    for W, x in _cases(ctx):
        got = ctx.probe(evaluate, ChainRuleInput(W, x), TOY)
        numeric = numerical_gradient(lambda v: float(np.sum((W @ v**2) ** 2)), x)
        truth = torch_oracle.chain_rule(W, x)["grad"]
        P, Q = W.shape
        comparisons.append(close(f"gradient vs numerical, W {P}x{Q}", got.grad, numeric, 1e-7))
        comparisons.append(close(f"gradient vs torch autograd, W {P}x{Q}", got.grad, truth, 1e-9))
    return Outcome.judged(comparisons, "gradient matches",
                          hint="d f(g(x)) / d x_k = sum_j 2 g_j(x) * 2 W[j, k] x_k = 4 x_k sum_j W[j, k] g_j(x).")
