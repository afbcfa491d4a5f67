"""The oracle process's messages: nested plain data (dicts, lists, numbers, strings, arrays) as
bytes, and those bytes framed on a pipe.

A message is JSON in which every numpy array is replaced by {"$array": key}, followed by an .npz
holding those arrays (saved and loaded without pickle). A frame is the message's length (8 bytes,
big-endian) and the message. Both ends are the grader's own code, but the format is the same
plain data as the sandbox's (nothing is unpickled).
"""
from __future__ import annotations

import io
import json
import struct
from typing import IO, Any

import numpy as np

from ..sandbox.transport import to_json

LENGTH = struct.Struct(">Q")
ARRAY_KEY = "$array"


def pack(value: Any) -> bytes:
    """`value` (nested dict/list/tuple of numbers, str, None, bool and ndarrays) as bytes."""
    arrays: dict[str, np.ndarray] = {}

    def tree(item: Any) -> Any:
        if isinstance(item, np.ndarray):
            key = f"a{len(arrays)}"
            arrays[key] = item
            return {ARRAY_KEY: key}
        if isinstance(item, dict):
            return {str(k): tree(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [tree(v) for v in item]
        return to_json(item)  # numpy scalars as Python numbers

    text = json.dumps(tree(value), allow_nan=True).encode()
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return LENGTH.pack(len(text)) + text + buffer.getvalue()


def unpack(data: bytes) -> Any:
    """The value `pack` packed; tuples come back as lists."""
    (size,) = LENGTH.unpack_from(data)
    loaded = json.loads(data[LENGTH.size:LENGTH.size + size].decode())
    with np.load(io.BytesIO(data[LENGTH.size + size:]), allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}

    def tree(item: Any) -> Any:
        if isinstance(item, dict):
            if set(item) == {ARRAY_KEY}:
                return arrays[item[ARRAY_KEY]]
            return {k: tree(v) for k, v in item.items()}
        if isinstance(item, list):
            return [tree(v) for v in item]
        return item

    return tree(loaded)


def send(stream: IO[bytes], value: Any) -> None:
    """Write one frame holding `value` and flush."""
    data = pack(value)
    stream.write(LENGTH.pack(len(data)) + data)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """Read one frame; EOFError when the other end is gone (before or inside a frame)."""
    header = _read_exactly(stream, LENGTH.size)
    return unpack(_read_exactly(stream, LENGTH.unpack(header)[0]))


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the other end of the oracle pipe closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
