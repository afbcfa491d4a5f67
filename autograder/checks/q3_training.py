"""Q3a (TwoLayerNet.train): SGD on the toy net, the update rule, and the per-epoch bookkeeping."""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles.reference_values import TOY_TRAIN_FINAL_LOSS_BELOW
from ..sandbox import TOY
from .cases import hidden_case, toy_case
from .compare import close, summary

FILES = ("two_layer_net.py",)


@check("Q3a", points=2.0, files=FILES, time_limit_s=30.0)
def toy_training(ctx) -> Outcome:
    """Training the toy net (lr 0.1, reg 5e-6, 100 iterations) ends with loss < 0.02"""
    case = toy_case()
    got = ctx.probe("two_layer_training.toy_training",
                    case.inputs(learning_rate=0.1, reg=5e-6, num_iters=100, seed=0),
                    TOY.scaled(wall_s=30.0))
    losses = got["loss_history"]
    if losses.size == 0:
        return Outcome.failed("loss_history is empty: append the loss of every iteration")
    final = float(losses[-1])
    details = f"loss: first {losses[0]:.4f}, last {final:.4f} after {losses.size} recorded iterations"
    if not np.isfinite(final):
        return Outcome.failed("the final loss is NaN or inf: check the update's sign and step",
                              details, final_loss=None)
    if final < TOY_TRAIN_FINAL_LOSS_BELOW:
        return Outcome.passed(f"final loss {final:.4f} < {TOY_TRAIN_FINAL_LOSS_BELOW}", details,
                              final_loss=final)
    hint = ("\nHint: the loss should fall: params[k] -= learning_rate * grads[k] for every k, "
            "with a fresh minibatch each iteration.")
    return Outcome.failed(f"final loss {final:.4f} is not below {TOY_TRAIN_FINAL_LOSS_BELOW}",
                          details + hint, final_loss=final)


@check("Q3a", points=2.0, files=FILES)
def sgd_update(ctx) -> Outcome:
    """One SGD step sets params[k] to params[k] - learning_rate * grads[k] for every k"""
    case = hidden_case(ctx.rng("step"), (1, 5, 6, 3), "step net")
    lr = 0.3
    X = np.repeat(case.X, 4, axis=0)  # identical samples: every minibatch has the same gradient
    y = np.repeat(case.y, 4)
    got = ctx.probe("two_layer_training.sgd_step",
                    {**case.params, "X": X, "y": y, "reg": 0.01, "learning_rate": lr, "seed": 0,
                     "batch_size": 4}, TOY)
    comparisons = []
    for name, value in case.params.items():
        expected = value - lr * got[f"grad_{name}"]
        comparisons.append(close(f"params[{name!r}] after one step", got[f"new_{name}"], expected, 1e-8))
    ok, first, lines = summary(comparisons)
    hint = "" if ok else ("\nHint: update with the learning rate of this iteration and subtract "
                          "(descend): self.params[k] -= learning_rate * grads[k], for all four keys.")
    return Outcome(1.0 if ok else 0.0, "every parameter takes the SGD step" if ok else first, lines + hint)


@check("Q3a", points=1.0, files=FILES)
def minibatches_and_histories(ctx) -> Outcome:
    """Each iteration uses batch_size samples; accuracies are recorded once per epoch"""
    rng = ctx.rng("histories")
    case = hidden_case(rng, (50, 6, 5, 3), "history net")
    val = hidden_case(rng, (20, 6, 5, 3), "validation")
    num_iters, batch_size = 20, 10  # 50 samples / 10 per batch: 5 iterations per epoch, 4 epochs
    got = ctx.probe("two_layer_training.minibatches",
                    {**case.params, "X": case.X, "y": case.y, "X_val": val.X, "y_val": val.y,
                     "num_iters": num_iters, "batch_size": batch_size, "seed": 0}, TOY)
    rows = got["batch_rows"]
    problems = []
    if rows.size != num_iters or np.any(rows != batch_size):
        sizes = sorted(set(int(r) for r in rows))
        problems.append(f"loss(X, y) was called {rows.size} times with batches of {sizes} rows; "
                        f"expected {num_iters} calls with {batch_size} rows (one minibatch per iteration)")
    if got["loss_history"].size != num_iters:
        problems.append(f"loss_history has {got['loss_history'].size} entries; expected one per "
                        f"iteration ({num_iters})")
    epochs = num_iters // (case.X.shape[0] // batch_size)
    for key in ("train_acc_history", "val_acc_history"):
        if got[key].size != epochs:
            problems.append(f"{key} has {got[key].size} entries; expected one per epoch ({epochs})")
        elif np.any((got[key] < 0) | (got[key] > 1)):
            problems.append(f"{key} holds values outside [0, 1]: record accuracy as a fraction")
    if problems:
        return Outcome.failed(problems[0], "\n".join(problems))
    return Outcome.passed("minibatches and per-epoch histories as expected")
