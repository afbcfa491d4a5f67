"""Who submitted what: the students of a submissions folder, whatever exported it.

- Gradescope "Export Submissions": `submission_metadata.yml` beside `submission_<id>/` folders;
  its `:submitters:` give each folder's students (a group submission gives one row per member).
- nbgrader: `submitted/<student>/<assignment>/` (the folder given may be the course root or
  `submitted/` itself).
- Plain: one folder (or one .zip) per student, named by the student.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

METADATA = "submission_metadata.yml"


@dataclass(frozen=True)
class Submission:
    student: str                 # the gradebook's key: a safe folder name
    upload: Path                 # what the student uploaded (a folder)
    name: str = ""               # as the roster spells it, when the export says
    email: str = ""
    members: tuple[str, ...] = field(default=())  # everyone credited with this upload


def discover(folder: Path, assignment: str = "") -> tuple[str, list[Submission]]:
    """(layout name, submissions sorted by student) found in `folder`."""
    if (folder / METADATA).is_file():
        return "gradescope", _gradescope(folder)
    submitted = folder if folder.name == "submitted" else folder / "submitted"
    if submitted.is_dir():
        return "nbgrader", _nbgrader(submitted, assignment)
    return "folders", sorted((Submission(safe_name(p.stem if p.is_file() else p.name), p)
                              for p in folder.iterdir() if _is_upload(p)), key=lambda s: s.student)


def group_uploads(submissions: list[Submission]) -> dict[Path, list[Submission]]:
    """{upload: the students who share it (a group)}, in the order found."""
    uploads: dict[Path, list[Submission]] = {}
    for sub in submissions:
        uploads.setdefault(sub.upload, []).append(sub)
    return uploads


def safe_name(text: str) -> str:
    """A folder and CSV-safe student id: letters, digits, . _ - @ only."""
    cleaned = re.sub(r"[^A-Za-z0-9._@-]+", "_", text).strip("._")
    return cleaned or "unnamed"


def _is_upload(path: Path) -> bool:
    if path.name.startswith((".", "__")) or path.is_symlink():
        return False
    return path.is_dir() or path.suffix.lower() == ".zip"


def _gradescope(folder: Path) -> list[Submission]:
    found = []
    for key, people in _parse_metadata((folder / METADATA).read_text(encoding="utf-8", errors="replace")).items():
        upload = folder / key
        if not upload.is_dir():
            continue
        people = people or [{"sid": key}]
        members = tuple(safe_name(p.get("sid") or p.get("email") or key) for p in people)
        for person, student in zip(people, members):
            found.append(Submission(student, upload, person.get("name", ""), person.get("email", ""), members))
    return sorted(found, key=lambda s: s.student)


def _parse_metadata(text: str) -> dict[str, list[dict[str, str]]]:
    """submission folder -> its submitters' {name, sid, email}, from Gradescope's YAML.

    Read line by line (the file's shape is fixed: top-level `submission_<id>:` keys, each with a
    `:submitters:` list of `- :name:` / `:sid:` / `:email:`), so no YAML library is needed.
    """
    result: dict[str, list[dict[str, str]]] = {}
    current: list[dict[str, str]] | None = None
    in_submitters = False
    for line in text.splitlines():
        top = re.match(r"^(\S[^:]*):\s*$", line)
        if top:
            current = result.setdefault(top.group(1).strip(), [])
            in_submitters = False
            continue
        if current is None:
            continue
        key = re.match(r"^\s*(-\s+)?:(\w+):\s*(.*?)\s*$", line)
        if not key:
            continue
        dash, name, value = key.groups()
        if name == "submitters":
            in_submitters = True
            continue
        if in_submitters and name in ("name", "sid", "email"):
            if dash or not current:
                current.append({})
            current[-1][name] = value.strip("'\"")
        elif not dash and len(line) - len(line.lstrip()) <= 2:
            in_submitters = False  # another key of the submission (:created_at:, :score:, ...)
    return result


def _nbgrader(submitted: Path, assignment: str) -> list[Submission]:
    found = []
    for student in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.is_symlink()):
        folders = sorted(p for p in student.iterdir() if p.is_dir() and not p.is_symlink()
                         and (not assignment or p.name == assignment))
        for folder in folders:
            key = student.name if len(folders) == 1 else f"{student.name}/{folder.name}"
            found.append(Submission(safe_name(key), folder))
    return found
