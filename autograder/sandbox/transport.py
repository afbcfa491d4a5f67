"""Plain-data transport between the grader and the child: arrays in .npz, the rest in JSON.

Nothing is ever unpickled. Arrays read back from the child are checked for an exact ndarray type
and a numeric dtype, so an object array, a subclass or a string array never reaches a comparison.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

ARRAYS = "arrays.npz"
VALUES = "values.json"
NUMERIC_KINDS = "biuf"


class TransportError(ValueError):
    """The child's output is not plain data of the agreed form."""


def write(folder: Path, data: dict[str, Any], prefix: str) -> None:
    """Write `data` as `<prefix>arrays.npz` (ndarrays) plus `<prefix>values.json` (everything else)."""
    arrays = {k: v for k, v in data.items() if isinstance(v, np.ndarray)}
    values = {k: to_json(v) for k, v in data.items() if not isinstance(v, np.ndarray)}
    np.savez(folder / (prefix + ARRAYS), **arrays)
    (folder / (prefix + VALUES)).write_text(json.dumps(values, allow_nan=True))


def read(folder: Path, prefix: str, max_bytes: int = 256 * 2**20) -> dict[str, Any]:
    """Read what `write` wrote; raises TransportError on anything that is not plain data."""
    data: dict[str, Any] = {}
    values_path = folder / (prefix + VALUES)
    arrays_path = folder / (prefix + ARRAYS)
    for path in (values_path, arrays_path):
        if path.is_symlink() or not path.is_file():
            raise TransportError(f"{path.name} is missing")
        if path.stat().st_size > max_bytes:
            raise TransportError(f"{path.name} is larger than {max_bytes} bytes")
    try:
        loaded = json.loads(values_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransportError(f"{values_path.name} is not valid JSON: {exc}") from None
    if not isinstance(loaded, dict):
        raise TransportError(f"{values_path.name} does not hold an object")
    data.update(loaded)
    try:
        with np.load(arrays_path, allow_pickle=False) as npz:
            for key in npz.files:
                data[key] = checked_array(npz[key], key)
    except TransportError:
        raise
    except Exception as exc:  # a corrupt or forged file: np.load raises many kinds of errors
        raise TransportError(f"{arrays_path.name} could not be read: {exc}") from None
    return data


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
