"""Q3a: what the histories hold: accuracies of the model as it stands, on the minibatch and on X_val.

train() runs with the grader's predict() and loss(X) (sandbox/probes/grader_net.py), which record
every prediction train() asks for: in which iteration, about which rows, and what they answered.
Each epoch's train_acc_history entry must be the accuracy of a prediction made in that iteration
on that iteration's minibatch, and its val_acc_history entry the accuracy of one made on the whole
X_val. An error rate (the fraction wrong), a model from another iteration or other rows does not
match, and the sentence says which it was.
"""
from __future__ import annotations

import numpy as np

from ..sandbox.exchange import Minibatches
from .compare import plain

TOL = 1e-12
ENTRIES = {
    "train_acc_history": ("predict(X_batch)", "(self.predict(X_batch) == y_batch).mean()"),
    "val_acc_history": ("predict(X_val)", "(self.predict(X_val) == y_val).mean()"),
}


def _accuracies(got: Minibatches, iteration: int, batch: np.ndarray, y: np.ndarray,
                y_val: np.ndarray) -> dict[str, list[float]]:
    """{history key: the accuracies of the predictions made in `iteration` on its minibatch
    (rows `batch` of X) / on X_val}."""
    calls = got.predictions
    found: dict[str, list[float]] = {"train_acc_history": [], "val_acc_history": []}
    if calls is None:
        return found
    ends = np.cumsum(calls.rows)
    train_index, val_index = calls.train_index.astype(np.int64), calls.val_index.astype(np.int64)
    labels = plain(calls.labels, "the predictions during train()")
    for k in np.flatnonzero(calls.iteration == iteration):
        rows = slice(int(ends[k] - calls.rows[k]), int(ends[k]))
        if np.array_equal(train_index[rows], batch):
            found["train_acc_history"].append(float(np.mean(labels[rows] == y[batch])))
        if np.array_equal(val_index[rows], np.arange(len(y_val))):
            found["val_acc_history"].append(float(np.mean(labels[rows] == y_val)))
    return found


def history_problems(got: Minibatches, y: np.ndarray, y_val: np.ndarray, iterations_per_epoch: int) -> list[str]:
    """One sentence per history whose first wrong entry is not the accuracy the exercise asks for.

    got.histories' accuracy lists must already have one entry per epoch; epoch j is iteration
    j * iterations_per_epoch, whose minibatch is the (j * iterations_per_epoch)-th loss(X, y) call.
    """
    starts = np.concatenate([[0], np.cumsum(got.batch_rows)])
    problems = []
    for key, (call, formula) in ENTRIES.items():
        history = plain(getattr(got.histories, key), key)
        for j, value in enumerate(history):
            it = j * iterations_per_epoch
            if it + 1 >= len(starts):
                break
            batch = got.batch_index[starts[it]:starts[it + 1]].astype(np.int64)
            found = _accuracies(got, it, batch, y, y_val)[key]
            if any(abs(value - a) <= TOL for a in found):
                continue
            if any(abs(value - (1.0 - a)) <= TOL for a in found):
                problems.append(f"{key}[{j}] = {value:.4g} is the error rate of {call} at iteration {it} (the "
                                f"fraction wrong), not its accuracy: record {formula}")
            elif not found:
                problems.append(f"{key}[{j}] = {value:.4g}, but train() did not call {call} in iteration {it}: "
                                f"record the accuracy of the model as it stands then, {formula}")
            else:
                problems.append(f"{key}[{j}] = {value:.4g}, but {call} at iteration {it} was right for a "
                                f"fraction {found[-1]:.4g} of the rows: record {formula}")
            break
    return problems
