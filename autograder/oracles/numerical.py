"""Centred-difference gradients and the relative-error measures used by the gradient checks."""
from __future__ import annotations

import numpy as np

STEP = 1e-5  # the exercise's h; with float64 the truncation and rounding errors stay near 1e-10


def perturbations(params: dict[str, np.ndarray], h: float = STEP):
    """Yield (name, index, params+h e_i, params-h e_i) for every entry of every parameter."""
    for name, value in params.items():
        for index in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[name][index] += h
            minus[name][index] -= h
            yield name, index, plus, minus


def centred_difference(f_plus: np.ndarray, f_minus: np.ndarray, h: float = STEP) -> np.ndarray:
    """(f(x+h) - f(x-h)) / 2h, elementwise over matching arrays of function values."""
    with np.errstate(invalid="ignore", over="ignore"):  # a student's inf loss gives NaN, judged later
        return (np.asarray(f_plus, dtype=np.float64) - np.asarray(f_minus, dtype=np.float64)) / (2 * h)


def gradient_from_perturbations(params: dict[str, np.ndarray], f_plus: np.ndarray, f_minus: np.ndarray,
                                h: float = STEP) -> dict[str, np.ndarray]:
    """The centred-difference gradient {name: array shaped like params[name]} from a function's
    values at every `perturbations(params, h)` point, in that order: f_plus, f_minus (P,)."""
    diffs = centred_difference(f_plus, f_minus, h)
    grads, start = {}, 0
    for name, value in params.items():  # the order of perturbations(): parameter by parameter, C order
        size = int(np.size(value))
        grads[name] = diffs[start:start + size].reshape(np.shape(value))
        start += size
    return grads


def numerical_gradient(f, x: np.ndarray, h: float = STEP) -> np.ndarray:
    """Centred-difference gradient of a scalar function f at x (float64), shape of x."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        f_plus = f(x)
        x[index] = old - h
        f_minus = f(x)
        x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(actual: np.ndarray, expected: np.ndarray) -> tuple[float, tuple[int, ...]]:
    """max |a-e| / max(1e-8, |a|+|e|) over entries (the exercise's rel_error), and where it peaks.

    A NaN or inf on either side is an error of inf there: NaN never compares as a match.
    """
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        errors = np.abs(actual - expected) / np.maximum(1e-8, np.abs(actual) + np.abs(expected))
    errors = np.where(np.isfinite(actual) & np.isfinite(expected), errors, np.inf)
    if errors.size == 0:
        return 0.0, ()
    worst = np.unravel_index(int(np.argmax(errors)), errors.shape)
    return float(errors[worst]), tuple(int(i) for i in worst)


def norm_relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """||a - e|| / max(||a|| + ||e||, 1e-12): one number per tensor, insensitive to tiny entries;
    inf when either side holds NaN or inf."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if not (np.all(np.isfinite(actual)) and np.all(np.isfinite(expected))):
        return float("inf")
    scale = max(float(np.linalg.norm(actual) + np.linalg.norm(expected)), 1e-12)
    return float(np.linalg.norm(actual - expected) / scale)
