"""Probes: the functions that run inside the child, call the student's code and return plain data.

A probe is `fn(inputs, submission: Submission) -> outputs` living in one of the modules named in
`MODULES`; it is addressed as "<module>.<function>" (e.g. "two_layer_net.probabilities"), and its
input and output are the typed messages that sandbox/exchange.py's PROBES names for it. Probes
never judge: they hand back arrays and numbers; the checks in the parent compare them.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import numpy as np

SUBMISSION_MARK = "<submission>"  # stands for the submission folder in tracebacks sent to the parent
MODULES = ("chain_rule", "two_layer_net", "two_layer_training", "hyperparams", "mlp", "mlp_training",
           "instructor_tests")


class StudentFailure(Exception):
    """The student's code cannot be used for this probe (missing, import error, bad return)."""

    def __init__(self, status: str, message: str, where: dict | None = None, detail: str = ""):
        super().__init__(message)
        self.status, self.message, self.where, self.detail = status, message, where or {}, detail

    def as_status(self) -> dict:
        return {"status": self.status, "message": self.message, "where": self.where,
                "traceback": self.detail}


class Submission:
    """The student's files inside the child; imports each module fresh by path."""

    def __init__(self, folder: Path):
        self.folder = folder

    def module(self, name: str):
        path = self.folder / f"{name}.py"
        if not path.is_file():
            raise StudentFailure("missing", f"{name}.py is missing from the submission")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except NotImplementedError:
            raise
        except BaseException as exc:
            info = describe_exception(exc, self.folder)
            raise StudentFailure("import_error", info["message"], info["where"], info["traceback"])
        return module


def resolve(name: str) -> Callable[[dict, Submission], dict]:
    module_name, _, function = name.partition(".")
    if module_name not in MODULES or not function or function.startswith("_"):
        raise ValueError(f"unknown probe {name!r}")
    module = importlib.import_module(f"{__name__}.{module_name}")
    return getattr(module, function)


def describe_exception(exc: BaseException, folder: Path) -> dict:
    """Type, message and the innermost line of the student's files where `exc` was raised."""
    try:
        message = f"{type(exc).__name__}: {exc}"
    except BaseException:  # a hostile __str__
        message = type(exc).__name__
    where: dict[str, Any] = {}
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).parent == folder:
        where = {"file": Path(exc.filename).name, "line": exc.lineno, "code": (exc.text or "").strip()}
    frames = traceback.extract_tb(exc.__traceback__)
    student_frames = [f for f in frames if Path(f.filename).parent == folder]
    if student_frames and not where:
        last = student_frames[-1]
        where = {"file": Path(last.filename).name, "line": last.lineno, "function": last.name,
                 "code": (last.line or "").strip()}
    # The child's copies live in a temporary folder the student never saw: name them by the
    # marker, which the parent replaces with the submission folder (student/two_layer_net.py).
    shown = [traceback.FrameSummary(f"{SUBMISSION_MARK}/{Path(f.filename).name}", f.lineno, f.name,
                                    line=f.line) for f in student_frames[-5:]]
    lines = traceback.format_list(shown)
    return {"message": message[:1000], "where": where, "traceback": "".join(lines)[-3000:]}


# The scalar types a student's number may have: Python's and numpy's own, never a subclass (whose
# __eq__, __float__ or __array_function__ could answer anything).
PLAIN_SCALARS = (int, float, *(t for t in set(np.sctypeDict.values())
                               if issubclass(t, (np.integer, np.floating)) and not issubclass(t, np.timedelta64)))


def as_array(value: Any, what: str, ndim: int | None = None) -> np.ndarray:
    """The student's return value as a plain float64 array (a copy), or a StudentFailure saying
    what was wrong: an ndarray subclass, an array of objects, strings or booleans, or no array."""
    if type(value) is np.ndarray:
        if value.dtype.kind not in "iuf":
            raise StudentFailure("bad_return", f"{what} should be a numpy array of numbers, got an array of "
                                 f"dtype {value.dtype}")
        array = np.array(value, dtype=np.float64)  # a copy: a view cannot follow it out
    elif type(value) in PLAIN_SCALARS:
        array = np.array(float(value), dtype=np.float64)
    elif isinstance(value, np.ndarray):
        raise StudentFailure("bad_return", f"{what} should be a plain numpy array, got {type(value).__name__}, "
                             "a subclass of np.ndarray: build it with numpy operations (np.asarray(x) "
                             "gives a plain array)")
    else:
        raise StudentFailure("bad_return", f"{what} should be a numpy array of numbers, got "
                             f"{type(value).__name__}")
    if ndim is not None and array.ndim != ndim:
        raise StudentFailure("bad_return", f"{what} should have {ndim} dimension(s), got shape "
                             f"{array.shape}")
    return array


def as_float(value: Any, what: str) -> float:
    array = as_array(value, what)
    if array.size != 1:
        raise StudentFailure("bad_return", f"{what} should be a single number, got shape {array.shape}")
    return float(array.reshape(()))
