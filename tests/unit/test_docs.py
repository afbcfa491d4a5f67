"""docs/architecture.md matches the tree: every module of autograder/ and every script of bench/ is
named in its tree, and every name there exists. (Unit tier: reads files.)"""
from __future__ import annotations

import re

from grading_helpers import REPO

ENTRY = re.compile(r"^( *)([\w.\-]+/|[\w.\-]+\.(?:py|sh|txt|md)|run_autograder)(?:  +|$)")


def documented() -> set[str]:
    """The paths the architecture's tree names (folders end with /), from its indentation."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = text.split("```", 2)[1]
    stack: list[tuple[int, str]] = []
    paths = set()
    for line in tree.splitlines():
        match = ENTRY.match(line)
        if not match:
            continue
        indent, name = len(match[1]), match[2]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = "".join(folder for _, folder in stack) + name
        paths.add(path)
        if name.endswith("/"):
            stack.append((indent, name))
    return paths


def test_every_name_in_the_tree_exists():
    missing = sorted(p for p in documented() if not (REPO / p).exists())
    assert missing == [], f"docs/architecture.md names what does not exist: {missing}"


def test_every_module_and_bench_is_in_the_tree():
    names = documented()
    modules = [p for p in sorted((REPO / "autograder").rglob("*.py")) if p.name != "__init__.py"
               and "__pycache__" not in p.parts]
    benches = sorted((REPO / "bench").rglob("*.py")) + sorted((REPO / "bench").rglob("*.sh"))
    absent = [p.relative_to(REPO).as_posix() for p in modules + benches if p.relative_to(REPO).as_posix() not in names]
    assert absent == [], f"docs/architecture.md does not name: {absent}"
