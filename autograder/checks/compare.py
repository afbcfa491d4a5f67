"""Comparisons that return data and a sentence; checks decide the points, reporters print."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..oracles.numerical import relative_error
from ..sandbox import ProbeFailure


@dataclass
class Comparison:
    ok: bool
    message: str
    error: float = float("nan")


def plain(value, what: str, shape: tuple | None = None) -> np.ndarray:
    """A probe's array as a plain float64 ndarray (a copy): its type exactly np.ndarray (no subclass,
    whose __eq__ or __array_function__ could answer anything), a numeric dtype, and `shape` when
    given. Anything else ends the check as the student's failure, with a message naming it.

    The probes and the transport already refuse subclasses and object arrays; this is the last
    gate before a comparison, so no check depends on every path before it.
    """
    if type(value) is not np.ndarray or value.dtype.kind not in "iuf":
        kind = type(value).__name__ if type(value) is not np.ndarray else f"an array of dtype {value.dtype}"
        raise ProbeFailure("bad_return", f"returned {kind} for {what}; expected a plain numpy array of numbers")
    if shape is not None and value.shape != tuple(shape):
        raise ProbeFailure("bad_return", f"returned shape {value.shape} for {what}; expected {tuple(shape)}")
    return np.array(value, dtype=np.float64)


def close(name: str, got: np.ndarray, expected: np.ndarray, tol: float) -> Comparison:
    """Type first (plain()), then shape, then finiteness of both sides, then the exercise's relative
    error against `tol`.

    A non-finite value never matches, not even the same NaN on the expected side: an expected
    value derived from the student's own results (a NaN gradient, say) must not let anything pass.
    """
    got = plain(got, name)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return Comparison(False, f"{name}: expected shape {expected.shape}, got {got.shape}")
    if not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))[0]
        return Comparison(False, f"{name}: contains NaN or inf (first at index {tuple(int(i) for i in bad)})")
    if not np.all(np.isfinite(expected)):
        bad = np.argwhere(~np.isfinite(expected))[0]
        return Comparison(False, f"{name}: the expected value, built from your other results, holds NaN "
                          f"or inf (first at index {tuple(int(i) for i in bad)}); nothing matches it")
    error, worst = relative_error(got, expected)
    if error > tol:
        at = f" at index {worst}" if worst else ""
        return Comparison(False, f"{name}: relative error {error:.1e} > {tol:.0e}{at} "
                          f"(expected {expected[worst]:.8g}, got {got[worst]:.8g})", error)
    return Comparison(True, f"{name}: relative error {error:.1e}", error)


def summary(comparisons: list[Comparison]) -> tuple[bool, str, str]:
    """(all ok, first failure or 'all match', every line joined) for a list of comparisons."""
    failures = [c for c in comparisons if not c.ok]
    first = failures[0].message if failures else "all match"
    return not failures, first, "\n".join(("ok   " if c.ok else "FAIL ") + c.message for c in comparisons)
