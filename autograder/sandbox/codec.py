"""The codec of the typed messages between a check (parent) and its probe (child).

A message is a dataclass (the probe's input or output; they live beside the probe, and the probe's
reference carries their types: probe.py). The check builds the input, the probe receives it
decoded and returns its output, and the check receives that decoded: both sides use field names,
never ad-hoc string keys. On the wire a message is flattened to dotted keys (`steps.1.W1`): arrays
go to the .npz, everything else to JSON (transport.py). Decoding checks every field against its
declared type, so malformed output from a child (a missing field, a string where a number belongs)
is a MessageError, never a KeyError in a check. This module knows the field types, nothing of
what the messages mean.

Field types: np.ndarray; Params (dict[str, np.ndarray]); float, int, str, bool; a nested message;
list[...] of messages, arrays or Params; `dict`/`list` of plain JSON values; any of them `| None`.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any, Dict, Union

import numpy as np

Params = Dict[str, np.ndarray]   # named arrays, e.g. W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)


class MessageError(ValueError):
    """A message that does not match its declared fields."""


@dataclass
class Nothing:
    """The message of a probe that needs no inputs."""


def encode(message: Any) -> dict[str, Any]:
    """A message as flat {dotted key: array or plain JSON value}; None fields are left out."""
    flat: dict[str, Any] = {}
    _put(flat, "", type(message), message)
    return flat


def decode(cls: type, flat: dict[str, Any]) -> Any:
    """The message of type `cls` held in `flat`; MessageError when a field is missing or mistyped."""
    return _get(flat, "", cls, cls.__name__)


def _put(flat: dict, key: str, kind: Any, value: Any) -> None:
    if value is None:
        return
    kind = _strip_optional(kind)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        for f in dataclasses.fields(kind):
            _put(flat, _join(key, f.name), hints[f.name], getattr(value, f.name))
    elif kind is np.ndarray:
        flat[key] = np.asarray(value)
    elif _is_params(kind):
        for name, array in value.items():
            flat[_join(key, str(name))] = np.asarray(array)
        flat[_join(key, "#keys")] = [str(name) for name in value]
    elif typing.get_origin(kind) is list and typing.get_args(kind):
        items = list(value)
        for i, item in enumerate(items):
            _put(flat, _join(key, str(i)), typing.get_args(kind)[0], item)
        flat[_join(key, "#len")] = len(items)
    else:  # plain JSON: numbers, strings, lists and dicts of them
        flat[key] = value


def _get(flat: dict, key: str, kind: Any, where: str) -> Any:
    optional = _strip_optional(kind) is not kind
    kind = _strip_optional(kind)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        values = {}
        for f in dataclasses.fields(kind):
            sub = _join(key, f.name)
            present = any(k == sub or k.startswith(sub + ".") for k in flat)
            if not present:
                has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
                if has_default or _strip_optional(hints[f.name]) is not hints[f.name]:
                    continue
                if not dataclasses.is_dataclass(hints[f.name]):  # a message of only optional fields may be empty
                    raise MessageError(f"{where}.{f.name} is missing")
            values[f.name] = _get(flat, sub, hints[f.name], f"{where}.{f.name}")
        return kind(**values)
    if _is_params(kind):
        names = _value(flat, _join(key, "#keys"), list, where)
        return {str(name): _array(flat, _join(key, str(name)), f"{where}[{name!r}]") for name in names}
    if typing.get_origin(kind) is list and typing.get_args(kind):
        length = _value(flat, _join(key, "#len"), int, where)
        item = typing.get_args(kind)[0]
        return [_get(flat, _join(key, str(i)), item, f"{where}[{i}]") for i in range(length)]
    if key not in flat and optional:
        return None
    if kind is np.ndarray:
        return _array(flat, key, where)
    return _value(flat, key, kind, where)


def _array(flat: dict, key: str, where: str) -> np.ndarray:
    value = flat.get(key)
    if type(value) is not np.ndarray:
        raise MessageError(f"{where} should be an array, got {type(value).__name__}")
    return value


def _value(flat: dict, key: str, kind: Any, where: str) -> Any:
    if key not in flat:
        raise MessageError(f"{where} is missing")
    value = flat[key]
    if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind in (str, bool, dict, list) and isinstance(value, kind):
        return value
    if kind is Any:
        return value
    raise MessageError(f"{where} should be {getattr(kind, '__name__', kind)}, got {type(value).__name__}")


def _strip_optional(kind: Any) -> Any:
    if typing.get_origin(kind) in (Union, getattr(types, "UnionType", Union)):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return kind


def _is_params(kind: Any) -> bool:
    return typing.get_origin(kind) is dict and typing.get_args(kind) == (str, np.ndarray)


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name
