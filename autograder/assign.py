"""Generate student/ from solution/: every marked solution region becomes a TODO that raises.

In solution/, each region is preceded by a comment block whose first line is
`# TODO(Qxx): what to compute` (shapes and a hint follow in comments), and sits between lines
`### BEGIN SOLUTION` and `### END SOLUTION` (nbgrader's markers). The generator keeps the TODO
comment and replaces the region by `raise NotImplementedError("Qxx: what to compute")`, so a
student who runs unfinished code is told exactly which TODO is missing.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from .assign_notebook import NotebookMarkerError, skeleton_notebook

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
TODO = re.compile(r"#\s*TODO\((Q\w+)\):\s*(.+)$")
GENERATED = "# Generated from solution/ by `make student`; edit the TODO regions only.\n"
COPIED_SUFFIXES = (".py", ".ipynb")


class MarkerError(ValueError):
    """A solution file whose markers cannot be turned into a skeleton."""


def skeleton(source: str, name: str = "<source>") -> str:
    """The student version of one solution file's text."""
    out: list[str] = []
    lines = source.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped == END:
            raise MarkerError(f"{name}:{i + 1}: {END} without a {BEGIN}")
        if stripped != BEGIN:
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        question, task = _todo_above(out, name, i + 1)
        j = i + 1
        while j < len(lines) and lines[j].strip() != END:
            if lines[j].strip() == BEGIN:
                raise MarkerError(f"{name}:{j + 1}: nested {BEGIN}")
            j += 1
        if j == len(lines):
            raise MarkerError(f"{name}:{i + 1}: {BEGIN} without an {END}")
        message = f"{question}: {task}".replace("\\", "\\\\").replace('"', '\\"')
        out.append(f"{indent}# YOUR CODE HERE\n")
        out.append(f'{indent}raise NotImplementedError("{message}")\n')
        i = j + 1
    text = "".join(out)
    if text.startswith('"""') or text.startswith("#!"):
        return text  # keep the module docstring first so help() still shows it
    return GENERATED + text


def _todo_above(out: list[str], name: str, line_no: int) -> tuple[str, str]:
    """The (question, task) of the nearest `# TODO(Qxx): ...` comment above a region.

    Code may stand between the comment and the region (e.g. `grads = {}`); a blank line may not.
    """
    for previous in reversed(out):
        stripped = previous.strip()
        if not stripped or "NotImplementedError" in stripped:
            break
        match = TODO.search(stripped)
        if match:
            return match.group(1), match.group(2).strip()
    raise MarkerError(f"{name}:{line_no}: a solution region needs a '# TODO(Qxx): ...' comment "
                      "right above it")


def generate(source_dir: Path) -> dict[str, str]:
    """{file name: skeleton text} for every solution file (the .py files and the notebook)."""
    makers = {".py": skeleton, ".ipynb": skeleton_notebook}
    return {path.name: makers[path.suffix](path.read_text(encoding="utf-8"), str(path))
            for path in sorted(source_dir.iterdir()) if path.suffix in COPIED_SUFFIXES}


def stale_files(source_dir: Path, target_dir: Path) -> list[str]:
    """Files of target_dir that differ from what the generator makes now (or are missing)."""
    expected = generate(source_dir)
    return [name for name, text in expected.items()
            if not (target_dir / name).is_file() or (target_dir / name).read_text(encoding="utf-8") != text]


def run_assign(args) -> int:
    try:
        if args.check:
            stale = stale_files(args.source, args.target)
            if stale:
                print(f"{args.target}/ is stale ({', '.join(stale)}): run `make student`", file=sys.stderr)
                return 1
            print(f"{args.target}/ is up to date with {args.source}/")
            return 0
        files = generate(args.source)
    except (MarkerError, NotebookMarkerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    args.target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {args.target}/: {', '.join(files)}")
    return 0
