"""Q1c (two_layer_net.py): loss() is vectorised, with no Python loop over the samples, and right.

The check counts the Python lines that loss() runs (the student's file and any code outside the
libraries) for a small and a large batch. Vectorised code runs the same lines whatever N is; a
loop over samples (for, while, a comprehension, np.vectorize or np.apply_along_axis over a
function of the student's) runs at least one more line per extra sample. Counting lines instead of
timing keeps the score independent of how busy the machine is (bench/vectorisation.py prints both
measures side by side). The points pay only for work done: what the large call returns must be
right at least in part (the probabilities or the loss), so zeros, NaN or constants earn nothing.
"""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..oracles import torch_oracle
from ..sandbox import TOY
from ..sandbox.exchange import LineCounts, Vectorisation
from .cases import NetCase, hidden_case
from .compare import close, plain

FILES = ("two_layer_net.py",)
SIZES = (400, 64, 32, 10)  # (N, D, H, C) of the large batch
N_SMALL = 8
REG = 0.1
# Extra samples: 392. A per-sample loop runs >= 392 more lines; vectorised code runs 0 more (a
# branch on N, say `if N > 100`, may add a few). Half the extra samples is far from both.
MAX_EXTRA_LINES = (SIZES[0] - N_SMALL) // 2


def vectorisation_inputs(nets: list) -> Vectorisation:
    """The probe's message for a list of NetCases."""
    return Vectorisation([case.net() for case in nets], REG)


def _right_parts(got: LineCounts, case) -> tuple[list[str], list[str]]:
    """(parts of the large call that match the oracle, parts that do not) among probabilities,
    loss and gradients."""
    truth = torch_oracle.two_layer_net(case.params, case.X, case.y, REG)
    checks = [("probabilities", close("probabilities", got.probs, truth["probs"], 1e-7).ok)]
    if got.loss is not None:
        checks.append(("loss", close("loss", np.array(got.loss), np.array(truth["loss"]), 1e-8).ok))
    if got.grads is not None:
        checks.append(("gradients", all(close(k, got.grads[k], truth["grads"][k], 1e-6).ok
                                        for k in truth["grads"])))
    return [name for name, ok in checks if ok], [name for name, ok in checks if not ok]


@check("Q1c", points=2.0, files=FILES, time_limit_s=30.0)
def vectorised(ctx) -> Outcome:
    """loss() handles all N samples at once (no Python loop over the samples) and computes the answer"""
    case = hidden_case(ctx.rng("vectorised"), SIZES, "vectorisation net", avoid_kinks=False)
    small = NetCase("small batch", case.params, case.X[:N_SMALL], case.y[:N_SMALL])
    got = ctx.probe("two_layer_net.vectorisation", vectorisation_inputs([small, case]), TOY.scaled(wall_s=30.0))
    lines_small, lines_large = (int(n) for n in plain(np.array(got.lines), "the line counts", (2,)))
    seconds = plain(np.array(got.seconds), "the timings", (2,))
    extra = lines_large - lines_small
    what = "the forward pass loss(X)" if got.forward_only else "loss(X, y)"
    details = (f"{what} ran {lines_small} lines of your code for N={N_SMALL} and {lines_large} for "
               f"N={SIZES[0]} ({extra:+d}; limit +{MAX_EXTRA_LINES}); it took "
               f"{seconds[0] * 1e3:.2f} ms and {seconds[1] * 1e3:.2f} ms")
    if got.forward_only:
        details += "\n(the backward pass raised, so only the forward pass was measured; see Q2d)"
    right, wrong = _right_parts(got, case)
    details += f"\nfor N={SIZES[0]}: right: {', '.join(right) or 'nothing'}; wrong: {', '.join(wrong) or 'nothing'}"
    data = {"extra_lines": extra, "lines_small": lines_small, "lines_large": lines_large, "right": right}
    if extra > MAX_EXTRA_LINES:
        per_sample = extra / (SIZES[0] - N_SMALL)
        hint = ("replace loops over samples by matrix products (X @ W1), broadcasting (+ b1), axis "
                "reductions (.sum(axis=1)) and fancy indexing (probs[np.arange(N), y])")
        return Outcome.failed(f"not vectorised: {extra} more lines ran for {SIZES[0] - N_SMALL} more samples "
                              f"(~{per_sample:.1f} per sample), so loss() loops over the samples",
                              details + "\nHint: " + hint, **data)
    if "probabilities" not in right and "loss" not in right:
        return Outcome.failed(f"the same lines run for any N, but for N={SIZES[0]} neither the probabilities "
                              "nor the loss are right: vectorised code must also compute them (see Q1a, Q1b)",
                              details + "\nHint: make Q1a's probabilities right first; this check then "
                              "pays for doing it without a loop", **data)
    note = f"right for N={SIZES[0]}: {', '.join(right)}" + (f"; wrong: {', '.join(wrong)}" if wrong else "")
    return Outcome.passed("vectorised: the same Python lines run for any N", details, hint=note, **data)
