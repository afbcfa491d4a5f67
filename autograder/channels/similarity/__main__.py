"""`python -m autograder.channels.similarity SUBMISSIONS [--reference DIR] [--out DIR]` (`make similarity`).

SUBMISSIONS is any layout grade-all reads (a Gradescope export, an nbgrader course, one folder or
.zip per student); group members who share an upload are one submission. Exit codes: 0 when the
report was written; 2 for bad arguments or no submissions.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ..batch import layouts
from ..batch.runner import as_folder
from ..stage import stage
from .class_report import write_class_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.channels.similarity",
                                     description="Rank the pairs of submissions whose written code looks alike.")
    parser.add_argument("submissions", type=Path, help="a Gradescope export, an nbgrader course, or one "
                        "folder (or .zip) per student")
    parser.add_argument("--reference", type=Path, default=None, help="known solutions to compare every "
                        "submission with: each .py file and each sub-folder is one (default: none)")
    parser.add_argument("--out", type=Path, default=Path("reports") / "class",
                        help="where similarity.html and similarity.csv go (default: reports/class)")
    parser.add_argument("--assignment", default="", help="nbgrader: the assignment folder (default: all)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"error: {args.submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    if args.reference is not None and not args.reference.is_dir():
        print(f"error: --reference {args.reference} is not a folder of known solutions", file=sys.stderr)
        return 2
    _, found = layouts.discover(args.submissions, args.assignment)
    if not found:
        print(f"error: no submissions found in {args.submissions}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="hlcv-similarity-") as tmp:
        named = []
        for number, (upload, members) in enumerate(layouts.group_uploads(found).items()):
            folder = Path(tmp) / str(number)
            folder.mkdir()
            named.append(("+".join(s.student for s in members), stage(as_folder(upload, folder), folder / "staged").folder))
        summary = write_class_report(named, args.out, args.reference)
    print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
