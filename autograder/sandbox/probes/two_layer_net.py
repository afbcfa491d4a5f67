"""Probes for Q1-Q3 (two_layer_net.py). Each builds a TwoLayerNet, sets its params to the grader's
arrays (never relying on the student's init), calls one method and returns plain arrays."""
from __future__ import annotations

import time

import numpy as np

from ...oracles.numerical import STEP, perturbations
from . import StudentFailure, Submission, as_array, as_float

PARAM_NAMES = ("W1", "b1", "W2", "b2")


def build_net(submission: Submission, params: dict, std: float = 1e-4):
    """A student TwoLayerNet of the params' sizes holding copies of `params`."""
    module = submission.module("two_layer_net")
    D, H = params["W1"].shape
    C = params["W2"].shape[1]
    net = module.TwoLayerNet(D, H, C, std=std)
    if not isinstance(getattr(net, "params", None), dict):
        raise StudentFailure("bad_return", "TwoLayerNet.__init__ must create self.params as a dict "
                             "with keys W1, b1, W2, b2")
    net.params.clear()  # keep the same dict object, in case the student's code aliases it
    net.params.update({k: params[k].copy() for k in PARAM_NAMES})
    return net


def params_from(inputs: dict) -> dict:
    return {k: inputs[k] for k in PARAM_NAMES}


def probabilities(inputs: dict, submission: Submission) -> dict:
    """Inputs W1, b1, W2, b2, X (N, D). Returns probs (N, C) = net.loss(X)."""
    net = build_net(submission, params_from(inputs))
    return {"probs": as_array(net.loss(inputs["X"].copy()), "loss(X) with y=None", ndim=2)}


def predict(inputs: dict, submission: Submission) -> dict:
    """Inputs W1, b1, W2, b2, X (N, D). Returns labels (N,) = net.predict(X)."""
    net = build_net(submission, params_from(inputs))
    return {"labels": as_array(net.predict(inputs["X"].copy()), "predict(X)", ndim=1)}


def loss_and_grads(inputs: dict, submission: Submission) -> dict:
    """Inputs params, X (N, D), y (N,), reg. Returns loss and grad_<name> for every parameter.

    While the Q2d TODO still raises, the loss is read from the local variable `loss` of the
    student's loss() (the skeleton stores it there), so Q1b can be graded before Q2d is written;
    `grads_missing` then holds the reason.
    """
    net = build_net(submission, params_from(inputs))
    try:
        returned = net.loss(inputs["X"].copy(), inputs["y"].copy(), reg=float(inputs["reg"]))
    except NotImplementedError as exc:
        loss = _loss_before_backward(exc)
        if loss is None:
            raise
        return {"loss": as_float(loss, "the loss"), "grads_missing": str(exc)}
    if not isinstance(returned, tuple) or len(returned) != 2:
        raise StudentFailure("bad_return", "loss(X, y, reg) should return a tuple (loss, grads), got "
                             f"{type(returned).__name__}")
    loss, grads = returned
    out = {"loss": as_float(loss, "the loss")}
    if not isinstance(grads, dict):
        raise StudentFailure("bad_return", f"grads should be a dict, got {type(grads).__name__}")
    for name in PARAM_NAMES:
        if name not in grads:
            raise StudentFailure("bad_return", f"grads has no key {name!r}; it needs W1, b1, W2, b2")
        out[f"grad_{name}"] = as_array(grads[name], f"grads[{name!r}]")
    return out


def _loss_before_backward(exc: NotImplementedError):
    """The `loss` local of TwoLayerNet.loss when the Q2d stub raised after the loss was computed."""
    if not str(exc).startswith("Q2d"):
        return None
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "loss" and "loss" in frame.f_locals:
            return frame.f_locals["loss"]
        tb = tb.tb_next
    return None


def gradient_check(inputs: dict, submission: Submission) -> dict:
    """loss_and_grads plus the student's loss at params +/- h along every parameter entry.

    Returns loss, grad_<name>, loss_plus (P,), loss_minus (P,); the +/- order is that of
    oracles.numerical.perturbations, so the parent can form centred differences.
    """
    out = loss_and_grads(inputs, submission)
    if "grads_missing" in out:
        raise NotImplementedError(out["grads_missing"])
    net = build_net(submission, params_from(inputs))
    X, y, reg = inputs["X"], inputs["y"], float(inputs["reg"])
    plus_values, minus_values = [], []
    for _, _, plus, minus in perturbations(params_from(inputs), STEP):
        for values, point in ((plus_values, plus), (minus_values, minus)):
            net.params.update({k: v.copy() for k, v in point.items()})
            result = net.loss(X.copy(), y.copy(), reg=reg)
            values.append(as_float(result[0] if isinstance(result, tuple) else result, "the loss"))
    out.update(loss_plus=np.array(plus_values), loss_minus=np.array(minus_values))
    return out


def timing(inputs: dict, submission: Submission) -> dict:
    """Median seconds of the student's loss(X, y) on a large batch and of the matrix products any
    vectorised implementation needs (the floor), measured interleaved in this process.

    While the Q2d TODO still raises, the forward pass loss(X) is timed against the forward
    products instead (forward_only = 1), so Q1c can be graded before Q2d is written.
    """
    params = params_from(inputs)
    net = build_net(submission, params)
    X, y, repeats = inputs["X"], inputs["y"], int(inputs["repeats"])
    W1, W2 = params["W1"], params["W2"]
    try:
        net.loss(X, y, reg=0.1)
        forward_only = False
    except NotImplementedError as exc:
        if not str(exc).startswith("Q2d"):
            raise
        forward_only = True

    def student() -> None:
        net.loss(X) if forward_only else net.loss(X, y, reg=0.1)

    def floor() -> None:
        scores = np.maximum(X @ W1, 0) @ W2           # (N, C): the forward products
        if not forward_only:
            X.T @ (scores @ W2.T)                     # (D, H): the dominant backward product

    student_times, floor_times = [], []
    for _ in range(repeats):
        for run, times in ((student, student_times), (floor, floor_times)):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return {"student_s": float(np.median(student_times)), "floor_s": float(np.median(floor_times)),
            "forward_only": int(forward_only)}
