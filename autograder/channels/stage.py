"""Take the expected files out of an upload, however a student laid it out.

Accepted: the files at the top, inside one folder (at any depth up to MAX_DEPTH, e.g. the
`exercise2/` a student zipped), or one `.zip` holding either. Only the expected names are taken;
links, hard links and oversized files are refused with a message, never followed. The staged
folder holds plain copies owned by the grader, so nothing in it points back into the upload.
"""
from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..course import COURSE

EXPECTED = COURSE.submission_files()  # the student files (autograder/course.py)
NOTEBOOK_SUFFIX = ".ipynb"
MAX_SOURCE_BYTES = 2 * 2**20     # the sandbox refuses larger .py files too (runner.MAX_SOURCE_BYTES)
MAX_NOTEBOOK_BYTES = 20 * 2**20  # a notebook with its figures
MAX_ZIP_BYTES = 50 * 2**20       # what an uploaded zip may unpack to, all members together
MAX_ZIP_MEMBERS = 2000
MAX_DEPTH = 3                    # folders searched below the upload's top
IGNORED_FOLDERS = ("__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git")


@dataclass
class Staged:
    """What was taken from the upload, and the messages the student reads about it."""

    folder: Path
    taken: list[str] = field(default_factory=list)
    found_in: str = "."
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"taken": self.taken, "found_in": self.found_in, "notes": self.notes}


def stage(upload: Path, target: Path) -> Staged:
    """Copy the expected files (and notebooks) of `upload` into the empty folder `target`."""
    target.mkdir(parents=True, exist_ok=True)
    staged = Staged(target)
    if not upload.is_dir():
        staged.notes.append(f"no upload folder {upload}: nothing was submitted")
        return staged
    source = _find_source(upload, staged)
    if source is None:
        staged.notes.append("none of " + ", ".join(EXPECTED) + " was found in the upload (at its top, "
                            f"in a folder up to {MAX_DEPTH} levels down, or in one .zip); upload these "
                            "files themselves")
        return staged
    staged.found_in = _where(source, upload, staged.folder)
    for entry in sorted(source.iterdir()):
        if entry.name in EXPECTED or entry.name.endswith(NOTEBOOK_SUFFIX):
            limit = MAX_NOTEBOOK_BYTES if entry.name.endswith(NOTEBOOK_SUFFIX) else MAX_SOURCE_BYTES
            problem = _copy_plain(entry, target / entry.name, limit)
            if problem:
                staged.notes.append(f"{entry.name} was not taken: {problem}")
            else:
                staged.taken.append(entry.name)
    missing = [name for name in EXPECTED if name not in staged.taken]
    if missing and staged.taken:
        staged.notes.append("missing from the upload: " + ", ".join(missing)
                            + " (the questions that need them score 0)")
    return staged


def _find_source(upload: Path, staged: Staged, open_zips: bool = True) -> Path | None:
    """The folder holding the most expected files: the top, a nested folder, or an uploaded zip
    (one level: a zip inside the zip is not opened)."""
    best, best_count = None, 0
    for folder in _folders(upload, MAX_DEPTH):
        count = sum(1 for name in EXPECTED if os.path.lexists(folder / name))
        if count > best_count:
            best, best_count = folder, count
    if best is not None:
        return best
    zips = [p for p in sorted(upload.iterdir()) if p.suffix.lower() == ".zip" and not p.is_symlink()]
    if not zips or not open_zips:
        return None
    if len(zips) > 1:
        staged.notes.append(f"several .zip files were uploaded; only {zips[0].name} was opened")
    unpacked = staged.folder.parent / (staged.folder.name + "-unzipped")
    problem = _unzip(zips[0], unpacked)
    if problem:
        staged.notes.append(f"{zips[0].name} could not be opened: {problem}")
        return None
    staged.notes.append(f"taken from {zips[0].name}")
    return _find_source(unpacked, staged, open_zips=False)


def _where(source: Path, upload: Path, target: Path) -> str:
    """Where the files were found, as the student would name it ("." for the top)."""
    unpacked = target.parent / (target.name + "-unzipped")
    for base, prefix in ((upload, ""), (unpacked, "(zip)/")):
        try:
            relative = source.relative_to(base).as_posix()
        except ValueError:
            continue
        return prefix + relative if relative != "." or not prefix else prefix.rstrip("/")
    return str(source)


def _folders(top: Path, depth: int):
    """`top` and its sub-folders breadth-first up to `depth`, never through a link."""
    level = [top]
    for _ in range(depth + 1):
        following = []
        for folder in level:
            yield folder
            try:
                entries = sorted(folder.iterdir())
            except OSError:
                continue
            following += [e for e in entries if e.is_dir() and not e.is_symlink()
                          and e.name not in IGNORED_FOLDERS and not e.name.startswith(".")]
        level = following


def _copy_plain(source: Path, target: Path, limit: int) -> str:
    """Copy a regular file that is no link; returns why not, or "" when copied."""
    try:
        info = os.lstat(source)
    except OSError as exc:
        return f"it could not be read ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "it is a link; upload the file itself"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    if info.st_nlink > 1:
        return "it is a hard link; upload the file itself"
    if info.st_size > limit:
        return f"it is {info.st_size / 2**20:.1f} MB, over the limit of {limit / 2**20:.0f} MB"
    # O_NOFOLLOW: the file cannot be swapped for a link between the check above and the read.
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.chmod(target, 0o644)
    return ""


def _unzip(archive: Path, target: Path) -> str:
    """Unpack regular members only, inside `target`, within the size caps; returns why not, or ""."""
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return f"it holds {len(members)} entries, over {MAX_ZIP_MEMBERS}"
            if sum(m.file_size for m in members) > MAX_ZIP_BYTES:
                return f"it unpacks to more than {MAX_ZIP_BYTES // 2**20} MB"
            for member in members:
                mode = member.external_attr >> 16
                parts = Path(member.filename).parts
                if member.is_dir() or stat.S_ISLNK(mode) or not parts:
                    continue  # links inside a zip are never recreated
                if member.filename.startswith("/") or ".." in parts:
                    return f"it holds an unsafe path {member.filename!r}"
                destination = target.joinpath(*parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(member) as src, open(destination, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        return f"it is not a readable zip ({exc})"
    return ""
