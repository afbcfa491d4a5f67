"""Probes for Q3 (TwoLayerNet.train): toy training, one SGD step, histories, and CIFAR-10 training."""
from __future__ import annotations

import time

import numpy as np

from datasets.cifar10 import features, mean_image
from . import StudentFailure, Submission, as_array, as_float
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


def _grads_at(submission: Submission, params: dict, X, y, reg: float) -> dict:
    returned = build_net(submission, params).loss(X.copy(), y.copy(), reg=reg)
    if not isinstance(returned, tuple) or len(returned) != 2 or not isinstance(returned[1], dict):
        raise StudentFailure("bad_return", "loss(X, y, reg) should return (loss, grads)")
    return {k: as_array(returned[1].get(k), f"grads[{k!r}]") for k in PARAM_NAMES}


def _train(submission: Submission, params: dict, inputs: dict, num_iters: int):
    net = build_net(submission, params)
    np.random.seed(int(inputs["seed"]))
    net.train(inputs["X"], inputs["y"], inputs["X"], inputs["y"],
              learning_rate=float(inputs["learning_rate"]),
              learning_rate_decay=float(inputs["learning_rate_decay"]), reg=float(inputs["reg"]),
              num_iters=num_iters, batch_size=int(inputs["batch_size"]), verbose=False)
    return net


def toy_training(inputs: dict, submission: Submission) -> dict:
    """Train the toy net as the exercise does; returns the histories and the final params."""
    net = build_net(submission, params_from(inputs))
    np.random.seed(int(inputs["seed"]))
    stats = net.train(inputs["X"], inputs["y"], inputs["X"], inputs["y"],
                      learning_rate=float(inputs["learning_rate"]), reg=float(inputs["reg"]),
                      num_iters=int(inputs["num_iters"]), verbose=False)
    return {**_histories(stats), **_params_of(net, "final_")}


def sgd_step(inputs: dict, submission: Submission) -> dict:
    """Two iterations of train() on identical samples (every minibatch is the same) with one
    iteration per epoch, so the second step uses the decayed learning rate.

    Returns grad0_<k> (the student's loss() at the start), step1_<k> (after train(num_iters=1)),
    grad1_<k> (loss() at step1) and step2_<k> (after train(num_iters=2) from the start).
    """
    params = params_from(inputs)
    X, y, reg = inputs["X"], inputs["y"], float(inputs["reg"])
    out = {f"grad0_{k}": v for k, v in _grads_at(submission, params, X, y, reg).items()}
    step1 = _params_of(_train(submission, params, inputs, 1), "")
    out.update({f"step1_{k}": v for k, v in step1.items()})
    out.update({f"grad1_{k}": v for k, v in _grads_at(submission, step1, X, y, reg).items()})
    out.update(_params_of(_train(submission, params, inputs, 2), "step2_"))
    return out


def minibatches(inputs: dict, submission: Submission) -> dict:
    """train() on N samples with a small batch: records the rows of every loss(X, y) call."""
    net = build_net(submission, params_from(inputs))
    method = net.loss
    batch_rows: list[int] = []

    def recording_loss(X, y=None, reg=0.0):
        if y is not None:
            batch_rows.append(int(np.shape(X)[0]))
        return method(X, y, reg=reg)

    net.loss = recording_loss  # an instance attribute: train() calling self.loss gets the recorder
    np.random.seed(int(inputs["seed"]))
    stats = net.train(inputs["X"], inputs["y"], inputs["X_val"], inputs["y_val"],
                      learning_rate=1e-3, num_iters=int(inputs["num_iters"]),
                      batch_size=int(inputs["batch_size"]), verbose=False)
    return {**_histories(stats), "batch_rows": np.array(batch_rows[:MAX_HISTORY])}


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
