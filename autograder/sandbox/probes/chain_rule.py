"""Probes for Q0 (chain_rule.py): evaluate g, f and the student's gradient of f(g(x))."""
from __future__ import annotations

from ..exchange import ChainRuleInput, ChainRuleOutput
from . import Submission, as_array, as_float


def evaluate(inputs: ChainRuleInput, submission: Submission) -> ChainRuleOutput:
    """g (P,), f = f(g(x)) and grad (Q,) from the student's code, for W (P, Q) and x (Q,)."""
    module = submission.module("chain_rule")
    W, x = inputs.W, inputs.x
    g = as_array(module.g(W.copy(), x.copy()), "g(W, x)", ndim=1)
    f = as_float(module.f(g.copy()), "f(y)")
    grad = as_array(module.grad_f_of_g(W.copy(), x.copy()), "grad_f_of_g(W, x)", ndim=1)
    return ChainRuleOutput(g, f, grad)
