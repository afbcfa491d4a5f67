"""Q4b (mlp.py + hyperparams.py): the training loop, evaluate(), and accuracy on CIFAR-10."""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..sandbox import TORCH
from ..sandbox.exchange import Evaluation, Layer, TrainedMlp, TwoSteps
from .cifar import CifarTraining, WeightsProblem, mlp_macs, train_and_score
from .compare import close, summary

FILES = ("mlp.py",)
HIDDEN = [16]
FULL_AT, ZERO_AT = 0.50, 0.42
# Multiply-accumulates of one training: epochs * 49,000 * sum(in * out) over the Linear layers.
# The solution's settings ([200, 200], 7 epochs) use 2.3e11, ~20-25 s on one core.
MAX_MACS = 3.0e11
TIME_LIMIT_S = 150.0


@check("Q4b", points=1.0, files=FILES, time_limit_s=60.0)
def two_training_steps(ctx) -> Outcome:
    """Two epochs of train_model on one fixed batch equal two steps of your optimizer done by the grader

    train_model trains the grader's own Linear/ReLU model here, so a mistake in the student's
    architecture (Q4a) does not cost this check too.
    """
    rng = ctx.rng("steps")
    images = rng.randn(8, 3, 32, 32).astype(np.float32)
    labels = rng.randint(10, size=8)
    widths = [3072, *HIDDEN, 10]
    start = [Layer((rng.randn(b, a) * 0.02).astype(np.float32), (rng.randn(b) * 0.1).astype(np.float32))
             for a, b in zip(widths[:-1], widths[1:])]
    lr, decay, wd = 0.01, 0.5, 0.01
    got = ctx.probe("mlp_training.two_steps", TwoSteps(start, images, labels, learning_rate=lr,
                                                       learning_rate_decay=decay, weight_decay=wd), TORCH)
    optimizer = got.optimizer
    if not abs(float(optimizer["settings"].get("weight_decay", 0.0)) - wd) <= 1e-12:  # NaN fails too
        return Outcome.failed("make_optimizer() ignores weight_decay: pass it to the optimizer",
                              f"optimizer: {optimizer}")
    expected, problem = torch_oracle.grader_steps(start, images, labels, optimizer, lr, decay)
    if expected is None:
        return Outcome.failed(problem, f"optimizer: {optimizer}")
    comparisons = []
    for j, (want, have) in enumerate(zip(expected, got.layers)):  # the grader's own model: same layers
        comparisons.append(close(f"Linear {j} weight after 2 steps", have.weight, want.weight, 1e-4))
        comparisons.append(close(f"Linear {j} bias after 2 steps", have.bias, want.bias, 1e-4))
    history_ok = all(getattr(got.history, k).size == 2 for k in ("loss", "train_acc", "val_acc"))
    ok, first, lines = summary(comparisons)
    details = f"optimizer: {optimizer['name']} {optimizer['settings']}\n{lines}"
    if not ok:
        unchanged = all(have.weight.shape == s.weight.shape and np.allclose(have.weight, s.weight)
                        for have, s in zip(got.layers, start))
        hint = ("the weights did not change: call optimizer.step() after loss.backward()" if unchanged else
                "per batch: optimizer.zero_grad(), logits = model(images), loss = criterion(logits, labels), "
                "loss.backward(), optimizer.step(); after each epoch multiply every param group's lr by the decay")
        return Outcome.failed(f"{first}; {hint}", details + "\nHint: " + hint)
    if got.steps_in_eval_mode > 0:
        return Outcome(0.5, f"{got.steps_in_eval_mode} training step(s) ran in eval mode: call "
                       "model.train() at the start of every epoch (evaluate() leaves the model in eval "
                       "mode, which switches dropout off)", details)
    if not history_ok:
        return Outcome(0.5, "the steps are right, but the history needs one entry per epoch in loss, "
                       "train_acc and val_acc", details)
    return Outcome.passed(f"two steps of {optimizer['name']} match", details)


@check("Q4b", points=0.5, files=FILES, time_limit_s=60.0)
def evaluation(ctx) -> Outcome:
    """evaluate() runs in eval mode and counts every sample, also in a short last batch"""
    rng = ctx.rng("evaluate")
    n, batch = 23, 10
    labels = rng.randint(10, size=n)
    predicted = labels.copy()
    predicted[:20:2] = (labels[:20:2] + 1) % 10   # half of the first 20 wrong; the short last batch right
    images = np.zeros((n, 3, 32, 32), np.float32)
    images[:, 0, 0, 0] = predicted                 # the grader's model predicts the first pixel's class
    got = ctx.probe("mlp_training.evaluation", Evaluation(images, labels, batch), TORCH)
    expected = float(np.mean(predicted == labels))
    problems = []
    if got.training_calls > 0:
        problems.append("the model was in training mode during evaluate(): call model.eval() first "
                        "(dropout would otherwise change the predictions)")
    if got.seen != n:
        problems.append(f"evaluate() ran the model on {got.seen} samples; the loader holds {n}")
    if not abs(got.accuracy - expected) <= 1e-9:  # written so that a NaN accuracy fails
        problems.append(f"evaluate() returned {got.accuracy:.4f}; expected {expected:.4f} (correct "
                        "predictions over all samples, not over the last batch or averaged per batch)")
    if problems:
        return Outcome.failed(problems[0], "\n".join(problems))
    return Outcome.passed("eval mode, every sample counted")


def _predict(got: TrainedMlp, settings: dict, images: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The trained Linear layers loaded into the grader's own Linear/ReLU stack (in the oracle
    process): argmax of its logits on the normalised images, (N,)."""
    widths = [3072, *settings["hidden_layers"], 10]
    expected = [(b, a) for a, b in zip(widths[:-1], widths[1:])]
    shapes = [tuple(layer.weight.shape) for layer in got.layers]
    if shapes != expected:
        raise WeightsProblem(f"your trained model's Linear layers have weight shapes {shapes}; the "
                             f"grader rebuilds hidden_layers={settings['hidden_layers']} as Linear/ReLU "
                             f"layers of shapes {expected} (see Q4a)")
    return torch_oracle.mlp_predictions(got.layers, images)


SPEC = CifarTraining("hyperparams.mlp", "mlp_training.cifar_training",
                     validate=lambda settings: _validate(settings), at_least_one=("epochs", "batch_size"),
                     non_negative=("weight_decay",), macs=mlp_macs,
                     budget_formula="epochs * 49,000 * sum of in*out of the Linear layers",
                     max_macs=MAX_MACS, zero_at=ZERO_AT, full_at=FULL_AT, time_limit_s=TIME_LIMIT_S,
                     predict=_predict)


@check("Q4b", points=1.5, files=("mlp.py", "hyperparams.py"), time_limit_s=TIME_LIMIT_S,
       depends_on=("Q4a.architecture",))
def cifar_accuracy(ctx) -> Outcome:
    """Your hyperparams.mlp() reach >= 50% test accuracy on CIFAR-10 (partial from 42%)"""
    outcome, got = train_and_score(ctx, SPEC, threads=ctx.config.threads_per_probe)
    if got is not None:
        outcome.artifacts = {k: getattr(got.history, k).tolist() for k in ("loss", "train_acc", "val_acc")}
    return outcome


def _validate(settings: dict) -> list[str]:
    """What only the MLP's settings can get wrong (settings_problems checks the rest)."""
    problems = []
    if not settings["hidden_layers"] or min(settings["hidden_layers"]) < 1:
        problems.append("hidden_layers must list at least one positive width")
    if not 0 <= settings.get("dropout", 0.0) < 1:
        problems.append(f"dropout must be in [0, 1), got {settings['dropout']}")
    return problems
