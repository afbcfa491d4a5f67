"""Build Gradescope's autograder zip: `python -m autograder.channels.gradescope.pack` (`make gradescope`).

The zip holds, at its root, setup.sh, run_autograder and requirements.txt (this folder's
templates), and the grader's own packages `autograder/` and `datasets/` as Python sources.
Nothing of `solution/`, `student/`, `tests/` or `bench/` goes in: the grader needs no solution
file, and the zip is readable by anyone who can edit the assignment. With `--tests FOLDER` (`make
gradescope TESTS=folder`), the instructor's own gradescope-utils tests go in too, as
`instructor_tests/` with their manifest (autograder/extra_tests); run_autograder runs them.
"""
from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

from ...extra_tests import manifest
from .. import INSTRUCTOR_ONLY

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
ROOT_FILES = {"setup.sh": 0o755, "run_autograder": 0o755, "requirements.txt": 0o644}
PACKAGES = ("autograder", "datasets")
SHIPPED_SUFFIXES = (".py",)
LEFT_OUT = tuple(f"autograder/{name}" for name in INSTRUCTOR_ONLY)  # see channels/__init__.py
# Fixed timestamps: the same sources always give the same bytes.
EPOCH = (2024, 1, 1, 0, 0, 0)
TESTS_IN_ZIP = "instructor_tests"  # run.py looks for it beside autograder/


def shipped_files(repo: Path = REPO) -> list[tuple[Path, str, int]]:
    """(file on disk, name in the zip, mode) of everything the zip holds, sorted by name."""
    entries = [(HERE / name, name, mode) for name, mode in ROOT_FILES.items()]
    for package in PACKAGES:
        for path in sorted((repo / package).rglob("*")):
            name = path.relative_to(repo).as_posix()
            if (path.is_file() and path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts
                    and name not in LEFT_OUT):
                entries.append((path, name, 0o644))
    return sorted(entries, key=lambda e: e[1])


def build(out: Path, repo: Path = REPO, tests: Path | None = None) -> Path:
    """Write the zip to `out` (replacing it) and return its path; with `tests`, the instructor's
    test folder and its manifest (manifest.ManifestError when the folder cannot be packed)."""
    entries = [(path.read_bytes(), name, mode) for path, name, mode in shipped_files(repo)]
    if tests is not None:
        listed = manifest.make(tests, repo / "student")
        entries += [((tests / name).read_bytes(), f"{TESTS_IN_ZIP}/{name}", 0o644) for name in listed["sources"]]
        entries.append((json.dumps(listed, indent=1).encode(), f"{TESTS_IN_ZIP}/{manifest.MANIFEST}", 0o644))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for content, name, mode in entries:
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.external_attr = (0o100000 | mode) << 16  # regular file with its permission bits
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.channels.gradescope.pack",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "dist" / "gradescope-autograder.zip",
                        help="where to write the zip (default: dist/gradescope-autograder.zip)")
    parser.add_argument("--tests", type=Path, default=None, help="a folder of your own unittest tests written "
                        "with gradescope-utils' decorators, run on every submission (default: none; see "
                        "examples/gradescope_tests)")
    args = parser.parse_args(argv)
    try:
        path = build(args.out, tests=args.tests)
    except manifest.ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with zipfile.ZipFile(path) as zf:
        count = len(zf.namelist())
    if args.tests is not None:
        tests = manifest.make(args.tests, REPO / "student")["tests"]
        points = sum(float(t["weight"] or 0) for t in tests)
        print(f"with {len(tests)} instructor test(s) from {args.tests}, worth {points:g} point(s): add them to "
              "the assignment's total")
    print(f"wrote {path} ({count} files, {path.stat().st_size / 1024:.0f} KB). Upload it in Gradescope: "
          "Assignment > Configure Autograder > Zip file upload (see README, 'Gradescope').")
    return 0


if __name__ == "__main__":
    sys.exit(main())
