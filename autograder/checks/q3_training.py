"""Q3a (TwoLayerNet.train): SGD on the toy net, the update rule, and the per-epoch bookkeeping."""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.reference_values import TOY_TRAIN_FINAL_LOSS_BELOW
from ..sandbox import TOY
from .cases import hidden_case, toy_case
from .compare import close, summary

FILES = ("two_layer_net.py",)


@check("Q3a", points=2.0, files=FILES, time_limit_s=30.0)
def toy_training(ctx) -> Outcome:
    """Training the toy net (lr 0.1, reg 5e-6, 100 iterations) ends with loss < 0.02"""
    case = toy_case()
    reg = 5e-6
    got = ctx.probe("two_layer_training.toy_training",
                    case.inputs(learning_rate=0.1, reg=reg, num_iters=100, seed=0),
                    TOY.scaled(wall_s=30.0))
    final_params = {k: got[f"final_{k}"] for k in case.params}
    if any(final_params[k].shape != v.shape or not np.all(np.isfinite(final_params[k]))
           for k, v in case.params.items()):
        return Outcome.failed("the trained params have the wrong shapes or hold NaN/inf: check the "
                              "update's sign and step")
    # Judged by the true loss of the trained params (torch), not the student's loss value, so a
    # mistake in the loss (Q1b) does not cost the training question too.
    final = torch_oracle.two_layer_net(final_params, case.X, case.y, reg)["loss"]
    losses = got["loss_history"]
    recorded = f"; your loss_history ends at {losses[-1]:.4f}" if losses.size else "; loss_history is empty"
    details = f"true loss of the trained params: {final:.4f} (limit {TOY_TRAIN_FINAL_LOSS_BELOW}){recorded}"
    if final < TOY_TRAIN_FINAL_LOSS_BELOW:
        return Outcome.passed(f"final loss {final:.4f} < {TOY_TRAIN_FINAL_LOSS_BELOW}", details,
                              final_loss=final)
    hint = ("\nHint: the loss should fall: params[k] -= learning_rate * grads[k] for every k, "
            "with a fresh minibatch each iteration.")
    return Outcome.failed(f"final loss {final:.4f} is not below {TOY_TRAIN_FINAL_LOSS_BELOW}",
                          details + hint, final_loss=final)


@check("Q3a", points=2.0, files=FILES)
def sgd_update(ctx) -> Outcome:
    """Each SGD step sets params[k] -= lr * grads[k], with lr decayed once per epoch"""
    case = hidden_case(ctx.rng("step"), (1, 5, 6, 3), "step net")
    lr, decay = 0.3, 0.5
    X = np.repeat(case.X, 4, axis=0)  # identical samples: every minibatch of 4 is the whole set
    y = np.repeat(case.y, 4)
    got = ctx.probe("two_layer_training.sgd_step",
                    {**case.params, "X": X, "y": y, "reg": 0.01, "learning_rate": lr,
                     "learning_rate_decay": decay, "seed": 0, "batch_size": 4}, TOY)
    first = [close(f"params[{k!r}] after one step", got[f"step1_{k}"], v - lr * got[f"grad0_{k}"], 1e-8)
             for k, v in case.params.items()]
    ok, first_problem, lines = summary(first)
    if not ok:
        return Outcome.failed(first_problem, lines + "\nHint: subtract (descend) for all four keys: "
                              "self.params[k] -= learning_rate * grads[k].")
    # One iteration per epoch (4 samples, batch 4): the second step uses lr * decay.
    second = [close(f"params[{k!r}] after the second step (lr x decay)", got[f"step2_{k}"],
                    got[f"step1_{k}"] - lr * decay * got[f"grad1_{k}"], 1e-8) for k in case.params]
    ok2, second_problem, lines2 = summary(second)
    if not ok2:
        return Outcome(0.75, f"the step is right, but {second_problem}", lines + "\n" + lines2 +
                       "\nHint: after each epoch, learning_rate *= learning_rate_decay.")
    return Outcome.passed("every parameter takes the SGD step; the learning rate decays per epoch",
                          lines + "\n" + lines2)


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
