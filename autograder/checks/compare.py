"""Comparisons that return data and a sentence; checks decide the points, reporters print."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..oracles.numerical import relative_error


@dataclass
class Comparison:
    ok: bool
    message: str
    error: float = float("nan")


def close(name: str, got: np.ndarray, expected: np.ndarray, tol: float) -> Comparison:
    """Shape first, then finiteness, then the exercise's relative error against `tol`."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return Comparison(False, f"{name}: expected shape {expected.shape}, got {got.shape}")
    if not np.all(np.isfinite(got)):
        bad = np.argwhere(~np.isfinite(got))[0]
        return Comparison(False, f"{name}: contains NaN or inf (first at index {tuple(int(i) for i in bad)})")
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
