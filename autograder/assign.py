"""Generate student/ from solution/: every marked solution region becomes a TODO that raises.
(`make student` also writes what autograder/course.py decides elsewhere: the notebooks' graded
cells, assign_notebook.py, and README's points table.)

In solution/, each region is preceded by a comment block whose first line is
`# TODO(Qxx): what to compute` (shapes and a hint follow in comments), and sits between lines
`### BEGIN SOLUTION` and `### END SOLUTION` (nbgrader's markers). The generator keeps the TODO
comment and replaces the region by `raise NotImplementedError("Qxx: what to compute")`, so a
student who runs unfinished code is told exactly which TODO is missing.
"""
from __future__ import annotations

import sys
from pathlib import Path

from .assign_notebook import NotebookMarkerError, skeleton_notebook, synced_notebook
from .course import COURSE
from .markers import BEGIN, END, todo_above
GENERATED = "# Generated from solution/ by `make student`; edit the TODO regions only.\n"
# README.md's points table, between these lines, is generated from autograder/course.py too.
README_BEGIN = "<!-- points table: generated from autograder/course.py"
README_END = "<!-- end of the generated points table -->"
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
    found = todo_above(out)
    if found is not None:
        return found
    raise MarkerError(f"{name}:{line_no}: a solution region needs a '# TODO(Qxx): ...' comment "
                      "right above it")


def generate(source_dir: Path) -> dict[str, str]:
    """{file name: skeleton text} for every solution file (the .py files and the notebook)."""
    makers = {".py": skeleton, ".ipynb": skeleton_notebook}
    return {path.name: makers[path.suffix](path.read_text(encoding="utf-8"), str(path))
            for path in sorted(source_dir.iterdir()) if path.suffix in COPIED_SUFFIXES}


def synced_readme(text: str) -> str:
    """README's text with its points table (between README_BEGIN's line and README_END) generated
    from autograder/course.py; a README without the markers is returned as it is."""
    if README_BEGIN not in text or README_END not in text:
        return text
    start = text.index("\n", text.index(README_BEGIN)) + 1
    return text[:start] + COURSE.points_table(settings=True) + "\n" + text[text.index(README_END):]


def unsynced_readme(source_dir: Path) -> dict[Path, str]:
    """{README path: synced text} when the README beside `source_dir` has a stale points table."""
    path = source_dir.parent / "README.md"
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    synced = synced_readme(text)
    return {path: synced} if synced != text else {}


def unsynced_notebooks(source_dir: Path) -> dict[str, str]:
    """{name: synced text} of the instructor notebooks whose graded cells (points, test cells)
    differ from autograder/course.py."""
    out = {}
    for path in sorted(source_dir.glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        synced = synced_notebook(text)
        if synced != text:
            out[path.name] = synced
    return out


def stale_files(source_dir: Path, target_dir: Path) -> list[str]:
    """Files of target_dir that differ from what the generator makes now (or are missing), and
    instructor notebooks of source_dir whose graded cells differ from course.py (as "source/name")."""
    expected = generate(source_dir)
    stale = [name for name, text in expected.items()
             if not (target_dir / name).is_file() or (target_dir / name).read_text(encoding="utf-8") != text]
    return (stale + [f"{source_dir.name}/{name}" for name in unsynced_notebooks(source_dir)]
            + [path.name for path in unsynced_readme(source_dir)])


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
        synced = unsynced_notebooks(args.source)
        readme = unsynced_readme(args.source)
    except (MarkerError, NotebookMarkerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    for name, text in synced.items():  # the graded cells follow autograder/course.py
        (args.source / name).write_text(text, encoding="utf-8")
        print(f"updated the graded cells of {args.source}/{name} from autograder/course.py")
    for path, text in readme.items():
        path.write_text(text, encoding="utf-8")
        print(f"updated the points table of {path} from autograder/course.py")
    args.target.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.target / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {args.target}/: {', '.join(files)}")
    return 0
