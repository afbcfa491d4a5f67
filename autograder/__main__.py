"""Command line: `python -m autograder grade SUBMISSION_DIR ...` and `python -m autograder assign`.

Exit codes: 0 whenever grading ran (whatever the score); 2 for bad arguments; 3 when the grader
itself could not run (for example an unknown question in --only, or an unwritable report folder).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_USAGE, EXIT_GRADER = 0, 2, 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade one submission folder")
    grade.add_argument("submission", type=_folder, help="folder holding chain_rule.py, two_layer_net.py, "
                       "hyperparams.py, mlp.py (either separator: student/ or student\\)")
    grade.add_argument("--results", type=Path, default=None,
                       help="where to write Gradescope results.json (default: REPORT/results.json)")
    grade.add_argument("--report", type=Path, default=None,
                       help="folder for the HTML report and figures (default: reports/<submission name>)")
    grade.add_argument("--only", default="", help="comma-separated questions or check ids to grade, "
                       "e.g. Q1a,Q2d (default: all)")
    grade.add_argument("--workers", type=_auto(int, "auto_workers"), default="auto",
                       help="checks run at once, or auto = from the CPUs and memory the cgroup grants, "
                       "at most 2 (default: auto)")
    grade.add_argument("--time-scale", type=_auto(float, "auto_time_scale"), default=1.0,
                       help="multiply every time limit, for slow machines, or auto = by how much less "
                       "than one CPU each check gets (default: 1.0)")
    grade.add_argument("--verbose", "-v", action="store_true", help="print the details of failed checks")
    grade.add_argument("--isolation", choices=("auto", "namespaces", "user", "none", "portable"), default="auto",
                       help="how far children are isolated: namespaces (bubblewrap: own mount, PID and "
                       "network namespaces), user (root only: an unprivileged user), none (Linux: a "
                       "subreaper and rlimits), portable (macOS, Windows: spawned processes watched by the "
                       "grader), or auto = the strongest this machine allows, or $HLCV_ISOLATION when set "
                       "(default: auto)")
    grade.add_argument("--no-html", action="store_true", help="skip the HTML report (default: write it)")
    grade.add_argument("--model", type=Path, default=None, help="also write the whole result model as "
                       "JSON to this file, for channels that grade elsewhere (default: none)")

    assign = commands.add_parser("assign", help="generate student/ from solution/")
    assign.add_argument("--source", type=Path, default=Path("solution"), help="default: solution")
    assign.add_argument("--target", type=Path, default=Path("student"), help="default: student")
    assign.add_argument("--check", action="store_true", help="only report whether target is stale")

    _plain_streams()
    args = parser.parse_args(argv)
    if args.command == "grade":
        from .cli_grade import run_grade
        return run_grade(args)
    from .assign import run_assign
    return run_assign(args)


def _folder(text: str) -> Path:
    """A folder named with either separator: `student\\` (Windows style) also works on Linux and
    macOS, where a backslash could otherwise be part of a file name."""
    path = Path(text)
    if not path.exists() and "\\" in text:
        path = Path(text.replace("\\", "/"))
    return path


def _plain_streams() -> None:
    """Never fail on a character the terminal's encoding lacks (a Windows console or a pipe in a
    legacy code page): it is replaced instead."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def _auto(convert, chooser: str):
    """An argparse type: a number, or "auto" for the value autograder.resources chooses."""
    def parse(text: str):
        if text == "auto":
            from . import resources
            return getattr(resources, chooser)()
        return convert(text)
    parse.__name__ = convert.__name__  # argparse names the type in its error message
    return parse


if __name__ == "__main__":
    sys.exit(main())
