"""Q1c (two_layer_net.py): loss() is vectorised, with no Python loop over the samples.

The check counts the Python lines of two_layer_net.py that loss() runs for a small and a large
batch. Vectorised code runs the same lines whatever N is; a loop over samples (for, while, a
comprehension, np.vectorize or np.apply_along_axis over a function of the student's) runs at least
one more line per extra sample. Counting lines instead of timing keeps the score independent of
how busy the machine is (bench/vectorisation.py prints both measures side by side).
"""
from __future__ import annotations

from ..catalogue import Outcome, check
from ..sandbox import TOY
from .cases import hidden_case

FILES = ("two_layer_net.py",)
SIZES = (400, 64, 32, 10)  # (N, D, H, C) of the large batch
N_SMALL = 8
# Extra samples: 392. A per-sample loop runs >= 392 more lines; vectorised code runs 0 more (a
# branch on N, say `if N > 100`, may add a few). Half the extra samples is far from both.
MAX_EXTRA_LINES = (SIZES[0] - N_SMALL) // 2


@check("Q1c", points=2.0, files=FILES, time_limit_s=30.0)
def vectorised(ctx) -> Outcome:
    """loss() handles all N samples at once (no Python loop over the samples)"""
    case = hidden_case(ctx.rng("vectorised"), SIZES, "vectorisation net", avoid_kinks=False)
    got = ctx.probe("two_layer_net.vectorisation", case.inputs(n_small=N_SMALL), TOY.scaled(wall_s=30.0))
    small, large = int(got["lines_small"]), int(got["lines_large"])
    extra = large - small
    what = "the forward pass loss(X)" if got["forward_only"] else "loss(X, y)"
    details = (f"{what} ran {small} lines of two_layer_net.py for N={N_SMALL} and {large} for "
               f"N={SIZES[0]} ({extra:+d}; limit +{MAX_EXTRA_LINES}); it took "
               f"{got['seconds_small'] * 1e3:.2f} ms and {got['seconds_large'] * 1e3:.2f} ms")
    if got["forward_only"]:
        details += "\n(the backward pass is not written yet, so only the forward pass was measured)"
    data = {"extra_lines": extra, "lines_small": small, "lines_large": large}
    if extra <= MAX_EXTRA_LINES:
        return Outcome.passed("vectorised: the same Python lines run for any N", details, **data)
    per_sample = extra / (SIZES[0] - N_SMALL)
    return Outcome.failed(f"not vectorised: {extra} more lines ran for {SIZES[0] - N_SMALL} more samples "
                          f"(~{per_sample:.1f} per sample), so loss() loops over the samples",
                          details + "\nHint: replace loops over samples by matrix products (X @ W1), "
                          "broadcasting (+ b1), axis reductions (.sum(axis=1)) and fancy indexing "
                          "(probs[np.arange(N), y]).", **data)
