"""Torch as the oracle: autograd in float64 for the numpy half (forward, loss and gradients), and the
grader's own Linear/ReLU stack for Q4b. The checks call these functions; the torch work itself runs
in the oracle process (oracles/service.py, oracles/torch_computations.py), so the grading parent
never imports torch."""
from __future__ import annotations

import numpy as np

from ..sandbox.exchange import PARAM_NAMES, Layer
from .service import ORACLE


def two_layer_net(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray | None = None,
                  reg: float = 0.0) -> dict[str, object]:
    """The exercise's net: softmax(ReLU(X W1 + b1) W2 + b2).

    Inputs: params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); X (N, D); y (N,) or None.
    Returns {"probs": (N, C)} and, with y, also "loss" (mean cross-entropy + reg * (|W1|^2 +
    |W2|^2)) and "grads" {name: array shaped like params[name]}, all float64.
    """
    arrays = {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_NAMES}
    return ORACLE.call("two_layer_net", params=arrays, X=np.asarray(X, dtype=np.float64),
                       y=None if y is None else np.asarray(y, dtype=np.int64), reg=float(reg))


def chain_rule(W: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray | float]:
    """g(x)_p = sum_q W[p,q] x_q^2, f(y) = sum_p y_p^2; returns g (P,), f(g(x)) and d f(g(x))/dx (Q,)."""
    return ORACLE.call("chain_rule", W=np.asarray(W, dtype=np.float64), x=np.asarray(x, dtype=np.float64))


def grader_steps(start: list[Layer], images: np.ndarray, labels: np.ndarray, optimizer: dict, lr: float,
                 decay: float) -> tuple[list[Layer] | None, str]:
    """Two steps of the optimizer class the student chose (`optimizer`: its name and settings) on
    the grader's own Linear/ReLU stack holding `start`, on images (B, 3, 32, 32) and labels (B,),
    the learning rate multiplied by `decay` after each step. Returns (the layers after the steps,
    "") or (None, why the optimizer cannot be rebuilt)."""
    got = ORACLE.call("grader_steps", start=[_plain(layer) for layer in start], images=np.asarray(images),
                      labels=np.asarray(labels), optimizer=optimizer, lr=float(lr), decay=float(decay))
    if got["layers"] is None:
        return None, got["problem"]
    return [Layer(layer["weight"], layer["bias"]) for layer in got["layers"]], ""


def mlp_predictions(layers: list[Layer], images: np.ndarray, batch: int = 2000) -> np.ndarray:
    """The grader's Linear/ReLU stack holding `layers` (float32, as nn.Linear would) on uint8 images
    (N, 32, 32, 3), normalised as the given loaders do: the argmax of its logits, (N,). Sent
    `batch` images at a time, so neither process holds a second copy of all of them."""
    plain = [_plain(layer, np.float32) for layer in layers]
    parts = [ORACLE.call("mlp_predictions", layers=plain, images=np.ascontiguousarray(images[start:start + batch]))
             for start in range(0, len(images), batch)]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _plain(layer: Layer, dtype=None) -> dict[str, np.ndarray]:
    return {"weight": np.asarray(layer.weight, dtype=dtype), "bias": np.asarray(layer.bias, dtype=dtype)}
