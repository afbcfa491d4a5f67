"""Q2d (two_layer_net.py): the backward pass, one parameter at a time.

Each parameter's gradient is compared with two oracles on the toy net and on hidden nets:
the centred-difference gradient of the student's *own* loss (is the backward consistent with the
forward?) and torch autograd on the same weights (is it the gradient of the right loss?). Telling
the two apart tells the student where the bug is. A gradient that differentiates the student's
own loss correctly earns its points even when that loss is off: the loss's mistake is Q1b's, and
one mistake should cost one question. A wrong gradient that matches a known bug (oracles/known_bugs)
is named. A gradient whose work grows with the number of weights (a Python loop over parameter
entries, such as finite differences inside loss()) is not backpropagation and earns nothing.
"""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.known_bugs import gradient_bugs
from ..oracles.numerical import STEP, centred_difference, norm_relative_error, perturbations
from ..sandbox import TOY
from .cases import all_cases, hidden_case
from .compare import close
from .diagnose import name_gradient_bug
from .q1_vectorised import vectorisation_inputs

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
# (N, D, H, C) of two nets whose weights differ ~50-fold in number: backpropagation runs the same
# lines for both; a loop over the entries of W1 or W2 runs >= 1,900 more; a loop over the hidden
# units or classes (+44, +41) runs far fewer than the limit.
LOOP_SIZES = ((6, 5, 4, 3), (6, 40, 48, 44))
MAX_EXTRA_LINES = 500


def _numerical(params, loss_plus, loss_minus) -> dict[str, np.ndarray]:
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    diffs = centred_difference(loss_plus, loss_minus, STEP)
    for i, (name, index, _, _) in enumerate(perturbations(params, STEP)):
        grads[name][index] = diffs[i]
    return grads


@check("Q2d", points=5.0, files=FILES, time_limit_s=30.0)
def gradients(ctx) -> Outcome:
    """grads match centred differences of your loss and torch autograd, per parameter (1.25 points each)"""
    failures: dict[str, str] = {}
    named: dict[str, tuple[str, str]] = {}
    notes: set[str] = set()
    lines: list[str] = []
    worst: dict[str, float] = {}
    for case in all_cases(ctx.rng("cases")):
        reg = 0.05 if case.name.startswith("the exercise") else 0.1
        got = ctx.probe("two_layer_net.gradient_check", case.with_reg(reg), TOY.scaled(wall_s=30.0))
        if got.autodiff_modules:
            return Outcome.failed(f"two_layer_net.py uses {', '.join(got.autodiff_modules)}: the numpy "
                                  "part must compute its gradients by hand, with numpy only",
                                  "Derive the backward pass (Q2a-c) and write it with numpy; PyTorch is "
                                  "Question 4's tool.", autodiff_modules=got.autodiff_modules)
        numeric = _numerical(case.params, got.loss_plus, got.loss_minus)
        truth = torch_oracle.two_layer_net(case.params, case.X, case.y, reg)["grads"]
        bugs = None
        for name in PARAMS:
            student = got.grads[name]
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
            if comparable and consistency <= NUMERICAL_TOL:
                notes.add(f"grads[{name!r}] differentiates your own loss correctly, but that loss differs "
                          "from the exercise's (see Q1b), so it differs from torch autograd; credited here")
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
                              "few matrix products (Q2a-c), with no loop over the entries of W1 or W2")
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
    else:
        feedback = f"{len(passed)}/4 gradients right; " + (named[first][0] if first in named else failures[first])
        hint = named[first][1] if first in named else HINTS[first]
    return Outcome(len(passed) / len(PARAMS), feedback, details,
                   {"passed_params": passed, "worst_relative_error": worst,
                    "diagnosed": {name: named[name][0] for name in named}}, hint=hint)


def _parameter_loops(ctx) -> str:
    """A sentence when loss(X, y)'s work grows with the number of weights; "" otherwise."""
    rng = ctx.rng("loops")
    nets = [hidden_case(rng, sizes, f"net {sizes}", avoid_kinks=False) for sizes in LOOP_SIZES]
    got = ctx.probe("two_layer_net.vectorisation", vectorisation_inputs(nets), TOY.scaled(wall_s=30.0))
    extra = got.lines[1] - got.lines[0]
    if got.forward_only or extra <= MAX_EXTRA_LINES:
        return ""
    (_, D0, H0, C0), (_, D1, H1, C1) = LOOP_SIZES
    return (f"not backpropagation: loss(X, y) ran {extra} more lines for a net with {D1 * H1 + H1 * C1} "
            f"weights than for one with {D0 * H0 + H0 * C0} (same N): it loops over the entries of the "
            "parameters (finite differences inside loss()?)")
