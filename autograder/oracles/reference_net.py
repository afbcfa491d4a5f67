"""The exercise's two-layer net in float64 numpy, and the same net with each recognised mistake.

    z2 = X W1 + b1 (N, H),  a2 = ReLU(z2) (N, H),  z3 = a2 W2 + b2 (N, C),  probs = softmax(z3) (N, C)
    J = mean_i -log probs[i, y_i] + reg * (|W1|^2 + |W2|^2)          (no 1/2, biases free)

Shapes: X (N, D), y (N,) integers in [0, C), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).

The loss has three stages, and each has the mistakes students are known to make (a missing bias,
the softmax over the wrong axis, the penalty halved, a sum where the mean belongs, ...). A
`Variant` picks at most one mistake per stage; `Variant()` is the exercise's net itself. Checks
use the variants to decide whether a wrong upstream result is the exercise's quantity with a
recognised mistake (checks/upstream.py), the only case in which a result computed from it earns
credit. The exact net agrees with torch autograd (oracles/torch_oracle.py) to rounding; that is
tested. Nothing here reads solution/ or imports torch.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np

PARAM_NAMES = ("W1", "b1", "W2", "b2")


@dataclass(frozen=True)
class Mistake:
    stage: str      # "forward", "data_loss" or "penalty"
    key: str        # a stable name, e.g. "no_b2"
    what: str       # how the feedback names it


FORWARD_MISTAKES = (
    Mistake("forward", "logits", "the raw scores z3 in place of the softmax probabilities"),
    Mistake("forward", "no_max_shift", "the softmax without subtracting each row's maximum"),
    Mistake("forward", "softmax_over_samples", "the softmax over the samples (axis 0) instead of the classes"),
    Mistake("forward", "softmax_over_batch", "the softmax normalised over the whole batch instead of per row"),
    Mistake("forward", "unnormalised", "exp(z3) not divided by its row sums"),
    Mistake("forward", "no_b1", "no b1 in the hidden layer"),
    Mistake("forward", "no_b2", "no b2 in the output layer"),
    Mistake("forward", "no_biases", "neither b1 nor b2 in the forward pass"),
    Mistake("forward", "no_relu", "no ReLU (a2 = z2)"),
    Mistake("forward", "relu_on_scores", "a ReLU on the scores z3 as well"),
)
DATA_LOSS_MISTAKES = (
    Mistake("data_loss", "sum", "the cross-entropy summed over the samples instead of averaged"),
    Mistake("data_loss", "mean_over_entries", "the cross-entropy divided by N * C instead of N"),
    Mistake("data_loss", "no_log", "-mean(probs[i, y_i]) without the log"),
)
PENALTY_MISTAKES = (
    Mistake("penalty", "halved", "the penalty halved (0.5 * reg * ...)"),
    Mistake("penalty", "divided_by_n", "the penalty divided by N"),
    Mistake("penalty", "on_biases", "the biases regularised too"),
    Mistake("penalty", "missing", "no penalty (reg ignored)"),
    Mistake("penalty", "l1", "an L1 penalty, reg * (sum |W1| + sum |W2|)"),
)


@dataclass(frozen=True)
class Variant:
    """The exercise's loss with at most one recognised mistake per stage (None: that stage is right)."""
    forward: Mistake | None = None
    data_loss: Mistake | None = None
    penalty: Mistake | None = None

    @property
    def exact(self) -> bool:
        return self.forward is None and self.data_loss is None and self.penalty is None

    def describe(self) -> str:
        """'the exercise's loss' or the mistakes in words, e.g. 'no b2 in the output layer; the penalty halved'."""
        mistakes = [m.what for m in (self.forward, self.data_loss, self.penalty) if m is not None]
        return "; ".join(mistakes) if mistakes else "the exercise's loss"

    def questions(self) -> str:
        """Where the mistakes cost points: 'Q1a' (the forward pass), 'Q1b' (the loss) or both."""
        stages = [q for q, wrong in (("Q1a", self.forward is not None),
                                     ("Q1b", self.data_loss is not None or self.penalty is not None)) if wrong]
        return " and ".join(stages)


EXACT = Variant()


def loss_variants() -> list[Variant]:
    """Every Variant: the exact loss first, then single mistakes, then combinations (one per stage)."""
    combos = [Variant(f, d, p) for f, d, p in product((None, *FORWARD_MISTAKES), (None, *DATA_LOSS_MISTAKES),
                                                       (None, *PENALTY_MISTAKES))]
    return sorted(combos, key=lambda v: sum(m is not None for m in (v.forward, v.data_loss, v.penalty)))


@dataclass
class Forward:
    z2: np.ndarray      # (N, H) hidden pre-activations
    a2: np.ndarray      # (N, H) hidden activations
    z3: np.ndarray      # (N, C) scores
    probs: np.ndarray   # (N, C) what loss(X) returns


def _float64(params: dict) -> dict[str, np.ndarray]:
    return {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_NAMES}


def forward(params: dict, X: np.ndarray, mistake: Mistake | None = None) -> Forward:
    """The forward pass of X (N, D), with one forward-pass mistake or none."""
    p = _float64(params)
    X = np.asarray(X, dtype=np.float64)
    key = mistake.key if mistake is not None else ""
    b1 = 0.0 if key in ("no_b1", "no_biases") else p["b1"]
    b2 = 0.0 if key in ("no_b2", "no_biases") else p["b2"]
    z2 = X @ p["W1"] + b1                                          # (N, H)
    a2 = z2 if key == "no_relu" else np.maximum(z2, 0.0)           # (N, H)
    z3 = a2 @ p["W2"] + b2                                         # (N, C)
    if key == "relu_on_scores":
        z3 = np.maximum(z3, 0.0)
    if key == "logits":
        return Forward(z2, a2, z3, z3.copy())
    with np.errstate(over="ignore", invalid="ignore"):
        if key == "no_max_shift":
            exp = np.exp(z3)
        elif key in ("softmax_over_samples", "softmax_over_batch"):
            exp = np.exp(z3 - z3.max(axis=0 if key == "softmax_over_samples" else None, keepdims=True))
        else:
            exp = np.exp(z3 - z3.max(axis=1, keepdims=True))       # (N, C)
        if key == "unnormalised":
            probs = exp
        elif key == "softmax_over_samples":
            probs = exp / exp.sum(axis=0, keepdims=True)
        elif key == "softmax_over_batch":
            probs = exp / exp.sum()
        else:
            probs = exp / exp.sum(axis=1, keepdims=True)
    return Forward(z2, a2, z3, probs)


def data_loss(probs: np.ndarray, y: np.ndarray, mistake: Mistake | None = None) -> float:
    """Mean cross-entropy of probs (N, C) at labels y (N,), with one data-loss mistake or none.
    NaN when the probabilities admit no log (a variant that returns logits)."""
    N, C = probs.shape
    picked = probs[np.arange(N), np.asarray(y, dtype=np.int64)]    # (N,)
    key = mistake.key if mistake is not None else ""
    if key == "no_log":
        return float(-picked.mean())
    with np.errstate(divide="ignore", invalid="ignore"):
        total = float(-np.log(picked).sum())
    return total if key == "sum" else total / (N * C if key == "mean_over_entries" else N)


def penalty(params: dict, reg: float, N: int, mistake: Mistake | None = None) -> float:
    """reg * (|W1|^2 + |W2|^2), with one penalty mistake or none; N is the batch size."""
    p = _float64(params)
    key = mistake.key if mistake is not None else ""
    if key == "missing":
        return 0.0
    if key == "l1":
        return float(reg * (np.abs(p["W1"]).sum() + np.abs(p["W2"]).sum()))
    squares = float(np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
    if key == "on_biases":
        squares += float(np.sum(p["b1"] ** 2) + np.sum(p["b2"] ** 2))
    return reg * squares * (0.5 if key == "halved" else 1.0) / (N if key == "divided_by_n" else 1)


def loss(params: dict, X: np.ndarray, y: np.ndarray, reg: float, variant: Variant = EXACT) -> float:
    """J of the variant at params, X (N, D), y (N,), reg."""
    probs = forward(params, X, variant.forward).probs
    return data_loss(probs, y, variant.data_loss) + penalty(params, reg, len(probs), variant.penalty)


def variant_losses(params: dict, X: np.ndarray, y: np.ndarray, reg: float,
                   variants: list[Variant] | None = None) -> dict[Variant, float]:
    """loss() of every variant at one point, sharing each stage's work (11 forward passes in all)."""
    variants = loss_variants() if variants is None else variants
    N = np.asarray(X).shape[0]
    probs = {f: forward(params, X, f).probs for f in {v.forward for v in variants}}
    data = {(f, d): data_loss(probs[f], y, d) for f, d in {(v.forward, v.data_loss) for v in variants}}
    penalties = {m: penalty(params, reg, N, m) for m in {v.penalty for v in variants}}
    return {v: data[(v.forward, v.data_loss)] + penalties[v.penalty] for v in variants}


@dataclass
class Backward:
    """The exact backward pass: the upstream gradients and the gradients of J."""
    forward: Forward
    dz3: np.ndarray                 # (N, C) dJ/dz3 = (probs - one_hot(y)) / N
    da2: np.ndarray                 # (N, H) dJ/da2 = dz3 W2^T
    dz2: np.ndarray                 # (N, H) dJ/dz2 = da2 * (z2 > 0)
    data_grads: dict                # the data loss's gradients, shapes of params
    grads: dict                     # dJ/dparams: data_grads plus 2 * reg * W for the weights


def backward(params: dict, X: np.ndarray, y: np.ndarray, reg: float) -> Backward:
    """The exact gradients of J (the exercise's derivation, Q2a-c) and the quantities on the way."""
    p = _float64(params)
    X = np.asarray(X, dtype=np.float64)
    N = X.shape[0]
    fwd = forward(p, X)
    dz3 = fwd.probs.copy()
    dz3[np.arange(N), np.asarray(y, dtype=np.int64)] -= 1.0
    dz3 /= N                                                       # (N, C)
    da2 = dz3 @ p["W2"].T                                          # (N, H)
    dz2 = da2 * (fwd.z2 > 0)                                       # (N, H)
    data = {"W1": X.T @ dz2, "b1": dz2.sum(axis=0), "W2": fwd.a2.T @ dz3, "b2": dz3.sum(axis=0)}
    grads = {k: data[k] + (2.0 * reg * p[k] if k.startswith("W") else 0.0) for k in PARAM_NAMES}
    return Backward(fwd, dz3, da2, dz2, data, grads)
