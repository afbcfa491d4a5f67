"""Plain-data transport between the grader and the child: arrays in .npz, the rest in JSON.

Nothing is ever unpickled. Arrays read back from the child are checked for an exact ndarray type
and a numeric dtype, so an object array, a subclass or a string array never reaches a comparison.
"""
from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np

from .features import O_BINARY, O_NOFOLLOW, O_NONBLOCK

ARRAYS = "arrays.npz"
VALUES = "values.json"
NUMERIC_KINDS = "biuf"


class TransportError(ValueError):
    """The child's output is not plain data of the agreed form."""


LARGE_BYTES = 32 * 2**20  # arrays above this get a .npy file of their own, which a child can map
FILES_KEY = "__npy_files__"


def write(folder: Path, data: dict[str, Any], prefix: str) -> None:
    """Write `data` as `<prefix>arrays.npz` (ndarrays) plus `<prefix>values.json` (everything
    else); an array larger than LARGE_BYTES goes to `<prefix>large-<i>.npy` instead."""
    arrays = {k: v for k, v in data.items() if isinstance(v, np.ndarray)}
    values = {k: to_json(v) for k, v in data.items() if not isinstance(v, np.ndarray)}
    large = {k: f"{prefix}large-{i}.npy" for i, k in enumerate(k for k, v in arrays.items() if v.nbytes > LARGE_BYTES)}
    for key, name in large.items():
        np.save(folder / name, arrays.pop(key))
    if large:
        values[FILES_KEY] = large
    np.savez(folder / (prefix + ARRAYS), **arrays)
    (folder / (prefix + VALUES)).write_text(json.dumps(values, allow_nan=True), encoding="utf-8")


def read(folder: Path, prefix: str, max_bytes: int = 512 * 2**20, map_large: bool = False) -> dict[str, Any]:
    """Read what `write` wrote; raises TransportError on anything that is not plain data.

    Files are opened without following links and must be regular files of at most max_bytes.
    With map_large (a child reading the grader's inputs), the large arrays are memory-mapped
    read-only: their pages stay file-backed, which the kernel can reclaim under a memory limit.
    """
    data: dict[str, Any] = {}
    values_path = folder / (prefix + VALUES)
    arrays_path = folder / (prefix + ARRAYS)
    try:
        loaded = json.loads(read_regular(values_path, 64 * 2**20).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransportError(f"{values_path.name} is not valid JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise TransportError(f"{values_path.name} does not hold an object")
    large = loaded.pop(FILES_KEY, {})
    data.update(loaded)
    if not isinstance(large, dict):
        raise TransportError(f"{values_path.name}: {FILES_KEY} is not an object")
    for key, name in large.items():
        data[key] = _large_array(folder, str(name), max_bytes, map_large, key)
    try:
        with open_regular(arrays_path, max_bytes) as handle, np.load(handle, allow_pickle=False) as npz:
            for key in npz.files:
                data[key] = checked_array(npz[key], key)
    except TransportError:
        raise
    except Exception as exc:  # a corrupt or forged file: np.load raises many kinds of errors
        raise TransportError(f"{arrays_path.name} could not be read: {exc}") from None
    return data


def _large_array(folder: Path, name: str, max_bytes: int, mapped: bool, key: str) -> np.ndarray:
    if "/" in name or "\\" in name or not name.endswith(".npy"):
        raise TransportError(f"{key}: {name!r} is not a file name of this folder")
    try:
        with open_regular(folder / name, max_bytes) as handle:
            if not mapped:
                return checked_array(np.load(handle, allow_pickle=False), key)
        # The grader wrote it (checked above: a regular file, not a link): map, don't copy.
        return checked_array(np.asarray(np.load(folder / name, mmap_mode="r", allow_pickle=False)), key)
    except TransportError:
        raise
    except Exception as exc:
        raise TransportError(f"{name} could not be read: {exc}") from None


def open_regular(path: Path, max_bytes: int | None = None) -> io.BufferedReader:
    """Open a file for reading only if it is a regular file reached without following a link."""
    try:
        if not O_NOFOLLOW and os.path.islink(path):  # Windows: no O_NOFOLLOW, so look first
            raise OSError(40, "is a link")
        fd = os.open(path, os.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_BINARY)
    except OSError as exc:
        raise TransportError(f"{Path(path).name} is missing or a link ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or (max_bytes is not None and info.st_size > max_bytes):
        os.close(fd)
        raise TransportError(f"{Path(path).name} is not a regular file of at most {max_bytes} bytes")
    return os.fdopen(fd, "rb")


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file (see open_regular) of at most max_bytes."""
    with open_regular(path, max_bytes) as handle:
        return handle.read(max_bytes + 1)[:max_bytes]


def checked_array(value: Any, name: str) -> np.ndarray:
    if type(value) is not np.ndarray:
        raise TransportError(f"{name}: expected a numpy array, got {type(value).__name__}")
    if value.dtype.kind not in NUMERIC_KINDS:
        raise TransportError(f"{name}: expected numbers, got dtype {value.dtype}")
    return value


def to_json(value: Any) -> Any:
    """Numpy scalars and nested containers to JSON-able Python values (NaN kept as a float)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value
