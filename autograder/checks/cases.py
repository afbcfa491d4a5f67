"""Inputs the checks send to the student's code: the exercise's toy net and hidden random nets.

Hidden nets have other sizes and non-zero biases, drawn from a seed fixed per check, so hard-coded
toy answers fail them while the same submission always sees the same inputs.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..oracles.reference_values import toy_problem
from ..probes.two_layer_net import Net, NetLoss

# (N, D, H, C) of the hidden cases: none equal the toy's (5, 4, 10, 3).
HIDDEN_SIZES = ((7, 6, 8, 4), (12, 5, 3, 6))
KINK_MARGIN = 1e-3  # |hidden pre-activation| must exceed this, far above the step h = 1e-5 x |X|


@dataclass
class NetCase:
    name: str
    params: dict[str, np.ndarray]
    X: np.ndarray
    y: np.ndarray

    def net(self) -> Net:
        """The probes' message for this net and its data."""
        return Net(self.params, self.X, self.y)

    def with_reg(self, reg: float) -> NetLoss:
        """The probes' message for loss(X, y, reg) on this net."""
        return NetLoss(self.net(), reg)


def toy_case() -> NetCase:
    params, X, y = toy_problem()
    return NetCase("the exercise's toy net", params, X, y)


def perturbed_toy_case(rng: np.random.RandomState) -> NetCase:
    """The toy net with its weights and inputs moved a little: the same shapes, other values.

    A toy check pays only when the same code is also right here, so returning the published toy
    values as constants earns nothing. The biases stay zero, as in the toy net: a forgotten bias
    is the hidden nets' to find, and must not read as a hard-coded answer here.
    """
    params, X, y = toy_problem()
    moved = {k: (v + 0.05 * rng.randn(*v.shape) if k.startswith("W") else v) for k, v in params.items()}
    return NetCase("the toy net with perturbed weights and inputs", moved, X + rng.randn(*X.shape), y)


def hidden_case(rng: np.random.RandomState, sizes: tuple[int, int, int, int], name: str,
                avoid_kinks: bool = True) -> NetCase:
    """A random net; with avoid_kinks, its hidden pre-activations stay clear of the ReLU kink.

    Redrawing until no pre-activation is within KINK_MARGIN of 0 is meant for the small nets of
    gradient checks (N*H up to ~100 entries: a redraw or two); large nets pass avoid_kinks=False.
    """
    N, D, H, C = sizes
    for _ in range(1000):
        params = {"W1": rng.randn(D, H) * 0.5, "b1": rng.randn(H) * 0.3,
                  "W2": rng.randn(H, C) * 0.5, "b2": rng.randn(C) * 0.3}
        X = rng.randn(N, D) * 2.0
        if not avoid_kinks or np.min(np.abs(X @ params["W1"] + params["b1"])) > KINK_MARGIN:
            break
    else:
        raise RuntimeError(f"no kink-free net of sizes {sizes} in 1000 draws: use a smaller net")
    y = rng.randint(C, size=N)
    y[:C] = np.arange(C)[: min(C, N)]  # every class appears at least once
    return NetCase(name, params, X, y)


def all_cases(rng: np.random.RandomState) -> list[NetCase]:
    cases = [toy_case()]
    for i, sizes in enumerate(HIDDEN_SIZES, 1):
        N, D, H, C = sizes
        cases.append(hidden_case(rng, sizes, f"hidden net {i} (N={N}, D={D}, H={H}, C={C})"))
    return cases
