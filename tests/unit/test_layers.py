"""The floors of the house: does any module import from a floor above its own? (Unit tier: reads the
sources with `ast`, then imports each module once.)

Bottom to top: the course's registry and the result model; the sandbox (processes, nothing of
questions); the oracles (the grader's truth); the probes (what runs in a child); the checks and
their catalogue; the engine; the reporters; the front doors (CLI, generators, the instructor's
tests); the channels. `datasets/` is below them all and imports nothing of the grader. Every
import counts, also one inside a function.
"""
from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from grading_helpers import REPO

FLOORS = (  # (floor, module prefixes); the longest matching prefix decides
    (0, ("autograder", "autograder.paths", "autograder.jsonfile", "autograder.markers", "autograder.registry",
         "autograder.course", "autograder.outcome", "autograder.results", "autograder.resources")),
    (1, ("autograder.sandbox",)),
    (2, ("autograder.oracles", "autograder.torchnet")),
    (3, ("autograder.probes",)),
    (4, ("autograder.checks", "autograder.catalogue")),
    (5, ("autograder.engine", "autograder.feedback")),
    (6, ("autograder.reporters",)),
    (7, ("autograder.__main__", "autograder.cli_grade", "autograder.assign", "autograder.assign_notebook",
         "autograder.install", "autograder.extra_tests")),
    (8, ("autograder.channels",)),
)
# What the sandbox may import of the grader besides itself: it knows processes, nothing of questions.
SANDBOX_MAY_IMPORT = ("autograder", "autograder.paths", "autograder.markers", "autograder.resources")


def floor_of(module: str) -> int | None:
    """The floor of a module of the grader (None: not the grader's, or on no floor)."""
    best, floor = "", None
    for number, prefixes in FLOORS:
        for prefix in prefixes:
            inside = module.startswith(prefix + ".") and prefix != "autograder"  # the package itself: exactly
            if (module == prefix or inside) and len(prefix) > len(best):
                best, floor = prefix, number
    return floor


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) of every import in the file, relative imports resolved."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names]
            # `from . import features` imports a module; `from .x import name` imports from x
            found += [(n if floor_of(n) is not None and _is_module(n) else base, node.lineno) for n in names]
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (REPO / relative).with_suffix(".py").is_file() or (REPO / relative / "__init__.py").is_file()


SOURCES = sorted((REPO / "autograder").rglob("*.py"))


def test_every_module_has_a_floor():
    """Is every module of autograder/ on a floor (a new module is placed deliberately)?"""
    assert [p for p in SOURCES if floor_of(module_name(p)) is None] == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_no_module_imports_from_a_floor_above(path):
    """Does this module import only from its own floor or below?"""
    here = floor_of(module_name(path))
    above = [f"line {line}: {name} (floor {floor_of(name)} > {here})" for name, line in imports_of(path)
             if floor_of(name) is not None and floor_of(name) > here]
    assert above == [], f"{module_name(path)} imports from above its floor:\n" + "\n".join(above)


def test_the_sandbox_knows_nothing_of_questions():
    """Do the sandbox's modules import nothing of the grader but the sandbox and the base modules
    (no registry, no course, no checks, probes or oracles)?"""
    bad = [f"{module_name(p)} line {line}: {name}" for p in SOURCES if module_name(p).startswith("autograder.sandbox")
           for name, line in imports_of(p) if name.startswith("autograder") and floor_of(name) != 1
           and name not in SANDBOX_MAY_IMPORT]
    assert bad == []


def test_datasets_imports_nothing_of_the_grader():
    """Is datasets/ (handed out to students alone) free of any import of autograder?"""
    bad = [f"{p.name} line {line}: {name}" for p in sorted((REPO / "datasets").rglob("*.py"))
           for name, line in imports_of(p) if name.startswith("autograder")]
    assert bad == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: module_name(p))
def test_every_module_imports(path):
    """Does every module import (a name missing at import time, e.g. in a dataclass default, fails
    here rather than in the middle of a channel's run)?"""
    importlib.import_module(module_name(path))
