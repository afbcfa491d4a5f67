"""Does a folder hold any of the solution? Markers and the distinctive lines of every solution/ file."""
from __future__ import annotations

import json
from pathlib import Path

from grading_helpers import SOLUTION

MARKERS = ("BEGIN SOLUTION", "END SOLUTION")
MIN_LENGTH = 20  # shorter lines ("return probs") are too common to be evidence of a leak


def distinctive(line: str) -> bool:
    """Long enough, and not a bare block opener (`with torch.no_grad():` is no answer)."""
    return len(line) >= MIN_LENGTH and not line.endswith(":")


def text_lines(path: Path) -> list[str]:
    """The stripped lines of a text file; of a notebook, the lines of its cells' sources."""
    try:
        text = path.read_text()
    except (UnicodeDecodeError, OSError):
        return []
    if path.suffix == ".ipynb":
        text = "\n".join("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                         for cell in json.loads(text)["cells"])
    return [line.strip() for line in text.splitlines()]


def solution_lines() -> dict[str, set[str]]:
    """{solution file: its distinctive lines}: every line inside a solution region, long enough."""
    found: dict[str, set[str]] = {}
    for path in sorted(SOLUTION.iterdir()):
        if path.suffix not in (".py", ".ipynb"):
            continue
        inside, lines = False, set()
        for line in text_lines(path):
            if line.endswith("BEGIN SOLUTION"):
                inside = True
            elif line.endswith("END SOLUTION"):
                inside = False
            elif inside and distinctive(line):
                lines.add(line)
        assert lines, f"solution/{path.name} has no solution region: update this test"
        found[path.name] = lines
    return found


def leaks(folder: Path) -> list[str]:
    """'file: what leaked' for every marker or distinctive solution line found under `folder`."""
    distinctive = solution_lines()
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        lines = text_lines(path)
        text = "\n".join(lines)
        found += [f"{path.relative_to(folder)}: marker {m!r}" for m in MARKERS if m in text]
        present = set(lines)
        for name, solution in distinctive.items():
            found += [f"{path.relative_to(folder)}: line of solution/{name}: {line!r}"
                      for line in sorted(solution & present)]
    return found
