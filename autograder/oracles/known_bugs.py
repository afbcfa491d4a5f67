"""The gradients that well-known backward-pass bugs produce, so that a check can name the bug.

Each entry is what a student's grads[name] equals when the backward pass has that one mistake
(a missing 2 * reg * W term, a ReLU mask from the wrong quantity, a bias summed over the wrong
axis, ...). Computed in float64 numpy from the same formulas as the exercise's derivation
(Q2a-c), built on the grader's reference net (reference_net.py); the true gradient itself
comes from torch autograd (torch_oracle).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .reference_net import backward


@dataclass(frozen=True)
class KnownBug:
    param: str          # "W1", "b1", "W2" or "b2"
    what: str           # what the student's gradient equals, e.g. "X^T dz2 without the ReLU mask"
    hint: str           # one line: how to fix it
    grad: np.ndarray    # the gradient this bug produces


def gradient_bugs(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray, reg: float) -> list[KnownBug]:
    """Every known wrong gradient of params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,) at X (N, D), y (N,)."""
    net = backward(params, X, y, reg)
    X = np.asarray(X, dtype=np.float64)
    N = X.shape[0]
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in ("W1", "b1", "W2", "b2"))
    a2, da2, dz2, dz3 = net.forward.a2, net.da2, net.dz2, net.dz3   # (N, H), (N, H), (N, H), (N, C)
    data = net.data_grads
    penalty = {"W1": 2.0 * reg * W1, "W2": 2.0 * reg * W2}
    bugs: list[KnownBug] = []
    for name in ("W1", "W2"):
        true = data[name] + penalty[name]
        bugs += [
            KnownBug(name, "the data gradient without the 2 * reg * %s term" % name,
                     f"add the penalty's gradient 2 * reg * {name} to grads['{name}']", data[name]),
            KnownBug(name, f"the data gradient + reg * {name}: the penalty's gradient is halved",
                     f"the gradient of reg * sum({name}^2) is 2 * reg * {name}, not reg * {name}",
                     data[name] + reg * params[name]),
            KnownBug(name, "the transpose of the right gradient",
                     f"grads['{name}'] has the shape of {name} " + ("(D, H): X.T @ dz2" if name == "W1"
                                                                     else "(H, C): a2.T @ dz3"), true.T),
        ]
    bugs += [
        KnownBug("W1", "X^T dz2 without the ReLU mask (dz2 = da2, not da2 * (z2 > 0))",
                 "the ReLU passes the gradient only where z2 > 0: dz2 = da2 * (z2 > 0)",
                 X.T @ da2 + penalty["W1"]),
        KnownBug("b1", "the sum of da2 without the ReLU mask",
                 "the ReLU passes the gradient only where z2 > 0: dz2 = da2 * (z2 > 0), then db1 = dz2.sum(axis=0)",
                 da2.sum(axis=0)),
        KnownBug("W1", "X^T (da2 * a2): the ReLU mask multiplied by the activation a2, not the 0/1 mask (z2 > 0)",
                 "the ReLU's derivative is the 0/1 mask (z2 > 0), not the activation itself",
                 X.T @ (da2 * a2) + penalty["W1"]),
        KnownBug("b1", "the sum of da2 * a2: the mask multiplied by the activation, not (z2 > 0)",
                 "the ReLU's derivative is the 0/1 mask (z2 > 0), not the activation itself",
                 (da2 * a2).sum(axis=0)),
        KnownBug("W1", "X^T (da2 * (da2 > 0)): the ReLU mask taken from the upstream gradient, not from z2",
                 "the mask comes from the forward pass: dz2 = da2 * (z2 > 0)",
                 X.T @ (da2 * (da2 > 0)) + penalty["W1"]),
        KnownBug("b1", "the sum of da2 * (da2 > 0): the ReLU mask taken from the upstream gradient",
                 "the mask comes from the forward pass: dz2 = da2 * (z2 > 0)", (da2 * (da2 > 0)).sum(axis=0)),
        KnownBug("b1", "dz2 summed over the hidden units (axis 1) instead of the samples",
                 "db1 = dz2.sum(axis=0): one entry per hidden unit, shape (H,)", dz2.sum(axis=1)),
        KnownBug("b2", "dz3 summed over the classes (axis 1) instead of the samples",
                 "db2 = dz3.sum(axis=0): one entry per class, shape (C,)", dz3.sum(axis=1)),
        KnownBug("b1", "dz2 summed over both axes (a single number)",
                 "db1 = dz2.sum(axis=0): sum over the samples only, shape (H,)", np.array(dz2.sum())),
        KnownBug("b2", "dz3 summed over both axes (a single number)",
                 "db2 = dz3.sum(axis=0): sum over the samples only, shape (C,)", np.array(dz3.sum())),
        KnownBug("b1", "the right gradient plus 2 * reg * b1: the biases are regularised",
                 "the penalty covers W1 and W2 only; biases get no 2 * reg * b term", data["b1"] + 2.0 * reg * b1),
        KnownBug("b2", "the right gradient plus 2 * reg * b2: the biases are regularised",
                 "the penalty covers W1 and W2 only; biases get no 2 * reg * b term", data["b2"] + 2.0 * reg * b2),
    ]
    factors = ((float(N), f"N = {N} times", "the loss summed instead of averaged, or dz3 not divided by N: "
                                            "dz3 = (probs - one_hot(y)) / N"),
               (1.0 / N, f"1/N = 1/{N} times", "dz3 is divided by N twice (or a mean taken over samples "
                                               "after dividing): divide once"),
               (2.0, "2 times", "a stray factor 2 in the data gradient: dz3 = (probs - one_hot(y)) / N"),
               (0.5, "1/2 times", "a stray factor 1/2 in the data gradient: dz3 = (probs - one_hot(y)) / N"))
    for name in ("W1", "b1", "W2", "b2"):
        for factor, times, hint in factors:
            if name in penalty:
                bugs.append(KnownBug(name, f"{times} the data gradient (the 2 * reg * {name} term is right)",
                                     hint, factor * data[name] + penalty[name]))
                bugs.append(KnownBug(name, f"{times} the right gradient, penalty included", hint,
                                     factor * (data[name] + penalty[name])))
            else:
                bugs.append(KnownBug(name, f"{times} the right gradient", hint, factor * data[name]))
    return bugs
