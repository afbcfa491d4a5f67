"""Probes for Q3 (TwoLayerNet.train): toy training, SGD steps, minibatches, and CIFAR-10 training.

The Q3a probes run the student's train() with the grader's own loss() and predict() in place of
the student's (grader_net.GraderCalls), so a mistake in the gradients (Q2d) or in predict() (Q1a)
does not cost Q3a as well.
"""
from __future__ import annotations

import time

import numpy as np

from datasets.cifar10 import FeatureRows, features, mean_image
from ..exchange import (PARAM_NAMES, CifarData, Histories, Minibatches, PredictionCalls, SgdSteps, SgdStepsOut,
                        Training, TrainedNet)
from . import StudentFailure, Submission, as_array, as_float
from .grader_net import GraderCalls
from .two_layer_net import build_net

MAX_HISTORY = 100_000  # entries kept of each history list


def _history(stats, key: str) -> np.ndarray:
    if not isinstance(stats, dict) or key not in stats:
        raise StudentFailure("bad_return", f"train() should return a dict with the key {key!r}")
    values = stats[key]
    if not isinstance(values, (list, tuple, np.ndarray)):
        raise StudentFailure("bad_return", f"train()[{key!r}] should be a list, got {type(values).__name__}")
    return np.array([as_float(v, f"an entry of train()[{key!r}]") for v in list(values)[:MAX_HISTORY]])


def _histories(stats) -> Histories:
    return Histories(*(_history(stats, key) for key in ("loss_history", "train_acc_history", "val_acc_history")))


def _params_of(net) -> dict:
    if not isinstance(getattr(net, "params", None), dict):
        raise StudentFailure("bad_return", "self.params must stay a dict with keys W1, b1, W2, b2")
    return {k: as_array(net.params.get(k), f"params[{k!r}] after train()") for k in PARAM_NAMES}


def _train(submission: Submission, run: Training, num_iters: int) -> tuple[object, GraderCalls, object]:
    """The student's train() on a net whose loss() and predict() are the grader's own."""
    X, y = run.net.X, run.net.y
    X_val, y_val = (X, y) if run.X_val is None else (run.X_val, run.y_val)
    net = build_net(submission, run.net.params)
    calls = GraderCalls(net, X, X_val).install()
    np.random.seed(run.seed)
    stats = net.train(X, y, X_val, y_val,
                      learning_rate=run.learning_rate, learning_rate_decay=run.learning_rate_decay,
                      reg=run.reg, num_iters=num_iters, batch_size=run.batch_size, verbose=False)
    return net, calls, stats


def toy_training(inputs: Training, submission: Submission) -> TrainedNet:
    """Train the toy net as the exercise does, with the grader's loss and gradients: the
    histories, the final params and how often train() called loss()."""
    net, calls, stats = _train(submission, inputs, inputs.num_iters)
    return TrainedNet(_histories(stats), _params_of(net), loss_calls=len(calls.batches))


def sgd_step(inputs: SgdSteps, submission: Submission) -> SgdStepsOut:
    """train() for 1, 2, ... `iterations` iterations from the same start, on identical samples
    (every minibatch holds the same rows, so the gradients do not depend on the draw): the params
    after each run, and the gradients the grader handed out at each iteration of the longest."""
    steps = []
    for k in range(1, inputs.iterations + 1):
        net, calls, _ = _train(submission, inputs.training, k)
        steps.append(_params_of(net))
    return SgdStepsOut(steps, list(calls.handed_out), len(calls.handed_out))


def minibatches(inputs: Training, submission: Submission) -> Minibatches:
    """train() on N distinct samples with a small batch: which rows each loss(X, y) call held, and
    what each prediction during train() was asked and answered (the histories' sources)."""
    _, calls, stats = _train(submission, inputs, inputs.num_iters)
    batches = calls.batches[:MAX_HISTORY]
    return Minibatches(_histories(stats), np.array([len(b) for b in batches], dtype=np.int64),
                       np.concatenate(batches)[:MAX_HISTORY * 10] if batches else np.zeros(0, np.int64),
                       _predictions(calls.predictions[:MAX_HISTORY]))


def _predictions(events: list) -> PredictionCalls:
    def joined(i: int) -> np.ndarray:
        return np.concatenate([e[i] for e in events]) if events else np.zeros(0, np.int64)

    return PredictionCalls(np.array([e[0] for e in events], dtype=np.int64),
                           np.array([len(e[1]) for e in events], dtype=np.int64), joined(1), joined(2), joined(3))


def cifar_training(inputs: CifarData, submission: Submission) -> TrainedNet:
    """Train on CIFAR-10 with the student's settings; returns the trained params and histories.

    No test image or label ever reaches this process: the parent scores the returned params with
    its own forward pass. The uint8 images stay memory-mapped; train() gets them as FeatureRows,
    the rows load_cifar10 gives, converted a minibatch at a time. The grader initialises the params (float32, fixed seed) and seeds
    numpy's global generator, so the same submission trains the same way every run.
    """
    mean = mean_image(inputs.x_train)                                  # (3072,) float32
    X_train = FeatureRows(inputs.x_train, mean)    # (49000, 3072): each minibatch converted when taken
    X_val = features(inputs.x_val, mean)                               # (1000, 3072)
    settings = inputs.settings
    H = int(settings["hidden_size"])
    D, C = X_train.shape[1], 10
    rng = np.random.RandomState(inputs.seed)
    std = float(settings.get("std", 1e-4))
    params = {"W1": (std * rng.randn(D, H)).astype(np.float32), "b1": np.zeros(H, np.float32),
              "W2": (std * rng.randn(H, C)).astype(np.float32), "b2": np.zeros(C, np.float32)}
    net = build_net(submission, params, std=std)
    np.random.seed(inputs.seed)
    started = time.perf_counter()
    stats = net.train(X_train, inputs.y_train, X_val, inputs.y_val,
                      learning_rate=settings["learning_rate"],
                      learning_rate_decay=settings["learning_rate_decay"], reg=settings["reg"],
                      num_iters=settings["num_iters"], batch_size=settings["batch_size"], verbose=False)
    train_seconds = time.perf_counter() - started
    return TrainedNet(_histories(stats), _params_of(net), train_seconds=train_seconds)
