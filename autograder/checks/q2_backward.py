"""Q2d (two_layer_net.py): the backward pass, one parameter at a time.

Each parameter's gradient is compared with two oracles on the toy net and on hidden nets:
the centred-difference gradient of the student's *own* loss (is the backward consistent with the
forward?) and torch autograd on the same weights (is it the gradient of the right loss?). Telling
the two apart tells the student where the bug is. A gradient that differentiates the student's
own loss correctly earns its points even when that loss is off: the loss's mistake is Q1b's, and
one mistake should cost one question.
"""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..oracles.numerical import STEP, centred_difference, norm_relative_error, perturbations
from ..sandbox import TOY
from .cases import all_cases
from .compare import close

FILES = ("two_layer_net.py",)
PARAMS = ("W1", "b1", "W2", "b2")
NUMERICAL_TOL = 1e-8   # the exercise's threshold for analytic vs centred differences (float64, h=1e-5)
AUTOGRAD_TOL = 1e-8    # both sides analytic: a right answer agrees to ~1e-14
HINTS = {
    "W1": "dW1 = X^T dZ1, where dZ1 = (dA1 * (Z1 > 0)); check the ReLU mask and the 2 * reg * W1 term.",
    "b1": "db1 sums dZ1 over the samples (axis 0), after the ReLU mask.",
    "W2": "dW2 = A1^T dscores + 2 * reg * W2, with dscores = (probs - onehot(y)) / N.",
    "b2": "db2 sums dscores over the samples (axis 0): shape (C,).",
}


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
    notes: set[str] = set()
    lines: list[str] = []
    worst: dict[str, float] = {}
    for case in all_cases(ctx.rng("cases")):
        reg = 0.05 if case.name.startswith("the exercise") else 0.1
        got = ctx.probe("two_layer_net.gradient_check", case.inputs(reg=reg), TOY.scaled(wall_s=30.0))
        if got["autodiff_modules"]:
            return Outcome.failed(f"two_layer_net.py uses {', '.join(got['autodiff_modules'])}: the numpy "
                                  "part must compute its gradients by hand, with numpy only",
                                  "Derive the backward pass (Q2a-c) and write it with numpy; PyTorch is "
                                  "Question 4's tool.", autodiff_modules=got["autodiff_modules"])
        numeric = _numerical(case.params, got["loss_plus"], got["loss_minus"])
        truth = torch_oracle.two_layer_net(case.params, case.X, case.y, reg)["grads"]
        for name in PARAMS:
            student = got[f"grad_{name}"]
            vs_truth = close(f"grads[{name!r}] vs torch autograd ({case.name})", student, truth[name], AUTOGRAD_TOL)
            comparable = student.shape == truth[name].shape and bool(np.all(np.isfinite(student)))
            consistency = norm_relative_error(student, numeric[name]) if comparable else float("inf")
            worst[name] = max(worst.get(name, 0.0), vs_truth.error if np.isfinite(vs_truth.error) else 1.0)
            lines.append(("ok   " if vs_truth.ok else "FAIL ") + vs_truth.message +
                         f"; vs centred differences of your loss: {consistency:.1e}")
            if name in failures:
                continue
            if not comparable:
                failures[name] = vs_truth.message
            elif vs_truth.ok:
                if consistency > NUMERICAL_TOL:
                    notes.add(f"grads[{name!r}] is the exercise's true gradient, but not the gradient of "
                              "your own loss: the loss itself is off (see Q1b)")
            elif consistency <= NUMERICAL_TOL:
                notes.add(f"grads[{name!r}] differentiates your own loss correctly, but that loss differs "
                          "from the exercise's (see Q1b), so it differs from torch autograd; credited here")
            else:
                failures[name] = (f"{vs_truth.message}; it is not the gradient of your own loss either "
                                  f"({consistency:.1e} > {NUMERICAL_TOL:.0e} against centred differences)")
    passed = [name for name in PARAMS if name not in failures]
    details = "\n".join(lines)
    if notes:
        details += "\n\nNotes:\n" + "\n".join(f"- {note}" for note in sorted(notes))
    if failures:
        details += "\n\nHints:\n" + "\n".join(f"- {HINTS[name]}" for name in failures)
    feedback = ("all four gradients right" + (" (notes on your loss: see the details)" if notes else "")
                if not failures else f"{len(passed)}/4 gradients right; " + next(iter(failures.values())))
    return Outcome(len(passed) / len(PARAMS), feedback, details,
                   {"passed_params": passed, "worst_relative_error": worst})
