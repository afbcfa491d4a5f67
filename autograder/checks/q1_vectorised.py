"""Q1c (two_layer_net.py): loss() is vectorised, with no Python loop over the samples."""
from __future__ import annotations

from ..catalogue import Outcome, check
from ..sandbox import TOY
from .cases import hidden_case

FILES = ("two_layer_net.py",)
# A vectorised loss costs a small multiple of the three matrix products every implementation
# needs; a Python loop over N samples pays interpreter overhead per sample. The limit sits between
# the two with a wide margin on both sides (measured in bench/vectorisation.py).
SIZES = (2000, 64, 32, 10)  # (N, D, H, C): many samples, small D, so per-sample overhead shows
MAX_RATIO = 15.0  # vectorised: 2-5x; per-sample loop: 50-80x (bench/vectorisation.py, 2-core machine)
REPEATS = 7


@check("Q1c", points=2.0, files=FILES, time_limit_s=30.0)
def vectorised(ctx) -> Outcome:
    """loss() handles all N samples at once (timed against the matrix products it needs)"""
    case = hidden_case(ctx.rng("timing"), SIZES, "timing net", avoid_kinks=False)
    got = ctx.probe("two_layer_net.timing", case.inputs(repeats=REPEATS), TOY.scaled(wall_s=30.0))
    ratio = got["student_s"] / max(got["floor_s"], 1e-6)
    details = (f"loss(X, y) on N={SIZES[0]} samples took {got['student_s'] * 1e3:.2f} ms (median of "
               f"{REPEATS}); the matrix products alone take {got['floor_s'] * 1e3:.2f} ms: "
               f"{ratio:.1f}x (limit {MAX_RATIO:.0f}x)")
    if got["forward_only"]:
        details += "\n(the backward pass is not written yet, so only the forward pass loss(X) was timed)"
    if ratio <= MAX_RATIO:
        return Outcome.passed(f"vectorised ({ratio:.1f}x the matrix products)", details, ratio=ratio)
    return Outcome.failed(f"too slow for a vectorised loss: {ratio:.0f}x the matrix products "
                          f"(limit {MAX_RATIO:.0f}x)", details + "\nHint: replace loops over samples "
                          "by matrix products (X @ W1), broadcasting (+ b1) and fancy indexing "
                          "(probs[np.arange(N), y]).", ratio=ratio)
