"""Counts how often the student's code evaluates a softmax or a log: its loss evaluations.

A softmax cross-entropy needs numpy's exp or log (or a relative: exp2, expm1, log1p, logaddexp,
...) once per evaluation, however it is written. Backpropagation evaluates the loss once per
loss() call, whatever the sizes; element-wise loops over samples or activations do not evaluate
it more often (they are Q1c's concern); finite differences inside loss() evaluate it twice per
parameter entry. Q2d compares the count of two nets with different numbers of weights.

The counters replace the functions in numpy's namespace inside the probe's child only, before
the student's file is imported, so `np.exp`, `numpy.log` and `from numpy import exp` all count.
"""
from __future__ import annotations

import numpy as np

COUNTED = ("exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "logaddexp", "logaddexp2")


UFUNC_METHODS = ("reduce", "accumulate", "reduceat", "outer", "at")  # np.logaddexp.reduce is a log-sum-exp


class _Counted:
    """Calls the numpy function and counts the call, and the calls of its ufunc methods; other
    attributes (.nin, .__name__) pass through."""

    def __init__(self, function, counter: "EvaluationCounter"):
        self._function, self._counter = function, counter

    def __call__(self, *args, **kwargs):
        self._counter.calls += 1
        return self._function(*args, **kwargs)

    def __getattr__(self, name):
        found = getattr(self._function, name)
        return _Counted(found, self._counter) if name in UFUNC_METHODS else found


class EvaluationCounter:
    """A context manager: while it is open, the exp/log family of numpy counts its calls."""

    def __init__(self):
        self.calls = 0
        self._saved: dict = {}

    def __enter__(self) -> "EvaluationCounter":
        for name in COUNTED:
            self._saved[name] = getattr(np, name)
            setattr(np, name, _Counted(self._saved[name], self))
        return self

    def __exit__(self, *exc) -> None:
        for name, function in self._saved.items():
            setattr(np, name, function)
