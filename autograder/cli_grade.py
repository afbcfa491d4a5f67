"""`python -m autograder grade`: run the engine, then hand the one report to every reporter."""
from __future__ import annotations

import sys
import traceback
from pathlib import Path

from .engine import GradeConfig, grade
from .reporters import gradescope, terminal

EXIT_OK, EXIT_GRADER = 0, 3


def run_grade(args) -> int:
    submission: Path = args.submission
    if not submission.is_dir():
        print(f"error: submission folder {submission} does not exist. Pass the folder that holds "
              "your two_layer_net.py (for example: make grade SUBMISSION=student)", file=sys.stderr)
        return EXIT_GRADER
    only = [q for q in args.only.split(",") if q.strip()] or None
    report_dir = args.report or Path("reports") / submission.resolve().name
    results_path = args.results or report_dir / "results.json"
    config = GradeConfig(workers=max(1, args.workers), time_scale=args.time_scale, isolation=args.isolation)
    try:
        report = grade(submission, only=only, config=config)
    except ValueError as exc:  # an unknown --only value
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_GRADER
    page = None if args.no_html else report_dir / "index.html"
    print(terminal.render(report, verbose=args.verbose, details_at=page and str(page)))
    try:
        gradescope.write(report, results_path)
        print(f"\nresults.json: {results_path}")
        if not args.no_html:
            from .reporters import html
            page = html.write(report, report_dir)
            print(f"report:       {page}")
    except OSError as exc:
        print(f"error: could not write the report ({exc}); the scores above are complete",
              file=sys.stderr)
        return EXIT_GRADER
    except Exception:  # a reporter bug must not hide the scores already printed
        traceback.print_exc()
        return EXIT_GRADER
    return EXIT_OK
