"""Probes for Q3 (TwoLayerNet.train): toy training, SGD steps, minibatches, and CIFAR-10 training.

The Q3a probes run the student's train() with the grader's own loss() and predict() in place of
the student's (grader_net.GraderCalls), so a mistake in the gradients (Q2d) or in predict() (Q1a)
does not cost Q3a as well.
"""
from __future__ import annotations

import time

import numpy as np

from datasets.cifar10 import features, mean_image
from . import StudentFailure, Submission, as_array, as_float
from .grader_net import GraderCalls
from .two_layer_net import PARAM_NAMES, build_net, params_from

MAX_HISTORY = 100_000  # entries kept of each history list


def _history(stats, key: str) -> np.ndarray:
    if not isinstance(stats, dict) or key not in stats:
        raise StudentFailure("bad_return", f"train() should return a dict with the key {key!r}")
    values = stats[key]
    if not isinstance(values, (list, tuple, np.ndarray)):
        raise StudentFailure("bad_return", f"train()[{key!r}] should be a list, got {type(values).__name__}")
    return np.array([as_float(v, f"an entry of train()[{key!r}]") for v in list(values)[:MAX_HISTORY]])


def _histories(stats) -> dict:
    return {key: _history(stats, key) for key in ("loss_history", "train_acc_history", "val_acc_history")}


def _params_of(net, prefix: str) -> dict:
    if not isinstance(getattr(net, "params", None), dict):
        raise StudentFailure("bad_return", "self.params must stay a dict with keys W1, b1, W2, b2")
    return {f"{prefix}{k}": as_array(net.params.get(k), f"params[{k!r}] after train()") for k in PARAM_NAMES}


def _train(submission: Submission, params: dict, inputs: dict, num_iters: int, X, y,
           X_val=None, y_val=None) -> tuple[object, GraderCalls, object]:
    """The student's train() on a net whose loss() and predict() are the grader's own."""
    net = build_net(submission, params)
    calls = GraderCalls(net, X).install()
    np.random.seed(int(inputs["seed"]))
    stats = net.train(X, y, X if X_val is None else X_val, y if y_val is None else y_val,
                      learning_rate=float(inputs["learning_rate"]),
                      learning_rate_decay=float(inputs.get("learning_rate_decay", 0.95)),
                      reg=float(inputs["reg"]), num_iters=num_iters,
                      batch_size=int(inputs["batch_size"]), verbose=False)
    return net, calls, stats


def toy_training(inputs: dict, submission: Submission) -> dict:
    """Train the toy net as the exercise does, with the grader's loss and gradients.

    Returns the histories, the final params (final_<k>) and how often train() called loss().
    """
    net, calls, stats = _train(submission, params_from(inputs), inputs, int(inputs["num_iters"]),
                               inputs["X"], inputs["y"])
    return {**_histories(stats), **_params_of(net, "final_"), "loss_calls": len(calls.batches)}


def sgd_step(inputs: dict, submission: Submission) -> dict:
    """train() for 1, 2, ... `iterations` iterations from the same start, on identical samples
    (every minibatch holds the same rows, so the gradients do not depend on the draw).

    Returns step<k>_<name>: the params after train(num_iters=k), and grad<j>_<name>: the
    gradients the grader handed out at iteration j of the longest run.
    """
    params = params_from(inputs)
    out: dict = {}
    for k in range(1, int(inputs["iterations"]) + 1):
        net, calls, _ = _train(submission, params, inputs, k, inputs["X"], inputs["y"])
        out.update(_params_of(net, f"step{k}_"))
    for j, grads in enumerate(calls.handed_out):
        out.update({f"grad{j}_{name}": g for name, g in grads.items()})
    out["loss_calls"] = len(calls.handed_out)
    return out


def minibatches(inputs: dict, submission: Submission) -> dict:
    """train() on N distinct samples with a small batch: which rows each loss(X, y) call held.

    Returns the histories, batch_rows (rows per call) and batch_index (the rows of X each call
    held, concatenated; -1 for a row that is not one of X's).
    """
    _, calls, stats = _train(submission, params_from(inputs), {**inputs, "learning_rate": 1e-3, "reg": 0.0},
                             int(inputs["num_iters"]), inputs["X"], inputs["y"], inputs["X_val"], inputs["y_val"])
    batches = calls.batches[:MAX_HISTORY]
    return {**_histories(stats), "batch_rows": np.array([len(b) for b in batches], dtype=np.int64),
            "batch_index": np.concatenate(batches)[:MAX_HISTORY * 10] if batches else np.zeros(0, np.int64)}


def cifar_training(inputs: dict, submission: Submission) -> dict:
    """Train on CIFAR-10 with the student's settings; returns the trained params and histories.

    Inputs: x_train uint8 (49000, 32, 32, 3), y_train (49000,), x_val uint8 (1000, 32, 32, 3),
    y_val (1000,), settings, seed. No test image or label ever reaches this process: the parent
    scores the returned params with its own forward pass. The grader initialises the params
    (float32, fixed seed) and seeds numpy's global generator, so the same submission trains the
    same way every run.
    """
    mean = mean_image(inputs["x_train"])
    X_train = features(inputs.pop("x_train"), mean)                    # (49000, 3072) float32
    X_val = features(inputs.pop("x_val"), mean)                        # (1000, 3072)
    settings = inputs["settings"]
    H = int(settings["hidden_size"])
    D, C = X_train.shape[1], 10
    rng = np.random.RandomState(int(inputs["seed"]))
    std = float(settings.get("std", 1e-4))
    params = {"W1": (std * rng.randn(D, H)).astype(np.float32), "b1": np.zeros(H, np.float32),
              "W2": (std * rng.randn(H, C)).astype(np.float32), "b2": np.zeros(C, np.float32)}
    net = build_net(submission, params, std=std)
    np.random.seed(int(inputs["seed"]))
    started = time.perf_counter()
    stats = net.train(X_train, inputs["y_train"], X_val, inputs["y_val"],
                      learning_rate=settings["learning_rate"],
                      learning_rate_decay=settings["learning_rate_decay"], reg=settings["reg"],
                      num_iters=settings["num_iters"], batch_size=settings["batch_size"], verbose=False)
    train_seconds = time.perf_counter() - started
    out = _histories(stats)
    out.update(_params_of(net, ""))
    out["train_seconds"] = train_seconds
    return out
