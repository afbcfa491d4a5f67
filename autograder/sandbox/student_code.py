"""What the child knows of the student's code: the files, their failures, their return values.

`Submission` imports the student's files fresh by path inside the child; `StudentFailure` is a
failure the student's code caused (missing file, import error, unusable return value);
`describe_exception` says where in the student's files an exception was raised; `as_array` and
`as_float` take a return value only as a plain number or array. `unwritten` recognises a TODO the
student has not written yet: the stub `raise NotImplementedError(...)` that `make student` put
under a `# TODO(Qxx): task` comment (markers.py), found by its place in the file, not by the
message text, and returned as a typed `Unwritten`.
"""
from __future__ import annotations

import importlib.util
import linecache
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..markers import todo_above

SUBMISSION_MARK = "<submission>"  # stands for the submission folder in tracebacks sent to the parent


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

    def unwritten(self, exc: BaseException) -> Unwritten | None:
        """The TODO of these files whose stub raised `exc`, if it was one (see `unwritten`)."""
        return unwritten(exc, self.folder)

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


@dataclass(frozen=True)
class Unwritten:
    """A TODO of the skeleton that is not written yet: its question ("Q2d") and its task."""

    todo: str
    task: str


def unwritten(exc: BaseException, folder: Path) -> Unwritten | None:
    """The TODO whose stub raised `exc`: a NotImplementedError raised in one of the student's files
    (in `folder`) right under a `# TODO(Qxx): task` comment; None for any other exception."""
    if not isinstance(exc, NotImplementedError):
        return None
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).parent == folder]
    if not frames:
        return None
    last = frames[-1]
    lines = linecache.getlines(last.filename)[:max(0, (last.lineno or 1) - 1)]
    found = todo_above(lines)
    return Unwritten(*found) if found is not None else None


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
