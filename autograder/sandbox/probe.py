"""Probes are referenced, not named: `@probe` turns a function into a typed reference.

A probe is `fn(inputs: In, submission: Submission) -> Out`: the code that runs inside a child,
imports the student's files, calls them and returns plain data. Decorated with `@probe`, it
becomes a `Probe[In, Out]` that carries its input and output message types (read from its
annotations) and its address, "package.module:function". A check runs it with
`ctx.probe(some_probe, In(...), limits)` and gets an `Out` back (type checkers see both), so a typo
in a probe's name fails at import, not in the middle of a grade. On the wire only the address
travels; the child resolves it (`resolve`) to the same function, in a module of the grader's own
packages, imported before any student code. This module knows functions and types, nothing of
what the probes do.
"""
from __future__ import annotations

import importlib
import typing
from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")
GRADER_PACKAGES = ("autograder.",)  # a child imports probes from the grader's own code only


@dataclass(frozen=True)
class Probe(Generic[In, Out]):
    """A reference to a probe function and its message types."""

    function: Callable[[Any, Any], Any]
    inputs: type
    outputs: type

    @property
    def address(self) -> str:
        """"package.module:function", what the child resolves."""
        return f"{self.function.__module__}:{self.function.__name__}"

    @property
    def name(self) -> str:
        """"module.function" without the package, for messages."""
        return f"{self.function.__module__.rsplit('.', 1)[-1]}.{self.function.__name__}"

    def __call__(self, inputs: In, submission) -> Out:
        return self.function(inputs, submission)


def probe(function: Callable[[In, Any], Out]) -> Probe[In, Out]:
    """Make `function(inputs, submission) -> outputs` a typed Probe (the decorator).

    Its annotations name the message types: the first parameter's and the return's, both
    dataclasses (sandbox/codec.py). A missing or non-dataclass annotation is a TypeError at import.
    """
    try:
        hints = typing.get_type_hints(function)
    except NameError as exc:
        raise TypeError(f"probe {function.__module__}.{function.__name__}: its annotations cannot be resolved "
                        f"({exc}); define its message dataclasses at module level, above it") from None
    names = list(function.__code__.co_varnames[:function.__code__.co_argcount])
    inputs, outputs = hints.get(names[0]) if names else None, hints.get("return")
    for role, kind in (("input", inputs), ("output", outputs)):
        if not (isinstance(kind, type) and hasattr(kind, "__dataclass_fields__")):
            raise TypeError(f"probe {function.__module__}.{function.__name__}: its {role} must be annotated "
                            f"with a message dataclass, got {kind!r}")
    return Probe(function, inputs, outputs)


def resolve(address: str) -> Probe:
    """The Probe at "package.module:function"; ValueError unless it is one of the grader's probes."""
    module_name, _, function = address.partition(":")
    if not module_name.startswith(GRADER_PACKAGES) or not function or function.startswith("_"):
        raise ValueError(f"unknown probe {address!r}")
    found = getattr(importlib.import_module(module_name), function, None)
    if not isinstance(found, Probe) or found.address != address:
        raise ValueError(f"{address!r} is not a probe")
    return found
