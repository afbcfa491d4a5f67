"""Q3a: which rows train() drew into its minibatches, compared with np.random.choice's draws.

The exercise draws every minibatch anew, with replacement, from all num_train rows. A fixed slice
(X[:batch_size]), a shuffle followed by consecutive slices, or a draw without replacement trains
too, but is not what the TODO asks; each gets its own sentence.
"""
from __future__ import annotations

import numpy as np


def minibatch_problems(sizes: np.ndarray, rows: np.ndarray, num_iters: int, batch_size: int,
                       num_train: int) -> tuple[list[str], str]:
    """(problems, one-line hint) for the minibatches of one train() run.

    sizes (num_calls,): rows per loss(X, y) call; rows (sum(sizes),): the indices of X they held,
    -1 for a row that is not one of X's. With the check's sizes (20 rows, batches of 10, 40
    iterations), draws with replacement repeat a row inside some batch and reach every row with
    near certainty (a row is missed with probability ~1e-9).
    """
    if sizes.size != num_iters or np.any(sizes != batch_size):
        found = sorted(set(int(r) for r in sizes))
        return ([f"loss(X, y) was called {sizes.size} times with batches of {found} rows; expected "
                 f"{num_iters} calls with {batch_size} rows (one minibatch per iteration)"],
                "idx = np.random.choice(num_train, batch_size); X_batch, y_batch = X[idx], y[idx]")
    batches = rows.reshape(num_iters, batch_size)
    if np.any(batches < 0):
        return (["a minibatch held rows that are not rows of X: index X and y with the same indices, "
                 "without changing the rows"], "X_batch = X[idx], y_batch = y[idx]")
    distinct = {tuple(b) for b in batches}
    if len(distinct) == 1:
        return ([f"every iteration used the same {batch_size} rows {sorted(set(batches[0].tolist()))[:6]}...: "
                 "a fixed slice such as X[:batch_size]? draw new rows each iteration"],
                "idx = np.random.choice(num_train, batch_size) inside the loop, every iteration")
    repeats = sum(len(set(b.tolist())) < batch_size for b in batches)
    if repeats == 0:
        per_epoch = num_train // batch_size
        epochs = [batches[i:i + per_epoch].ravel() for i in range(0, num_iters - per_epoch + 1, per_epoch)]
        if all(np.array_equal(np.sort(e), np.arange(num_train)) for e in epochs):
            what = ("a shuffle once, then consecutive slices" if len({tuple(e) for e in epochs}) == 1
                    else "a shuffle per epoch, then consecutive slices")
            return ([f"the minibatches walk through the data without replacement ({what}); the exercise "
                     "draws each minibatch with replacement"],
                    "idx = np.random.choice(num_train, batch_size) (replace=True, the default)")
        return ([f"no minibatch ever repeats a row in {num_iters} draws of {batch_size} from {num_train}: "
                 "drawn without replacement (replace=False?); the exercise draws with replacement"],
                "idx = np.random.choice(num_train, batch_size) (replace=True, the default)")
    never = sorted(set(range(num_train)) - set(rows.tolist()))
    if never:
        return ([f"rows {never[:8]} of {num_train} were never drawn in {num_iters * batch_size} draws: "
                 "draw from all num_train rows"],
                "idx = np.random.choice(num_train, batch_size): num_train = X.shape[0], not batch_size")
    return [], ""
