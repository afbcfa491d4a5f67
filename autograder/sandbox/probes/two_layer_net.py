"""Probes for Q1-Q3 (two_layer_net.py). Each builds a TwoLayerNet, sets its params to the grader's
arrays (never relying on the student's init), calls one method and returns plain arrays."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from ...oracles.numerical import STEP, perturbations
from ..exchange import (PARAM_NAMES, GradientCheck, GradientCheckInputs, Labels, LineCounts, LossGrads, Net,
                        NetLoss, Probabilities, Vectorisation)
from . import StudentFailure, Submission, as_array, as_float
from .loss_evaluations import EvaluationCounter
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


def probabilities(inputs: Net, submission: Submission) -> Probabilities:
    """probs (N, C) = net.loss(X) for the grader's params and X (N, D)."""
    net = build_net(submission, inputs.params)
    return Probabilities(as_array(net.loss(inputs.X.copy()), "loss(X) with y=None", ndim=2))


def predict(inputs: Net, submission: Submission) -> Labels:
    """labels (N,) = net.predict(X)."""
    net = build_net(submission, inputs.params)
    return Labels(as_array(net.predict(inputs.X.copy()), "predict(X)", ndim=1))


def loss_and_grads(inputs: NetLoss, submission: Submission, partial: bool = True) -> LossGrads:
    """The loss and the gradient of every parameter of loss(X, y, reg).

    With `partial`, when loss() raises after the loss was computed (the Q2d stub, or a bug in the
    backward pass), the loss is read from the local variable `loss` of the student's loss() (the
    skeleton's Q1b TODO says to keep it there) and returned with `grads_missing`: Q1b is graded on
    its own, and a backward-pass bug costs Q2d only.
    """
    net = build_net(submission, inputs.net.params)
    try:
        returned = net.loss(inputs.net.X.copy(), inputs.net.y.copy(), reg=float(inputs.reg))
    except Exception as exc:
        loss = _loss_before_backward(exc) if partial else None
        if loss is None:
            raise
        return LossGrads(as_float(loss, "the loss"), grads_missing=f"{type(exc).__name__}: {exc}")
    if not isinstance(returned, tuple) or len(returned) != 2:
        raise StudentFailure("bad_return", "loss(X, y, reg) should return a tuple (loss, grads), got "
                             f"{type(returned).__name__}")
    loss, grads = returned
    loss = as_float(loss, "the loss")
    try:
        return LossGrads(loss, _grads(grads))
    except StudentFailure as failure:
        if not partial:
            raise
        # Unusable gradients are Q2d's to judge; the loss stands on its own (Q1b).
        return LossGrads(loss, grads_missing=failure.message)


def _grads(grads) -> dict:
    """The student's grads dict as float arrays, or a StudentFailure naming what is wrong."""
    if not isinstance(grads, dict):
        raise StudentFailure("bad_return", f"grads should be a dict, got {type(grads).__name__}")
    missing = [name for name in PARAM_NAMES if name not in grads]
    if missing:
        raise StudentFailure("bad_return", f"grads has no key {missing[0]!r}; it needs W1, b1, W2, b2")
    return {name: as_array(grads[name], f"grads[{name!r}]") for name in PARAM_NAMES}


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


def gradient_check(inputs: GradientCheckInputs, submission: Submission) -> GradientCheck:
    """loss_and_grads plus the student's loss at params +/- h along every parameter entry, in the
    order of oracles.numerical.perturbations, so the parent can form centred differences; and at
    the given params with other inputs and with other labels, so it can tell what the loss uses."""
    got = loss_and_grads(inputs.net_loss, submission, partial=False)
    given = inputs.net_loss.net
    net = build_net(submission, given.params)
    X, y, reg = given.X, given.y, float(inputs.net_loss.reg)

    def loss_at(params: dict, X: np.ndarray, y: np.ndarray) -> float:
        net.params.update({k: v.copy() for k, v in params.items()})
        result = net.loss(X.copy(), y.copy(), reg=reg)
        return as_float(result[0] if isinstance(result, tuple) else result, "the loss")

    plus_values, minus_values = [], []
    for _, _, plus, minus in perturbations(given.params, STEP):
        plus_values.append(loss_at(plus, X, y))
        minus_values.append(loss_at(minus, X, y))
    other_X, other_y = loss_at(given.params, inputs.other_X, y), loss_at(given.params, X, inputs.other_y)
    # This child was forked from (or spawned as) a process that never imported these; if they are
    # loaded now, the student's file brought them in.
    return GradientCheck(got.loss, got.grads, np.array(plus_values), np.array(minus_values), other_X, other_y,
                         sorted(name for name in AUTODIFF_MODULES if name in sys.modules))


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


def vectorisation(inputs: Vectorisation, submission: Submission) -> LineCounts:
    """How the work of loss() grows with the sizes, and what it returns for the last net.

    Runs loss(X, y, reg) on each net, counting the lines of Python run outside library code
    (sys.settrace): vectorised code runs the same lines for any N, D, H, C; a loop over samples or
    over parameter entries runs more with every one. It also counts the loss evaluations (calls of
    numpy's exp/log family, loss_evaluations.py), which only re-running the loss per parameter
    entry multiplies. Deterministic: neither count depends on the machine's load. When the
    backward pass raises (a TODO or a bug), the forward pass loss(X) is measured instead
    (forward_only; Q1c is about the samples, the bug is Q2d's).
    """
    with EvaluationCounter() as evaluations:  # before the student's file is imported: `from numpy import exp` counts
        return _vectorisation(inputs, submission, evaluations)


def _vectorisation(inputs: Vectorisation, submission: Submission, evaluations: EvaluationCounter) -> LineCounts:
    reg = float(inputs.reg)
    nets = [(build_net(submission, net.params), net.X, net.y) for net in inputs.nets]
    try:
        nets[0][0].loss(nets[0][1].copy(), nets[0][2].copy(), reg=reg)
        forward_only = False
    except Exception as exc:
        if isinstance(exc, NotImplementedError) and not str(exc).startswith("Q2d"):
            raise  # an earlier TODO: the forward pass itself is not written
        forward_only = True
    lines, seconds, exp_log_calls = [], [], []
    for net, X, y in nets:
        start, calls_before = time.perf_counter(), evaluations.calls
        count, result = count_lines(
            (lambda: net.loss(X.copy())) if forward_only else (lambda: net.loss(X.copy(), y.copy(), reg=reg)))
        lines.append(count)
        exp_log_calls.append(evaluations.calls - calls_before)
        seconds.append(time.perf_counter() - start)
    net, X, y = nets[-1]
    out = LineCounts(forward_only, lines, seconds, as_array(net.loss(X.copy()), "loss(X) with y=None", ndim=2),
                     exp_log_calls=exp_log_calls)
    # The loss and the gradients are reported when usable; an unusable one is Q1b's or Q2d's to
    # judge, and leaves the probabilities to show that the work was done.
    if not forward_only and isinstance(result, tuple) and len(result) == 2:
        try:
            out.loss = as_float(result[0], "the loss")
            out.grads = _grads(result[1])
        except StudentFailure:
            pass
    return out
