"""Diagnoses: when a wrong gradient (Q2d) or a wrong SGD step (Q3a) matches a known bug, name it.

The checks measure distances; these functions turn a wrong result into the sentence that names
the likely mistake ("the data gradient without the 2 * reg * W1 term", "+= instead of -=",
"the learning rate decays every iteration"), or return nothing when no known pattern fits.
"""
from __future__ import annotations

import numpy as np

from ..oracles.known_bugs import KnownBug
from ..oracles.numerical import relative_error

MATCH_TOL = 1e-6  # a known bug reproduces the student's gradient to rounding; a coincidence does not


def name_gradient_bug(name: str, got: np.ndarray, true: np.ndarray, bugs: list[KnownBug]) -> KnownBug | None:
    """The known bug of grads[name] that `got` equals, if any (the true gradient is `true`)."""
    got = np.asarray(got, dtype=np.float64)
    if got.shape != true.shape and got.size == true.size and got.size > 1:
        if relative_error(got.reshape(true.shape), true)[0] < MATCH_TOL:
            return KnownBug(name, f"the right values in the wrong shape {got.shape}",
                            f"grads['{name}'] must have the shape of params['{name}'], {true.shape}: "
                            "no keepdims, no extra axis", got)
    for bug in bugs:
        if bug.param == name and bug.grad.shape == got.shape and relative_error(got, bug.grad)[0] < MATCH_TOL:
            return bug
    return None


def expected_schedule(lr: float, decay: float, iterations: int, iterations_per_epoch: int) -> list[float]:
    """The learning rate of each iteration: the skeleton decays it after every iteration `it`
    with it % iterations_per_epoch == 0 (so first after iteration 0, as in the exercise)."""
    rates = []
    for it in range(iterations):
        rates.append(lr)
        if it % iterations_per_epoch == 0:
            lr *= decay
    return rates


def fitted_steps(steps: list[dict], grads: list[dict]) -> list[dict[str, tuple[float, float]]]:
    """For each iteration j and key k: (the rate r with steps[j+1] - steps[j] ~ -r * grads[j], the
    part of the change that is not along the gradient, relative); NaN where shapes or values
    make no fit."""
    fitted = []
    for j, grad in enumerate(grads):
        row = {}
        for k, g in grad.items():
            before, after = np.asarray(steps[j][k], np.float64), np.asarray(steps[j + 1][k], np.float64)
            g = np.asarray(g, np.float64)
            if after.shape != before.shape or g.shape != before.shape or not np.all(np.isfinite(after)):
                row[k] = (float("nan"), float("nan"))
                continue
            change = after - before
            norm = float(np.dot(g.ravel(), g.ravel()))
            rate = -float(np.dot(change.ravel(), g.ravel())) / norm if norm > 0 else float("nan")
            off = np.linalg.norm(change + rate * g) / max(float(np.linalg.norm(change)), 1e-300)
            row[k] = (rate, float(off) if np.linalg.norm(change) > 0 else 0.0)
        fitted.append(row)
    return fitted


def describe_schedule(fitted: list[dict[str, tuple[float, float]]], schedule: list[float]) -> tuple[str, str]:
    """(what the fitted steps show, a one-line hint); ("", generic hint) when nothing fits a known bug."""
    generic = ("for every key: self.params[k] -= learning_rate * grads[k]; the given once-per-epoch "
               "block multiplies learning_rate by learning_rate_decay")

    def near(a: float, b: float) -> bool:
        return bool(np.isfinite(a)) and abs(a - b) <= 1e-6 * max(abs(b), 1e-12)

    keys = list(fitted[0])
    frozen = [k for k in keys if all(near(row[k][0], 0.0) for row in fitted)]
    if frozen:
        return (f"params[{frozen[0]!r}] never changes", "update all four keys: loop over grads.items() "
                "(or self.params) and subtract learning_rate * grads[k] from each")
    if any(not np.isfinite(row[k][0]) or row[k][1] > 1e-6 for row in fitted for k in keys):
        return ("the change of some parameter is not a multiple of its gradient",
                "each step moves params[k] by exactly -learning_rate * grads[k], with the gradient of "
                "that same key")
    rates = [float(np.median([row[k][0] for k in keys])) for row in fitted]
    if all(near(r, s) for r, s in zip(rates, schedule)):
        return "", generic
    if near(rates[0], -schedule[0]):
        return ("the parameters climb the gradient (+= instead of -=)",
                "descend: self.params[k] -= learning_rate * grads[k]")
    lr, decay = schedule[0], schedule[1] / schedule[0] if schedule[0] else 1.0
    if all(near(r, lr * decay ** j) for j, r in enumerate(rates)):
        return ("the learning rate decays every iteration, not once per epoch",
                "decay only in the given block `if it % iterations_per_epoch == 0:`, not in the update")
    if all(near(r, lr) for r in rates):
        return ("the learning rate never decays",
                "keep learning_rate *= learning_rate_decay in the once-per-epoch block")
    if near(rates[0], lr * decay):
        return ("the first step already uses the decayed rate",
                "decay after the step, in the given once-per-epoch block")
    return (f"the steps used rates {', '.join(f'{r:.4g}' for r in rates)}; expected "
            f"{', '.join(f'{s:.4g}' for s in schedule)}", generic)
