"""What a check returns: structured data that the reporters render, nothing to parse back.

A `Comparison` is one measured agreement (a name, ok or not, the sentence saying how far apart,
the error); an `Outcome` is the check's verdict: the fraction of its points, one line of feedback,
the comparisons it made, its notes (what it credited and why), one hint (how to fix a failure, or
a note on a passed check), free `details` lines (what else it measured), plain numbers for
extra_data and arrays for the report's figures. The engine turns it into a CheckResult; the
reporters (reporters/text.py) decide how it reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable


@dataclass
class Comparison:
    """One comparison of a student's value with the expected one (checks/compare.py makes them)."""

    ok: bool
    message: str                      # e.g. "probabilities vs torch autograd: relative error 3.1e-16"
    error: float = float("nan")       # the relative error, when one was measured


@dataclass
class Outcome:
    """What a check found (see the module's docstring)."""

    fraction: float
    feedback: str
    details: str = ""
    data: dict[str, Any] = field(default_factory=dict)       # plain numbers for extra_data
    artifacts: dict[str, Any] = field(default_factory=dict)  # arrays for the report's figures
    hint: str = ""
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def passed(cls, feedback: str, details: str = "", hint: str = "", comparisons: Iterable[Comparison] = (),
               notes: Iterable[str] = (), **data: Any) -> "Outcome":
        return cls(1.0, feedback, details, data, hint=hint, comparisons=list(comparisons), notes=list(notes))

    @classmethod
    def failed(cls, feedback: str, details: str = "", hint: str = "", comparisons: Iterable[Comparison] = (),
               notes: Iterable[str] = (), **data: Any) -> "Outcome":
        return cls(0.0, feedback, details, data, hint=hint, comparisons=list(comparisons), notes=list(notes))

    @classmethod
    def judged(cls, comparisons: Iterable[Comparison], passed: str, hint: str = "", **data: Any) -> "Outcome":
        """Full points with feedback `passed` when every comparison holds; else none, the first
        failed comparison as feedback and `hint` (a hint is for failures only)."""
        comparisons = list(comparisons)
        failures = [c for c in comparisons if not c.ok]
        if not failures:
            return cls.passed(passed, comparisons=comparisons, **data)
        return cls.failed(failures[0].message, hint=hint, comparisons=comparisons, **data)
