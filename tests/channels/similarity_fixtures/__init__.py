"""Independent implementations of the exercise's TODO regions, written for the similarity tests
(each in its own style, as different students would), and a disguised copy of one of them.

Each module holds REGIONS = {file: [code of the 1st TODO region, 2nd, ...]} in the order the
regions appear in student/; `build` puts them into a copy of the skeleton, where `# YOUR CODE
HERE` and its `raise NotImplementedError` stood. Files not listed stay the skeleton's.
"""
from __future__ import annotations

import importlib
import shutil
import textwrap
from pathlib import Path

REGION = "# YOUR CODE HERE"
NAMES = ("ada", "bob", "cyd", "dan", "eve_copies_dan", "pub")


def regions(name: str) -> dict[str, list[str]]:
    return importlib.import_module(f"{__name__}.{name}").REGIONS


def fill(skeleton: str, codes: list[str]) -> str:
    """The skeleton file's text with its TODO regions replaced by `codes`, in order."""
    lines = skeleton.splitlines(keepends=True)
    out, k, i = [], 0, 0
    while i < len(lines):
        if lines[i].strip() == REGION and i + 1 < len(lines) and "NotImplementedError" in lines[i + 1]:
            indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
            out.append(textwrap.indent(textwrap.dedent(codes[k]).strip("\n") + "\n", indent))
            k, i = k + 1, i + 2
            continue
        out.append(lines[i])
        i += 1
    assert k == len(codes), f"{k} regions filled, {len(codes)} given"
    return "".join(out)


def build(skeleton_dir: Path, target: Path, name: str) -> Path:
    """A submission folder: the skeleton with `name`'s regions filled in."""
    shutil.copytree(skeleton_dir, target, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    for file, codes in regions(name).items():
        (target / file).write_text(fill((skeleton_dir / file).read_text(), codes))
    return target
