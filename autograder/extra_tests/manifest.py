"""The manifest of an instructor's test folder: every test and what its decorators say.

Made when the zip is packed (`make gradescope TESTS=folder`): the folder's `test*.py` modules are
imported in a process of their own with the skeleton (student/) importable, as the student's files
will be, so that a test module may import the student's modules at its top. A module that cannot
be imported, or a folder with no test, is an error the instructor sees before uploading anything.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MANIFEST = "manifest.json"
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
# Run as `python -c LISTER FOLDER SKELETON` in the test folder: prints the tests as JSON.
LISTER = r'''
import json, sys, unittest
folder, skeleton = sys.argv[1], sys.argv[2]
sys.path[:0] = [skeleton, folder]
suite = unittest.defaultTestLoader.discover(folder, pattern="test*.py", top_level_dir=folder)
found, broken = [], []
def walk(node):
    for test in node:
        if isinstance(test, unittest.TestSuite):
            walk(test)
        elif type(test).__name__ == "_FailedTest":
            broken.append(f"{test.id()}: {getattr(test, '_exception', '')}")
        else:
            method = getattr(test, test._testMethodName)
            def tag(name):
                return getattr(method, name, None)
            found.append({"id": test.id(), "name": test.shortDescription() or str(test),
                          "weight": tag("__weight__"), "visibility": tag("__visibility__"),
                          "number": tag("__number__"), "tags": list(tag("__tags__") or ()),
                          "hide_errors": tag("__hide_errors__"), "leaderboard": tag("__leaderboard_column__"),
                          "order": tag("__leaderboard_sort_order__") or "desc"})
walk(suite)
print(json.dumps({"tests": found, "broken": broken}))
'''


class ManifestError(ValueError):
    """The instructor's test folder cannot be packed; the message says why and what to fix."""


def make(folder: Path, skeleton: Path) -> dict:
    """{"tests": [...], "sources": [file names]} for the test folder; ManifestError when broken."""
    sources = sorted(p.name for p in folder.glob("*.py"))
    if not sources:
        raise ManifestError(f"{folder} holds no .py file: put unittest tests in test_*.py files there")
    done = subprocess.run([sys.executable, "-c", LISTER, str(folder.resolve()), str(skeleton.resolve())],
                          cwd=folder, capture_output=True, text=True, timeout=300)
    try:
        listed = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise ManifestError(f"the tests in {folder} could not be listed:\n{done.stderr[-3000:]}") from None
    if listed["broken"]:
        raise ManifestError(f"these test modules of {folder} cannot be imported (beside the skeleton, as they "
                            "will be beside a student's files): " + "; ".join(listed["broken"]))
    if not listed["tests"]:
        raise ManifestError(f"no unittest test found in {folder}/test*.py (methods named test_... of a "
                            "unittest.TestCase)")
    for test in listed["tests"]:
        _validate(test)
    return {"tests": listed["tests"], "sources": sources}


def _validate(test: dict) -> None:
    where = f"{test['id']}"
    if test["weight"] is not None and (not isinstance(test["weight"], (int, float)) or test["weight"] < 0):
        raise ManifestError(f"{where}: @weight must be a number >= 0, got {test['weight']!r}")
    if test["visibility"] is not None and test["visibility"] not in VISIBILITIES:
        raise ManifestError(f"{where}: @visibility must be one of {', '.join(VISIBILITIES)}, got {test['visibility']!r}")
    if test["leaderboard"] is not None and test["order"] not in ("asc", "desc"):
        raise ManifestError(f"{where}: @leaderboard's sort order must be 'asc' or 'desc', got {test['order']!r}")


def read(folder: Path) -> dict:
    """The packed manifest (folder/manifest.json) and the test sources beside it."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["texts"] = {name: (folder / name).read_text(encoding="utf-8") for name in manifest["sources"]}
    return manifest
