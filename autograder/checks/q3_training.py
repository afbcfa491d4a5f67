"""Q3a (TwoLayerNet.train): SGD on the toy net, the update rule, and the minibatches and histories.

train() is graded on its own: its probes swap in the grader's own loss() and predict() (see
sandbox/probes/grader_net.py), so a wrong gradient costs Q2d only and a wrong predict() Q1a only.
"""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.reference_values import TOY_TRAIN_FINAL_LOSS_BELOW
from ..sandbox import TOY
from ..sandbox.exchange import Net, SgdSteps, Training
from .cases import hidden_case, toy_case
from .compare import close, summary
from .diagnose import describe_schedule, expected_schedule, fitted_steps
from .history_values import history_problems
from .minibatch_rows import minibatch_problems

FILES = ("two_layer_net.py",)
NOT_CALLED = ("train() never called self.loss(X_batch, y=y_batch, reg=reg), the line the skeleton "
              "gives: keep it, train() must take its gradients from loss()")


@check("Q3a", points=2.0, files=FILES, time_limit_s=30.0)
def toy_training(ctx) -> Outcome:
    """Training the toy net (lr 0.1, reg 5e-6, 100 iterations) ends with loss < 0.02"""
    case = toy_case()
    reg = 5e-6
    got = ctx.probe("two_layer_training.toy_training",
                    Training(case.net(), learning_rate=0.1, learning_rate_decay=0.95, reg=reg,
                             num_iters=100, batch_size=200, seed=0),
                    TOY.scaled(wall_s=30.0))
    if got.loss_calls == 0:
        return Outcome.failed(NOT_CALLED)
    final_params = got.params
    if any(final_params[k].shape != v.shape or not np.all(np.isfinite(final_params[k]))
           for k, v in case.params.items()):
        return Outcome.failed("the trained params have the wrong shapes or hold NaN/inf: check the "
                              "update's sign and step", hint="self.params[k] -= learning_rate * grads[k]")
    # Judged by the true loss of the trained params (torch); train() got the grader's gradients.
    final = torch_oracle.two_layer_net(final_params, case.X, case.y, reg)["loss"]
    losses = got.histories.loss_history
    recorded = f"; your loss_history ends at {losses[-1]:.4f}" if losses.size else "; loss_history is empty"
    details = (f"train() ran with the grader's loss() and gradients (yours are graded in Q1b and Q2d).\n"
               f"true loss of the trained params: {final:.4f} (limit {TOY_TRAIN_FINAL_LOSS_BELOW}){recorded}")
    if final < TOY_TRAIN_FINAL_LOSS_BELOW:
        return Outcome.passed(f"final loss {final:.4f} < {TOY_TRAIN_FINAL_LOSS_BELOW}", details,
                              final_loss=final)
    start = torch_oracle.two_layer_net(case.params, case.X, case.y, reg)["loss"]
    trend = "rose" if final > start else "fell too little"
    hint = ("the loss should fall: params[k] -= learning_rate * grads[k] for every k, with a fresh "
            "minibatch each iteration (see the SGD-step check)")
    return Outcome.failed(f"with the grader's gradients, the loss {trend} ({start:.4f} -> {final:.4f}; "
                          f"limit {TOY_TRAIN_FINAL_LOSS_BELOW}): the bug is in train()",
                          details + "\nHint: " + hint, hint=hint, final_loss=final)


@check("Q3a", points=2.0, files=FILES)
def sgd_update(ctx) -> Outcome:
    """Each SGD step sets params[k] -= lr * grads[k], with lr decayed once per epoch"""
    case = hidden_case(ctx.rng("step"), (1, 5, 6, 3), "step net")
    lr, decay, batch_size, iterations = 0.3, 0.5, 4, 3
    X = np.repeat(case.X, 8, axis=0)  # identical samples: every minibatch is the same; 2 iterations per epoch
    y = np.repeat(case.y, 8)
    got = ctx.probe("two_layer_training.sgd_step",
                    SgdSteps(Training(Net(case.params, X, y), reg=0.01, learning_rate=lr,
                                      learning_rate_decay=decay, seed=0, batch_size=batch_size,
                                      num_iters=iterations), iterations), TOY)
    if got.loss_calls != iterations:
        return Outcome.failed(NOT_CALLED if got.loss_calls == 0 else
                              f"train(num_iters={iterations}) called loss(X, y) {got.loss_calls} "
                              "times: once per iteration")
    schedule = expected_schedule(lr, decay, iterations, iterations_per_epoch=X.shape[0] // batch_size)
    steps = [dict(case.params), *got.steps]
    grads = got.handed_out
    first = [close(f"params[{k!r}] after one step", steps[1][k], v - lr * grads[0][k], 1e-8)
             for k, v in case.params.items()]
    ok, first_problem, lines = summary(first)
    fitted = fitted_steps(steps, grads)
    diagnosis, hint = describe_schedule(fitted, schedule)
    if not ok:
        feedback = f"{diagnosis} ({first_problem})" if diagnosis else first_problem
        return Outcome.failed(feedback, lines + f"\nHint: {hint}", hint=hint)
    later = [close(f"params[{k!r}] after step {j + 1} (lr {schedule[j]:g})", steps[j + 1][k],
                   steps[j][k] - schedule[j] * grads[j][k], 1e-8)
             for j in range(1, iterations) for k in case.params]
    ok2, second_problem, lines2 = summary(later)
    if not ok2:
        feedback = f"the first step is right, but {diagnosis or second_problem}"
        return Outcome(0.75, feedback, lines + "\n" + lines2 + f"\nHint: {hint}", hint=hint)
    return Outcome.passed("every parameter takes the SGD step; the learning rate decays per epoch",
                          lines + "\n" + lines2)


@check("Q3a", points=1.0, files=FILES)
def minibatches_and_histories(ctx) -> Outcome:
    """Each iteration draws batch_size random rows with replacement; each epoch records the current accuracies"""
    rng = ctx.rng("histories")
    case = hidden_case(rng, (20, 6, 5, 3), "history net")
    val = hidden_case(rng, (20, 6, 5, 3), "validation")
    num_iters, batch_size = 40, 10  # 20 samples / 10 per batch: 2 iterations per epoch, 20 epochs
    got = ctx.probe("two_layer_training.minibatches",
                    Training(case.net(), learning_rate=1e-3, reg=0.0, num_iters=num_iters,
                             batch_size=batch_size, seed=0, X_val=val.X, y_val=val.y), TOY)
    if got.batch_rows.size == 0:
        return Outcome.failed(NOT_CALLED)
    problems, hint = minibatch_problems(got.batch_rows, got.batch_index, num_iters, batch_size,
                                        case.X.shape[0])
    if got.histories.loss_history.size != num_iters:
        problems.append(f"loss_history has {got.histories.loss_history.size} entries; expected one per "
                        f"iteration ({num_iters})")
    iterations_per_epoch = case.X.shape[0] // batch_size
    epochs = num_iters // iterations_per_epoch
    for key in ("train_acc_history", "val_acc_history"):
        history = getattr(got.histories, key)
        if history.size != epochs:
            problems.append(f"{key} has {history.size} entries; expected one per epoch ({epochs})")
        elif not np.all((history >= 0) & (history <= 1)):
            problems.append(f"{key} holds values outside [0, 1]: record accuracy as a fraction")
    if not problems:
        problems = history_problems(got, case.y, val.y, iterations_per_epoch)
        if problems and not hint:
            hint = ("keep the given once-per-epoch block: it records the accuracy of the model as it stands, "
                    "(self.predict(X_batch) == y_batch).mean() and (self.predict(X_val) == y_val).mean()")
    if problems:
        return Outcome.failed(problems[0], "\n".join(problems) + (f"\nHint: {hint}" if hint else ""),
                              hint=hint)
    return Outcome.passed("fresh random minibatches with replacement; per-epoch histories as expected",
                          f"{num_iters} minibatches of {batch_size} rows from {case.X.shape[0]}, "
                          "drawn anew each iteration, with replacement, covering every row; every history "
                          "entry is the accuracy of predict() on that epoch's minibatch or on X_val")
