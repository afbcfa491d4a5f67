"""The catalogue of checks: a decorator that tags a function, and the registry the engine reads.

A check is a small function `fn(ctx) -> Outcome` in `autograder/checks/`. The decorator only
records what the engine and the reporters need (question, points, visibility, time limit, the
files it reads); the first line of the docstring is the title a student reads.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

# Question ids in the order of the exercise; the reporters print in this order.
QUESTIONS = ("Q0", "Q1a", "Q1b", "Q1c", "Q2d", "Q3a", "Q3b", "Q4a", "Q4b", "Q4c")
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")
CHECK_MODULES = ("q0_chain_rule", "q1_forward", "q1_loss", "q1_vectorised", "q2_backward",
                 "q3_training", "q3_cifar", "q4_mlp", "q4_training", "q4_depth_study")


@dataclass
class Outcome:
    """What a check found: a fraction of its points, one line of feedback, details, and a hint.

    `hint` is one line shown under the feedback in the table: how to fix a failure, or a note on a
    passed check. Left empty, it is the first "Hint: ..." line of the details (every check's
    convention), so a check only sets it when it wants another line.
    """

    fraction: float
    feedback: str
    details: str = ""
    data: dict[str, Any] = field(default_factory=dict)       # plain numbers for extra_data
    artifacts: dict[str, Any] = field(default_factory=dict)  # arrays for the report's figures
    hint: str = ""

    def __post_init__(self) -> None:
        if not self.hint:
            found = [line.strip()[len("Hint:"):].strip() for line in self.details.splitlines()
                     if line.strip().startswith("Hint:")]
            self.hint = found[0] if found else ""

    @classmethod
    def passed(cls, feedback: str, details: str = "", hint: str = "", **data: Any) -> "Outcome":
        return cls(1.0, feedback, details, data, hint=hint)

    @classmethod
    def failed(cls, feedback: str, details: str = "", hint: str = "", **data: Any) -> "Outcome":
        return cls(0.0, feedback, details, data, hint=hint)


@dataclass(frozen=True)
class Check:
    id: str
    question: str
    points: float
    title: str
    files: tuple[str, ...]
    time_limit_s: float
    visibility: str
    depends_on: tuple[str, ...]
    func: Callable[..., Outcome]
    manual_points: float = 0.0  # points a person awards for the same question (not in the total)


_REGISTRY: dict[str, Check] = {}


def check(question: str, points: float, *, files: tuple[str, ...], time_limit_s: float = 20.0,
          visibility: str = "visible", depends_on: tuple[str, ...] = (),
          manual_points: float = 0.0) -> Callable:
    """Register `fn` as a check of `question` worth `points`; its docstring's first line is its title."""
    if question not in QUESTIONS:
        raise ValueError(f"unknown question {question!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")

    def register(fn: Callable[..., Outcome]) -> Callable[..., Outcome]:
        title = (fn.__doc__ or fn.__name__).strip().splitlines()[0].strip()
        check_id = f"{question}.{fn.__name__}"
        if check_id in _REGISTRY and _REGISTRY[check_id].func is not fn:
            raise ValueError(f"duplicate check id {check_id}")
        _REGISTRY[check_id] = Check(check_id, question, float(points), title, tuple(files),
                                    float(time_limit_s), visibility, tuple(depends_on), fn,
                                    float(manual_points))
        return fn

    return register


def all_checks() -> list[Check]:
    """Every registered check, ordered by question, then by definition order."""
    for name in CHECK_MODULES:
        importlib.import_module(f"autograder.checks.{name}")
    order = {q: i for i, q in enumerate(QUESTIONS)}
    indexed = list(enumerate(_REGISTRY.values()))
    return [c for _, c in sorted(indexed, key=lambda ic: (order[ic[1].question], ic[0]))]


def select(checks: list[Check], only: list[str] | None) -> list[Check]:
    """Keep the checks of the named questions (or check ids); None keeps all."""
    if not only:
        return checks
    wanted = {name.strip() for name in only if name.strip()}
    unknown = wanted - {c.question for c in checks} - {c.id for c in checks}
    if unknown:
        raise ValueError(f"unknown question(s) {', '.join(sorted(unknown))}; "
                         f"choose from {', '.join(QUESTIONS)}")
    return [c for c in checks if c.question in wanted or c.id in wanted]
