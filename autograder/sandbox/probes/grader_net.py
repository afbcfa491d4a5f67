"""The grader's own two-layer net in numpy, for the probes of train() (Q3a).

train() is graded on its own: inside its probes, the student's `loss()` and `predict()` are
replaced by these, so a wrong gradient (Q2d) or a wrong predict() (Q1a) cannot cost Q3a too.
This lives with the probes, not with the oracles, because probes import no oracle; the checks
in the parent still judge everything against torch autograd.
"""
from __future__ import annotations

import numpy as np

from ..exchange import PARAM_NAMES


def forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z2 (N, H), a2 (N, H) and the softmax probabilities (N, C) of X (N, D), in float64."""
    X = np.asarray(X, dtype=np.float64)
    z2 = X @ params["W1"] + params["b1"]                   # (N, H)
    a2 = np.maximum(z2, 0.0)                               # (N, H)
    z3 = a2 @ params["W2"] + params["b2"]                  # (N, C)
    z3 = z3 - z3.max(axis=1, keepdims=True)
    exp = np.exp(z3)
    return z2, a2, exp / exp.sum(axis=1, keepdims=True)


def loss_and_grads(params: dict, X: np.ndarray, y: np.ndarray, reg: float) -> tuple[float, dict]:
    """Mean cross-entropy + reg * (|W1|^2 + |W2|^2) and its gradients (shapes of params)."""
    params = {k: np.asarray(params[k], dtype=np.float64) for k in PARAM_NAMES}
    X = np.asarray(X, dtype=np.float64)
    N = X.shape[0]
    z2, a2, probs = forward(params, X)
    y = np.asarray(y).astype(np.int64)
    loss = -np.log(probs[np.arange(N), y]).mean() + reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    dz3 = probs.copy()                                     # (N, C)
    dz3[np.arange(N), y] -= 1.0
    dz3 /= N
    dz2 = (dz3 @ params["W2"].T) * (z2 > 0)                # (N, H)
    grads = {"W1": X.T @ dz2 + 2.0 * reg * params["W1"], "b1": dz2.sum(axis=0),
             "W2": a2.T @ dz3 + 2.0 * reg * params["W2"], "b2": dz3.sum(axis=0)}
    return float(loss), grads


class GraderCalls:
    """Stands in for the student's loss() and predict() while train() runs.

    Reads the net's current params at every call, hands out the grader's loss and gradients,
    and records which rows of X_train each minibatch held (-1 for a row not found in X_train)
    and the gradients it handed out, in call order; and for every prediction (predict(X) or
    loss(X)), its iteration, the rows of X_train and X_val it was asked about and its answer.
    """

    def __init__(self, net, X_train: np.ndarray, X_val: np.ndarray | None = None):
        self.net = net
        self.row_of = _row_index(X_train)
        self.val_row_of = _row_index(X_val) if X_val is not None else {}
        self.batches: list[np.ndarray] = []
        self.handed_out: list[dict] = []
        self.predictions: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []

    def install(self) -> "GraderCalls":
        """Instance attributes: train() calling self.loss / self.predict gets the grader's."""
        self.net.loss = self.loss
        self.net.predict = self.predict
        return self

    def _params(self) -> dict:
        from . import StudentFailure, as_array

        params = getattr(self.net, "params", None)
        if not isinstance(params, dict):
            raise StudentFailure("bad_return", "self.params must stay a dict with keys W1, b1, W2, b2")
        return {k: as_array(params.get(k), f"params[{k!r}] during train()") for k in PARAM_NAMES}

    def loss(self, X, y=None, reg=0.0):
        if y is None:
            probs = forward(self._params(), X)[2]
            self._record(X, np.argmax(probs, axis=1))
            return probs
        rows = np.asarray(X, dtype=np.float64)
        self.batches.append(_indices(self.row_of, rows))
        loss, grads = loss_and_grads(self._params(), rows, y, float(reg))
        self.handed_out.append({k: g.copy() for k, g in grads.items()})
        return loss, grads

    def predict(self, X):
        labels = np.argmax(forward(self._params(), X)[2], axis=1)
        self._record(X, labels)
        return labels

    def _record(self, X, labels: np.ndarray) -> None:
        rows = np.asarray(X, dtype=np.float64)
        self.predictions.append((len(self.batches) - 1, _indices(self.row_of, rows),
                                 _indices(self.val_row_of, rows), labels.astype(np.int64)))


def _row_index(X: np.ndarray) -> dict:
    """{row bytes: the first index of that row in X (N, D)}."""
    index: dict = {}
    for i, row in enumerate(np.asarray(X, dtype=np.float64)):
        index.setdefault(row.tobytes(), i)
    return index


def _indices(index: dict, rows: np.ndarray) -> np.ndarray:
    """(M,) the index of each row of rows (M, D) in the table; -1 for a row not in it."""
    return np.array([index.get(r.tobytes(), -1) for r in rows], dtype=np.int64)
