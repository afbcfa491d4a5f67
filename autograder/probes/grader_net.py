"""The grader's own loss() and predict() for the probes of train() (Q3a).

train() is graded on its own: inside its probes, the student's `loss()` and `predict()` are
replaced by the grader's (`GraderCalls`), so a wrong gradient (Q2d) or a wrong predict() (Q1a)
cannot cost Q3a too. Their arithmetic is the grader's one numpy reference net
(oracles/reference_net.py: the forward pass, the loss and the backward pass, float64); the checks
in the parent still judge everything against torch autograd.
"""
from __future__ import annotations

import numpy as np

from ..oracles.reference_net import PARAM_NAMES, backward, forward
from ..oracles.reference_net import loss as reference_loss
from ..sandbox.student_code import StudentFailure, as_array


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
        params = getattr(self.net, "params", None)
        if not isinstance(params, dict):
            raise StudentFailure("bad_return", "self.params must stay a dict with keys W1, b1, W2, b2")
        return {k: as_array(params.get(k), f"params[{k!r}] during train()") for k in PARAM_NAMES}

    def loss(self, X, y=None, reg=0.0):
        if y is None:
            probs = forward(self._params(), X).probs
            self._record(X, np.argmax(probs, axis=1))
            return probs
        rows = np.asarray(X, dtype=np.float64)
        self.batches.append(_indices(self.row_of, rows))
        params = self._params()
        loss = reference_loss(params, rows, y, float(reg))
        grads = backward(params, rows, y, float(reg)).grads
        self.handed_out.append({k: g.copy() for k, g in grads.items()})
        return loss, grads

    def predict(self, X):
        labels = np.argmax(forward(self._params(), X).probs, axis=1)
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
