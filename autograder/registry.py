"""What a question is, and what the course's list of questions says: the registry's types.

The data itself, the one file a TA edits each year, is `autograder/course.py`: every question
(its id and title, its student file, its checks with their points, its hand-graded points,
whether it needs torch, its CIFAR-10 training with thresholds and budget, its leaderboard
columns) and the course-wide settings (the time scale). Everything that lists questions, files or
points reads them from `Course`: the catalogue, the probes' routing to a numpy or torch process,
staging, the nbgrader notebook's points, Gradescope's scores and leaderboard, the gradebook's
columns and the README tables (`python -m autograder questions` prints it).

`Course.validate` runs when course.py is imported: a wrong value stops everything with a
`CourseSettingsError` that names the question, the field and the value.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

ID = re.compile(r"^Q\d+[a-z]?$")
FILE = re.compile(r"^[a-z_][a-z0-9_]*\.py$")
MODULE = re.compile(r"^[a-z_][a-z0-9_]*$")


def test_cell(question_id: str) -> str:
    """The nbgrader grade id of a question's autograded notebook cell ("Q1a" -> "test_Q1a")."""
    return f"test_{question_id}"


class CourseSettingsError(ValueError):
    """A value of autograder/course.py that cannot work; the message names it and says why."""


@dataclass(frozen=True)
class Points:
    """One automatic check of a question: the name of its function in the question's module, and
    what it is worth."""

    check: str          # the check function's name, e.g. "toy_probabilities"
    points: float


@dataclass(frozen=True)
class Cifar:
    """A question whose check trains the student's settings on CIFAR-10 within a compute budget and
    pays for the test accuracy: linearly from `zero_at` (nothing) to `full_at` (all its points)."""

    check: str          # the check that trains, e.g. "cifar_accuracy"
    full_at: float      # test accuracy for full points, in [0, 1]
    zero_at: float      # test accuracy at and below which it pays nothing (the partial-credit floor)
    max_macs: float     # the compute budget: multiply-accumulates of one training
    time_limit_s: float  # wall-clock safety net of the training check (times --time-scale)


@dataclass(frozen=True)
class Column:
    """A leaderboard column on Gradescope: the value `data_key` of one check's result, times
    `scale` (an accuracy in [0, 1] shown in %)."""

    check: str          # the check's function name
    name: str           # the column's title
    data_key: str = "test_accuracy"
    scale: float = 100.0
    order: str = "desc"


@dataclass(frozen=True)
class Question:
    """One question of the exercise, declared once."""

    id: str                         # "Q1a": sorts the reports, names the notebook's cells
    title: str                      # a few words: "forward pass"
    file: str                       # the student file whose TODOs it grades ("two_layer_net.py"); for a
                                    # question graded by hand only, the file its answer lives in
    module: str = ""                # its check-and-probe module in autograder/checks/ ("" if by hand only)
    checks: tuple[Points, ...] = ()
    hand_points: float = 0.0        # points a person awards (nbgrader's answer cell, Gradescope by hand)
    hand_cell: str = ""             # the notebook cell a person grades ("answer_Q2a"), if any
    needs_torch: bool = False       # its probes import torch: they run in "torch" processes
    cifar: Cifar | None = None      # its CIFAR-10 training, if it has one
    leaderboard: tuple[Column, ...] = ()

    @property
    def auto_points(self) -> float:
        return round(sum(p.points for p in self.checks), 4)

    @property
    def check_ids(self) -> tuple[str, ...]:
        return tuple(f"{self.id}.{p.check}" for p in self.checks)

    def points_of(self, check: str) -> float:
        """The points of check function `check`; CourseSettingsError when the question has none."""
        for entry in self.checks:
            if entry.check == check:
                return entry.points
        raise CourseSettingsError(f"{self.id} lists no check {check!r} in autograder/course.py (it lists "
                                  f"{', '.join(p.check for p in self.checks) or 'none'}): add "
                                  f"Points({check!r}, ...) to its checks")


@dataclass(frozen=True)
class Course:
    """The whole course: its questions in the order of the exercise, and the course-wide settings."""

    questions: tuple[Question, ...]
    time_scale: float = 1.0         # default multiplier of every time limit (--time-scale overrides it)
    notebook: str = "exercise2.ipynb"  # the notebook handed out beside the student files

    def __post_init__(self) -> None:
        self.validate()

    # ---- lookups --------------------------------------------------------------------------
    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no question {question_id!r}; the course has {', '.join(self.ids())}")

    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def graded(self) -> tuple[Question, ...]:
        """The questions with a check module (automatic checks), in the exercise's order."""
        return tuple(q for q in self.questions if q.module)

    def graded_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.graded())

    def submission_files(self) -> tuple[str, ...]:
        """The student's .py files, in the order the questions first need them."""
        files: list[str] = []
        for q in self.questions:
            if q.file.endswith(".py") and q.file not in files:
                files.append(q.file)
        return tuple(files)

    def auto_points(self) -> dict[str, float]:
        """{question: automatic points} for every question that has some, in order."""
        return {q.id: q.auto_points for q in self.questions if q.auto_points > 0}

    def hand_points(self) -> dict[str, float]:
        """{question: points graded by hand} for every question with a hand-graded cell."""
        return {q.id: q.hand_points for q in self.questions if q.hand_cell}

    def hand_cells(self) -> dict[str, float]:
        """{notebook grade id: points} of the cells a person grades."""
        return {q.hand_cell: q.hand_points for q in self.questions if q.hand_cell}

    def total_auto_points(self) -> float:
        return round(sum(self.auto_points().values()), 4)

    def cifar_check_ids(self) -> tuple[str, ...]:
        """The checks that train on CIFAR-10 (about a minute each)."""
        return tuple(f"{q.id}.{q.cifar.check}" for q in self.questions if q.cifar is not None)

    def quick_check_ids(self) -> tuple[str, ...]:
        """Every check id except the CIFAR-10 trainings, in order."""
        trainings = self.cifar_check_ids()
        return tuple(i for q in self.graded() for i in q.check_ids if i not in trainings)

    def leaderboard(self) -> tuple[tuple[str, Column], ...]:
        """(check id, column) of every leaderboard column, in order."""
        return tuple((f"{q.id}.{c.check}", c) for q in self.questions for c in q.leaderboard)

    def torch_files(self) -> tuple[str, ...]:
        """The student files of questions that need torch: a probe given any of them runs in a
        "torch" process."""
        return tuple(dict.fromkeys(q.file for q in self.questions if q.needs_torch))

    def kind_of_files(self, files) -> str:
        """"torch" when any of these submission files belongs to a question that needs torch,
        else "numpy": the kind of warm process (fork server, spare interpreter) a probe starts from."""
        torch_files = self.torch_files()
        return "torch" if any(name in torch_files for name in files) else "numpy"

    def preloads(self) -> dict[str, tuple[str, ...]]:
        """{kind: the check-and-probe modules a process of that kind imports before any student code}:
        a numpy process the numpy questions' modules, a torch process every question's."""
        modules = {q: f"autograder.checks.{q.module}" for q in self.graded()}
        return {"numpy": tuple(m for q, m in modules.items() if not q.needs_torch),
                "torch": tuple(modules.values())}

    def points_table(self, settings: bool = False) -> str:
        """The questions as a Markdown table: automatic points and points graded by hand, and with
        `settings` the file and each check's points, thresholds and budgets (README's table)."""
        head = ["question", "automatic points", "graded by hand"] + (["file", "checks, thresholds, budget"] if settings else [])
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for q in self.questions:
            where = " (notebook)" if q.file == self.notebook else ""
            auto = f"{q.auto_points:g}" if q.auto_points else ""
            hand = f"{q.hand_points:g}" if q.hand_points else ("read, 0 points" if q.hand_cell else "")
            cells = [f"{q.id} {q.title}{where}", auto, hand]
            if settings:
                parts = [f"{p.check} {p.points:g}" for p in q.checks]
                if q.cifar is not None:
                    parts.append(f"full points at {q.cifar.full_at:.0%} test accuracy, 0 at {q.cifar.zero_at:.0%}; "
                                 f"budget {q.cifar.max_macs:.1e} multiply-adds".replace("e+", "e"))
                cells += [f"`{q.file}`", "; ".join(parts)]
            rows.append("| " + " | ".join(cells) + " |")
        hand_total = sum(q.hand_points for q in self.questions)
        rows.append("| " + " | ".join(["total", f"{self.total_auto_points():g}", f"{hand_total:g}"]
                                      + (["", ""] if settings else [])) + " |")
        return "\n".join(rows)

    def adding(self, question: Question) -> "Course":
        """This course with one more question at its end (validated)."""
        return replace(self, questions=(*self.questions, question))

    def as_json(self) -> dict:
        """The registry as plain data (`python -m autograder questions --json`)."""
        return {"time_scale": self.time_scale, "total_auto_points": self.total_auto_points(),
                "total_hand_points": round(sum(q.hand_points for q in self.questions), 4),
                "questions": [{"id": q.id, "title": q.title, "file": q.file, "auto_points": q.auto_points,
                               "hand_points": q.hand_points,
                               "checks": {f"{q.id}.{p.check}": p.points for p in q.checks},
                               "needs_torch": q.needs_torch, "trains_on_cifar": q.cifar is not None,
                               "module": q.module, "hand_cell": q.hand_cell,
                               "leaderboard": [c.name for c in q.leaderboard]} for q in self.questions]}

    # ---- validation -----------------------------------------------------------------------
    def validate(self) -> None:
        """CourseSettingsError naming the first value that cannot work."""
        where = "autograder/course.py"
        _positive(self.time_scale, f"{where}: time_scale")
        if not self.questions:
            raise CourseSettingsError(f"{where}: the course has no question")
        seen: set[str] = set()
        for q in self.questions:
            name = f"{where}: question {q.id!r}"
            if not ID.match(q.id):
                raise CourseSettingsError(f"{name}: an id is Q, a number and an optional letter, e.g. 'Q1a'")
            if q.id in seen:
                raise CourseSettingsError(f"{name} is declared twice")
            seen.add(q.id)
            if not q.title.strip():
                raise CourseSettingsError(f"{name}: title is empty")
            if not (FILE.match(q.file) or q.file == self.notebook):
                raise CourseSettingsError(f"{name}: file {q.file!r} is neither a plain .py name (e.g. "
                                          f"'two_layer_net.py') nor the notebook {self.notebook!r}")
            if q.module and not MODULE.match(q.module):
                raise CourseSettingsError(f"{name}: module {q.module!r} is not a module name of autograder/checks/")
            if bool(q.module) != bool(q.checks):
                raise CourseSettingsError(f"{name}: a module needs checks and checks need a module "
                                          f"(module={q.module!r}, {len(q.checks)} check(s))")
            names = [p.check for p in q.checks]
            if len(set(names)) != len(names):
                raise CourseSettingsError(f"{name}: a check is listed twice in {names}")
            for p in q.checks:
                _at_least_zero(p.points, f"{name}: the points of {p.check}")
            _at_least_zero(q.hand_points, f"{name}: hand_points")
            if q.hand_points and not q.hand_cell:
                raise CourseSettingsError(f"{name}: hand_points={q.hand_points:g} need the notebook cell a "
                                          "person grades (hand_cell, e.g. 'answer_Q2a')")
            if q.cifar is not None:
                _validate_cifar(q, name)
            for column in q.leaderboard:
                if column.check not in names:
                    raise CourseSettingsError(f"{name}: the leaderboard column {column.name!r} reads check "
                                              f"{column.check!r}, which the question does not list")
                if column.order not in ("asc", "desc"):
                    raise CourseSettingsError(f"{name}: leaderboard order {column.order!r} is not 'asc' or 'desc'")


def _validate_cifar(q: Question, name: str) -> None:
    c = q.cifar
    if c.check not in [p.check for p in q.checks]:
        raise CourseSettingsError(f"{name}: the CIFAR-10 check {c.check!r} is not one of its checks")
    for label, value in (("full_at", c.full_at), ("zero_at", c.zero_at)):
        if not (isinstance(value, (int, float)) and 0.0 <= value <= 1.0):
            raise CourseSettingsError(f"{name}: cifar {label} = {value!r} is not an accuracy in [0, 1] "
                                      "(48% is 0.48)")
    if not c.zero_at < c.full_at:
        raise CourseSettingsError(f"{name}: cifar zero_at = {c.zero_at!r} must be below full_at = {c.full_at!r} "
                                  "(no points at zero_at, all of them at full_at)")
    _positive(c.max_macs, f"{name}: cifar max_macs")
    _positive(c.time_limit_s, f"{name}: cifar time_limit_s")


def _positive(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise CourseSettingsError(f"{what} = {value!r} must be a number above 0")


def _at_least_zero(value, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise CourseSettingsError(f"{what} = {value!r} must be a number >= 0")

