"""The grader's own files, hashed at `make release` and checked before `make gradebook` grades.

The gradebook writer runs the grader's code (autograder/, datasets/) with the instructor's rights
after `nbgrader autograde` has run every student's notebook. `make autograde` keeps the kernels
away from those files; this manifest is the check that they really are what was released: a file
changed, added, removed or turned into a link stops the writer with the list. Bytecode caches
(__pycache__) are not hashed, since Python rewrites them; `verify` deletes them instead, so that
the writer compiles what it imports from the checked sources (a planted .pyc with the right
header would otherwise be loaded in place of its checked .py).

Standard library only, and runnable as a script (`python -I -B manifest.py check --course C`,
what `make gradebook` runs first): a script is always compiled from its source, so the check
does not depend on a bytecode cache it has not checked yet.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

MANIFEST = "grader_manifest.json"        # in the course folder, written by `make release`
PACKAGES = ("autograder", "datasets")    # the grader's own code, as the gradebook writer imports it
CACHE = "__pycache__"
# The grader's tree, found from this file: the script imports nothing of the package it checks
# (not even autograder.paths), so it is its own root constant and its own JSON writer.
REPO = Path(__file__).resolve().parents[3]


class GraderChanged(RuntimeError):
    """The grader's files are not those `make release` hashed."""


def digests(root: Path = REPO) -> dict[str, str]:
    """{path relative to root: "sha256:..." or "link:target"} for every file of PACKAGES,
    bytecode caches left out; links are recorded, never followed."""
    found = {}
    for package in PACKAGES:
        for folder, dirs, files in os.walk(root / package):
            links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]  # os.walk does not enter them
            dirs[:] = sorted(d for d in dirs if d != CACHE and d not in links)
            for name in sorted(files + links):
                path = Path(folder, name)
                key = path.relative_to(root).as_posix()
                if path.is_symlink():
                    found[key] = f"link:{os.readlink(path)}"
                elif name.endswith(".pyc"):
                    continue
                else:
                    found[key] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def write(course: Path, root: Path = REPO) -> Path:
    """Hash the grader's files into course/MANIFEST; returns its path."""
    path = course / MANIFEST
    path.write_text(json.dumps({"files": digests(root)}, indent=1, sort_keys=True), encoding="utf-8")
    return path


def differences(course: Path, root: Path = REPO) -> list[str]:
    """One line per file that differs from the manifest ("changed: autograder/engine.py")."""
    expected = json.loads((course / MANIFEST).read_text(encoding="utf-8"))["files"]
    actual = digests(root)
    lines = [f"changed: {p}" for p in sorted(expected) if p in actual and actual[p] != expected[p]]
    lines += [f"removed: {p}" for p in sorted(set(expected) - set(actual))]
    lines += [f"added: {p}" for p in sorted(set(actual) - set(expected))]
    return lines


def verify(course: Path, root: Path = REPO) -> None:
    """Raise GraderChanged (a message that says what to do) unless the grader's files match the
    manifest; then delete their bytecode caches."""
    if not (course / MANIFEST).is_file():
        raise GraderChanged(f"{course / MANIFEST} is missing: run `make release` (it hashes the grader's "
                            "files), then `make autograde`, before `make gradebook`")
    changed = differences(course, root)
    if changed:
        shown = "\n  ".join(changed[:20]) + ("\n  ..." if len(changed) > 20 else "")
        raise GraderChanged(
            f"the grader's files changed since `make release` hashed them ({course / MANIFEST}):\n  {shown}\n"
            "Something other than the release touched them; if a notebook's kernel could have (a bare "
            "`nbgrader autograde`, or an autograde run at the isolation level 'none'), restore them "
            "(`git status`, `git checkout -- autograder datasets`, remove what was added) and run "
            "`make autograde` again. If you changed them yourself, run `make release` again.")
    for package in PACKAGES:
        for folder, dirs, _ in os.walk(root / package):
            if CACHE in dirs:
                dirs.remove(CACHE)
                shutil.rmtree(Path(folder, CACHE), ignore_errors=True)  # (a linked one was "added" above)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("write", "check"), help="write the manifest, or check the files")
    parser.add_argument("--course", type=Path, default=Path("course"), help="course folder (default: course)")
    args = parser.parse_args(argv)
    if args.command == "write":
        print(f"wrote {write(args.course)}")
        return 0
    try:
        verify(args.course)
    except GraderChanged as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
