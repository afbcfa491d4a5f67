"""The code a student wrote: the lines of their files that are not the skeleton's.

The skeleton (student/, generated from solution/ by autograder/assign.py) is what every student
starts from, so its lines are nobody's own work and never count. A submitted file is diffed line
by line against its skeleton file; the lines it adds (where `# YOUR CODE HERE` and the
`raise NotImplementedError` stood, and anywhere else) are the student's, named by the TODO
region they stand in (the nearest `# TODO(Qxx): ...` marker above them in the skeleton, the
marker assign.py reads). A line whose text occurs anywhere in the skeleton file is dropped too,
wherever the student moved it. What is left is joined into one document per submission, with a
comment line naming the file and region before each block (copydetect drops comments, so these
headers never match).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ...assign import TODO
from ..stage import EXPECTED

OUTSIDE = "outside the TODOs"


@dataclass
class Document:
    """One side of a comparison: a submission's written code, or a known solution's code."""

    name: str                   # the student (group members joined), or the reference's path
    kind: str                   # "student" or "reference"
    text: str                   # what is fingerprinted and shown
    files: list[str] = field(default_factory=list)  # the files it came from

    @property
    def lines_written(self) -> int:
        return sum(1 for line in self.text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def skeleton_texts(skeleton_dir: Path) -> dict[str, str]:
    """{file name: text} of the skeleton's submission files."""
    return {name: (skeleton_dir / name).read_text(encoding="utf-8") for name in EXPECTED if (skeleton_dir / name).is_file()}


def written_code(submitted: str, skeleton: str, file: str) -> str:
    """The lines of `submitted` that are not `skeleton`'s, block by block, each block headed by
    `# <file>, <region>, line <n>` (whitespace changes alone do not make a line the student's)."""
    theirs = submitted.splitlines()
    ours = skeleton.splitlines()
    known = {line.strip() for line in ours}
    matcher = difflib.SequenceMatcher(None, [line.strip() for line in ours], [line.strip() for line in theirs],
                                      autojunk=False)
    blocks = []
    for tag, i1, _, j1, j2 in matcher.get_opcodes():
        if tag not in ("insert", "replace"):
            continue
        lines = [(j + 1, theirs[j]) for j in range(j1, j2) if theirs[j].strip() and theirs[j].strip() not in known]
        if lines:
            header = f"# {file}, {_region(ours, i1)}, line {lines[0][0]}"
            blocks.append("\n".join([header, *_dedent([text for _, text in lines])]))
    return "\n".join(blocks)


def submission_document(name: str, folder: Path, skeletons: dict[str, str]) -> Document:
    """A submission folder's written code, over the submission files it holds."""
    parts, files = [], []
    for file, skeleton in skeletons.items():
        path = folder / file
        if path.is_file() and not path.is_symlink():
            code = written_code(path.read_text(encoding="utf-8", errors="replace"), skeleton, file)
            if code:
                parts.append(code)
                files.append(file)
    return Document(name, "student", "\n".join(parts), files)


def reference_documents(folder: Path, skeletons: dict[str, str]) -> list[Document]:
    """The known solutions an instructor collected: each top-level .py file of `folder` is one,
    and each sub-folder (all .py files below it) is one. A file named like a submission file is
    diffed against its skeleton; any other keeps every line that is not a skeleton line."""
    every_skeleton_line = "\n".join(skeletons.values())
    documents = []
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink() or entry.name.startswith("."):
            continue
        paths = [entry] if entry.suffix == ".py" and entry.is_file() else sorted(entry.rglob("*.py")) if entry.is_dir() else []
        parts = []
        for path in paths:
            if path.is_file() and not path.is_symlink():
                skeleton = skeletons.get(path.name, every_skeleton_line)
                parts.append(written_code(path.read_text(encoding="utf-8", errors="replace"), skeleton, path.relative_to(folder).as_posix()))
        text = "\n".join(p for p in parts if p)
        if text:
            documents.append(Document(entry.relative_to(folder).as_posix(), "reference", text,
                                      [p.relative_to(folder).as_posix() for p in paths]))
    return documents


def _region(skeleton: list[str], index: int) -> str:
    """The TODO region at skeleton line `index`: the nearest marker above it in the same function."""
    for line in reversed(skeleton[:index]):
        match = TODO.search(line.strip())
        if match:
            return f"TODO({match.group(1)})"
        if line.lstrip().startswith(("def ", "class ")):
            break
    return OUTSIDE


def _dedent(lines: list[str]) -> list[str]:
    """The block shifted left by its smallest indentation, so that it reads (and lexes) on its own."""
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    return [line[indent:] for line in lines]
