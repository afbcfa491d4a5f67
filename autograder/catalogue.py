"""The catalogue of checks: a decorator that tags a function, and the list the engine reads.

A check is a small function `fn(ctx) -> Outcome` in its question's module of `autograder/checks/`
(autograder/course.py names the module and the check's points). The decorator only records what
the engine and the reporters need (question, visibility, time limit, the files it reads, what it
depends on); the first line of the docstring is the title a student reads.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from .course import COURSE
from .outcome import Outcome

# Question ids with automatic checks, in the order of the exercise; the reporters print in this order.
QUESTIONS = COURSE.graded_ids()
VISIBILITIES = ("visible", "after_due_date", "after_published", "hidden")


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


def check(question: str, *, files: tuple[str, ...] = (), time_limit_s: float = 20.0,
          visibility: str = "visible", depends_on: tuple[str, ...] = (), title: str = "") -> Callable:
    """Register `fn` as a check of `question`, worth the points course.py gives it; it reads the
    question's student file unless `files` names others. Its title is `title`, or else its
    docstring's first line (a title that quotes course.py's settings is built from them)."""
    entry = COURSE.question(question)
    if not entry.module:
        raise ValueError(f"question {question} has no check module in autograder/course.py")
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")

    def register(fn: Callable[..., Outcome]) -> Callable[..., Outcome]:
        shown = title or (fn.__doc__ or fn.__name__).strip().splitlines()[0].strip()
        check_id = f"{question}.{fn.__name__}"
        if check_id in _REGISTRY and _REGISTRY[check_id].func is not fn:
            raise ValueError(f"duplicate check id {check_id}")
        _REGISTRY[check_id] = Check(check_id, question, float(entry.points_of(fn.__name__)), shown,
                                    tuple(files) or (entry.file,), float(time_limit_s), visibility,
                                    tuple(depends_on), fn, float(entry.hand_points))
        return fn

    return register


def all_checks() -> list[Check]:
    """Every check course.py lists, in its order (question by question, check by check).

    Imports each question's module; a listed check that its module does not define, or a check a
    module defines that course.py does not list, is a ValueError naming it.
    """
    for q in COURSE.graded():
        importlib.import_module(f"autograder.checks.{q.module}")
    missing = [i for q in COURSE.graded() for i in q.check_ids if i not in _REGISTRY]
    if missing:
        raise ValueError(f"autograder/course.py lists check(s) {', '.join(missing)} that no module of "
                         "autograder/checks defines with @check")
    listed = {i for q in COURSE.graded() for i in q.check_ids}
    unlisted = [i for i in _REGISTRY if i not in listed]
    if unlisted:
        raise ValueError(f"check(s) {', '.join(unlisted)} are defined but not listed in autograder/course.py")
    return [_REGISTRY[i] for q in COURSE.graded() for i in q.check_ids]


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
