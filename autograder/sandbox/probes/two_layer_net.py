"""Probes for Q1-Q3 (two_layer_net.py). Each builds a TwoLayerNet, sets its params to the grader's
arrays (never relying on the student's init), calls one method and returns plain arrays."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from ...oracles.numerical import STEP, perturbations
from . import StudentFailure, Submission, as_array, as_float

PARAM_NAMES = ("W1", "b1", "W2", "b2")
AUTODIFF_MODULES = ("torch", "jax", "autograd", "tensorflow", "mxnet", "paddle", "mlx")
# Taken when this module loads, before any student code: a submission that rebinds sys.settrace
# cannot stop the line count.
_SETTRACE, _GETTRACE = sys.settrace, sys.gettrace


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


def loss_and_grads(inputs: dict, submission: Submission, partial: bool = True) -> dict:
    """Inputs params, X (N, D), y (N,), reg. Returns loss and grad_<name> for every parameter.

    With `partial`, when loss() raises after the loss was computed (the Q2d stub, or a bug in the
    backward pass), the loss is read from the local variable `loss` of the student's loss() (the
    skeleton stores it there) and returned with `grads_missing`: Q1b is graded on its own, and a
    backward-pass bug costs Q2d only.
    """
    net = build_net(submission, params_from(inputs))
    try:
        returned = net.loss(inputs["X"].copy(), inputs["y"].copy(), reg=float(inputs["reg"]))
    except Exception as exc:
        loss = _loss_before_backward(exc) if partial else None
        if loss is None:
            raise
        return {"loss": as_float(loss, "the loss"), "grads_missing": f"{type(exc).__name__}: {exc}"}
    if not isinstance(returned, tuple) or len(returned) != 2:
        raise StudentFailure("bad_return", "loss(X, y, reg) should return a tuple (loss, grads), got "
                             f"{type(returned).__name__}")
    loss, grads = returned
    out = {"loss": as_float(loss, "the loss")}
    try:
        if not isinstance(grads, dict):
            raise StudentFailure("bad_return", f"grads should be a dict, got {type(grads).__name__}")
        for name in PARAM_NAMES:
            if name not in grads:
                raise StudentFailure("bad_return", f"grads has no key {name!r}; it needs W1, b1, W2, b2")
            out[f"grad_{name}"] = as_array(grads[name], f"grads[{name!r}]")
    except StudentFailure as failure:
        if not partial:
            raise
        # Unusable gradients are Q2d's to judge; the loss stands on its own (Q1b).
        return {"loss": out["loss"], "grads_missing": failure.message}
    return out


def _loss_before_backward(exc: Exception):
    """The number in the `loss` local of TwoLayerNet.loss when it raised after computing it."""
    if isinstance(exc, NotImplementedError) and not str(exc).startswith("Q2d"):
        return None  # an earlier TODO: whatever `loss` holds is not the student's loss yet
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "loss" and frame.f_code.co_filename.endswith("two_layer_net.py"):
            value = frame.f_locals.get("loss")
            if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
                return value
            if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "fiu":
                return value
        tb = tb.tb_next
    return None


def gradient_check(inputs: dict, submission: Submission) -> dict:
    """loss_and_grads plus the student's loss at params +/- h along every parameter entry.

    Returns loss, grad_<name>, loss_plus (P,), loss_minus (P,); the +/- order is that of
    oracles.numerical.perturbations, so the parent can form centred differences.
    """
    out = loss_and_grads(inputs, submission, partial=False)
    net = build_net(submission, params_from(inputs))
    X, y, reg = inputs["X"], inputs["y"], float(inputs["reg"])
    plus_values, minus_values = [], []
    for _, _, plus, minus in perturbations(params_from(inputs), STEP):
        for values, point in ((plus_values, plus), (minus_values, minus)):
            net.params.update({k: v.copy() for k, v in point.items()})
            result = net.loss(X.copy(), y.copy(), reg=reg)
            values.append(as_float(result[0] if isinstance(result, tuple) else result, "the loss"))
    out.update(loss_plus=np.array(plus_values), loss_minus=np.array(minus_values))
    # This child was forked from (or spawned as) a process that never imported these; if they are
    # loaded now, the student's file brought them in.
    out["autodiff_modules"] = sorted(name for name in AUTODIFF_MODULES if name in sys.modules)
    return out


def _untraced_paths() -> tuple[str, ...]:
    """Where library code lives (the interpreter, site-packages, the grader): lines there are not
    the student's. Everything else counts, also code the student compiles under another name."""
    import os
    import site

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(__file__).resolve().parents[3]),
             os.path.dirname(os.path.dirname(np.__file__)), *site.getsitepackages()}
    return tuple(sorted({*roots, *(os.path.realpath(r) for r in roots)})) + ("<frozen",)


def count_lines(call) -> tuple[int, object]:
    """(Python lines run outside library code while `call()` ran, its return value)."""
    lines = 0
    skip = _untraced_paths()

    def tracer(frame, event, arg):
        nonlocal lines
        if frame.f_code.co_filename.startswith(skip):
            return None  # numpy, the standard library and the grader are not the student's lines
        if event == "line":
            lines += 1
        return tracer

    _SETTRACE(tracer)
    try:
        result = call()
    finally:
        intact = _GETTRACE() is tracer
        _SETTRACE(None)
    if not intact:
        raise StudentFailure("bad_return", "loss() changed the line tracer (sys.settrace) while it ran; "
                             "the grader counts the lines your code runs with it: leave tracing alone")
    return lines, result


def vectorisation(inputs: dict, submission: Submission) -> dict:
    """How the work of loss() grows with the sizes, and what it returns for the largest net.

    Inputs: nets (K), and for each net i: n<i>_W1 .. n<i>_b2, n<i>_X (N_i, D_i), n<i>_y; reg.
    Runs loss(X, y, reg) on each net, counting the lines of Python run outside library code
    (sys.settrace): vectorised code runs the same lines for any N, D, H, C; a loop over samples or
    over parameter entries runs more with every one. Deterministic: the count does not depend on
    the machine's load. When the backward pass raises (a TODO or a bug), the forward pass loss(X)
    is measured instead (forward_only = 1; Q1c is about the samples, the bug is Q2d's).

    Returns lines_<i>, seconds_<i>, forward_only, and for the last net probs (N, C) from loss(X),
    plus loss and grad_<k> unless forward_only.
    """
    count = int(inputs["nets"])
    reg = float(inputs["reg"])
    nets = []
    for i in range(count):
        params = {k: inputs[f"n{i}_{k}"] for k in PARAM_NAMES}
        nets.append((build_net(submission, params), inputs[f"n{i}_X"], inputs[f"n{i}_y"]))
    try:
        nets[0][0].loss(nets[0][1].copy(), nets[0][2].copy(), reg=reg)
        forward_only = False
    except Exception as exc:
        if isinstance(exc, NotImplementedError) and not str(exc).startswith("Q2d"):
            raise  # an earlier TODO: the forward pass itself is not written
        forward_only = True
    out: dict = {"forward_only": int(forward_only)}
    for i, (net, X, y) in enumerate(nets):
        start = time.perf_counter()
        out[f"lines_{i}"], result = count_lines(
            (lambda: net.loss(X.copy())) if forward_only else (lambda: net.loss(X.copy(), y.copy(), reg=reg)))
        out[f"seconds_{i}"] = time.perf_counter() - start
    net, X, y = nets[-1]
    out["probs"] = as_array(net.loss(X.copy()), "loss(X) with y=None", ndim=2)
    # The loss and the gradients are reported when usable; an unusable one is Q1b's or Q2d's to
    # judge, and leaves the probabilities to show that the work was done.
    if not forward_only and isinstance(result, tuple) and len(result) == 2:
        try:
            out["loss"] = as_float(result[0], "the loss")
        except StudentFailure:
            pass
        try:
            out.update({f"grad_{k}": as_array(result[1].get(k), f"grads[{k!r}]") for k in PARAM_NAMES})
        except (StudentFailure, AttributeError):
            pass
    return out
