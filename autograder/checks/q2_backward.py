"""Q2d (two_layer_net.py): the backward pass, one parameter at a time.

Each parameter's gradient is compared with torch autograd on the same weights, on the toy net and
on hidden nets. A gradient that differs from it earns its points only when the student's loss is
the exercise's loss with recognised mistakes (checks/upstream.py: reproduced by the grader at the
given weights, at each weight moved by +-h, at other inputs and at other labels) and the gradient
is that loss's gradient: the loss's mistake is Q1b's, and one mistake should cost one question. A
gradient of a made-up loss (constant, label-free, data-free, another function) earns nothing, and
the feedback says why. The centred differences of the student's own loss tell the student where
a bug is; a wrong gradient that matches a known bug (oracles/known_bugs) is named. A loss() that
evaluates the loss once per weight (finite differences inside loss()) is not backpropagation and
earns nothing.
"""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.known_bugs import gradient_bugs
from ..oracles.numerical import gradient_from_perturbations, norm_relative_error
from ..sandbox import TOY
from ..sandbox.exchange import GradientCheckInputs
from .cases import all_cases, hidden_case
from .compare import close, plain
from .diagnose import name_gradient_bug
from .q1_vectorised import vectorisation_inputs
from .upstream import LossSamples, recognise_loss

FILES = ("two_layer_net.py",)
PARAMS = ("W1", "b1", "W2", "b2")
NUMERICAL_TOL = 1e-8   # the exercise's threshold for analytic vs centred differences (float64, h=1e-5)
AUTOGRAD_TOL = 1e-8    # both sides analytic: a right answer agrees to ~1e-14
HINTS = {
    "W1": "dW1 = X^T dz2 + 2 * reg * W1, with dz2 = (dz3 W2^T) * (z2 > 0)",
    "b1": "db1 = dz2.sum(axis=0), after the ReLU mask: shape (H,)",
    "W2": "dW2 = a2^T dz3 + 2 * reg * W2, with dz3 = (probs - one_hot(y)) / N",
    "b2": "db2 = dz3.sum(axis=0): shape (C,)",
}
MADE_UP_HINT = "make loss(X, y, reg) compute the exercise's loss (Q1b), then backpropagate through it (Q2a-c)"
# (N, D, H, C) of two nets with the same N and C whose weights differ ~60-fold in number.
# Backpropagation evaluates the loss (numpy's exp/log) the same number of times for both, and so do
# loops over samples, activations or classes (Q1c's concern); finite differences over the entries
# of W1, b1 or W2 evaluate it >= 176 more times.
LOOP_SIZES = ((6, 5, 4, 3), (6, 40, 48, 3))
MAX_EXTRA_EVALUATIONS = 60


def _other_points(case) -> tuple[np.ndarray, np.ndarray]:
    """Other inputs (N, D) and other labels (N,): a loss that uses X and y changes at both."""
    C = case.params["W2"].shape[1]
    return 0.5 * case.X[::-1], (case.y + 1) % C


@check("Q2d", points=5.0, files=FILES, time_limit_s=30.0)
def gradients(ctx) -> Outcome:
    """grads match torch autograd, or the gradient of your loss's recognised mistake, per parameter (1.25 points each)"""
    failures: dict[str, str] = {}
    named: dict[str, tuple[str, str]] = {}
    notes: set[str] = set()
    lines: list[str] = []
    worst: dict[str, float] = {}
    made_up = ""
    for case in all_cases(ctx.rng("cases")):
        reg = 0.05 if case.name.startswith("the exercise") else 0.1
        other_X, other_y = _other_points(case)
        got = ctx.probe("two_layer_net.gradient_check", GradientCheckInputs(case.with_reg(reg), other_X, other_y),
                        TOY.scaled(wall_s=30.0))
        if got.autodiff_modules:
            return Outcome.failed(f"two_layer_net.py uses {', '.join(got.autodiff_modules)}: the numpy "
                                  "part must compute its gradients by hand, with numpy only",
                                  "Derive the backward pass (Q2a-c) and write it with numpy; PyTorch is "
                                  "Question 4's tool.", autodiff_modules=got.autodiff_modules)
        samples = LossSamples(got.loss, plain(got.loss_plus, "the loss at params + h"),
                              plain(got.loss_minus, "the loss at params - h"), got.loss_other_X, got.loss_other_y)
        numeric = gradient_from_perturbations(case.params, samples.plus, samples.minus)
        truth = torch_oracle.two_layer_net(case.params, case.X, case.y, reg)["grads"]
        bugs, match = None, None
        for name in PARAMS:
            student = plain(got.grads[name], f"grads[{name!r}]")
            vs_truth = close(f"grads[{name!r}] vs torch autograd ({case.name})", student, truth[name], AUTOGRAD_TOL)
            comparable = student.shape == truth[name].shape and bool(np.all(np.isfinite(student)))
            consistency = norm_relative_error(student, numeric[name]) if comparable else float("inf")
            worst[name] = max(worst.get(name, 0.0), vs_truth.error if np.isfinite(vs_truth.error) else 1.0)
            lines.append(("ok   " if vs_truth.ok else "FAIL ") + vs_truth.message +
                         f"; vs centred differences of your loss: {consistency:.1e}")
            if name in failures:
                continue
            if vs_truth.ok:
                if consistency > NUMERICAL_TOL:
                    notes.add(f"grads[{name!r}] is the exercise's true gradient, but not the gradient of "
                              "your own loss: the loss itself is off (see Q1b)")
                continue
            match = match or recognise_loss(samples, case.params, case.X, case.y, reg, other_X, other_y)
            if comparable and match.variant is not None and not match.variant.exact and \
                    norm_relative_error(student, match.numeric[name]) <= NUMERICAL_TOL:
                notes.add(f"grads[{name!r}] is the gradient of your loss, which is the exercise's with a known "
                          f"mistake ({match.variant.describe()}; see {match.variant.questions()}): credited here")
                continue
            if comparable and consistency <= NUMERICAL_TOL and match.variant is None:
                made_up = made_up or match.reason
                failures[name] = (f"{vs_truth.message}; it is the gradient of your own loss, but {match.reason}, "
                                  "so Q2d checks it against the exercise's loss")
                continue
            failures[name] = vs_truth.message if not comparable else (
                f"{vs_truth.message}; it is not the gradient of your own loss either "
                f"({consistency:.1e} > {NUMERICAL_TOL:.0e} against centred differences)")
            bugs = bugs if bugs is not None else gradient_bugs(case.params, case.X, case.y, reg)
            bug = name_gradient_bug(name, student, truth[name], bugs)
            if bug is not None:
                named[name] = (f"grads[{name!r}] is {bug.what} ({case.name})", bug.hint)
    loops = _parameter_loops(ctx)
    if loops:
        return Outcome.failed(loops, "\n".join(lines) + "\nHint: backpropagate: each gradient is a "
                              "few matrix products (Q2a-c), evaluated once, with no loss evaluation per "
                              "entry of W1 or W2")
    return _outcome(failures, named, notes, lines, worst, made_up)


def _outcome(failures: dict, named: dict, notes: set, lines: list, worst: dict, made_up: str) -> Outcome:
    passed = [name for name in PARAMS if name not in failures]
    details = "\n".join(lines)
    if notes:
        details += "\n\nNotes:\n" + "\n".join(f"- {note}" for note in sorted(notes))
    if failures:
        details += "\n\nWhat the wrong gradients match, and how to fix them:\n" + "\n".join(
            f"- {named[name][0]}: {named[name][1]}" if name in named else f"- grads[{name!r}]: {HINTS[name]}"
            for name in failures)
    first = next(iter(failures), None)
    if first is None:
        feedback = "all four gradients right" + (" (a note on your loss: see below)" if notes else "")
        hint = sorted(notes)[0] if notes else ""
    elif made_up and first not in named:
        feedback = (f"{len(passed)}/4 gradients right; {made_up}, so Q2d checks your gradients against the "
                    "exercise's loss (torch autograd)")
        hint = MADE_UP_HINT
    else:
        feedback = f"{len(passed)}/4 gradients right; " + (named[first][0] if first in named else failures[first])
        hint = named[first][1] if first in named else HINTS[first]
    return Outcome(len(passed) / len(PARAMS), feedback, details,
                   {"passed_params": passed, "worst_relative_error": worst,
                    "diagnosed": {name: named[name][0] for name in named}}, hint=hint)


def _parameter_loops(ctx) -> str:
    """A sentence when loss(X, y) evaluates the loss more often for a net with more weights; "" otherwise."""
    rng = ctx.rng("loops")
    nets = [hidden_case(rng, sizes, f"net {sizes}", avoid_kinks=False) for sizes in LOOP_SIZES]
    got = ctx.probe("two_layer_net.vectorisation", vectorisation_inputs(nets), TOY.scaled(wall_s=30.0))
    if got.forward_only:
        return ""
    calls = plain(np.array(got.exp_log_calls), "the loss evaluations per net", (len(LOOP_SIZES),)).astype(int)
    extra = calls[1] - calls[0]
    if extra <= MAX_EXTRA_EVALUATIONS:
        return ""
    (_, D0, H0, C0), (_, D1, H1, C1) = LOOP_SIZES
    return (f"not backpropagation: loss(X, y) called numpy's exp/log {calls[1]} times for a net with "
            f"{D1 * H1 + H1 * C1} weights and {calls[0]} times for one with {D0 * H0 + H0 * C0} (same N and C): "
            "it evaluates the loss once per weight (finite differences inside loss()?)")
