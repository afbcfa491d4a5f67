"""`python -m autograder grade`: run the engine, then hand the one report to every reporter.

Whatever happens, a results.json is written: a grader failure inside a check is that check's
"autograder error" entry; a failure outside the checks (the engine, the sandbox, a reporter) turns
every selected check into one. Grader tracebacks go to stdout, marked for the staff (Gradescope
shows stdout to instructors only), never into what students read. Exit codes: 0 when grading ran;
3 when the grader could not run or failed outside a check.
"""
from __future__ import annotations

import sys
import traceback
from pathlib import Path

from .engine import GradeConfig, grade
from .feedback import crash_report
from .reporters import gradescope, terminal
from .sandbox.isolation import IsolationUnavailable

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
    config = GradeConfig(workers=max(1, args.workers), time_scale=args.time_scale, isolation=args.isolation,
                         protected=(str(report_dir.resolve()), str(results_path.resolve().parent)))
    code = EXIT_OK
    try:
        report = grade(submission, only=only, config=config)
    except ValueError as exc:  # an unknown --only value: a usage mistake, nothing was graded
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_GRADER
    except IsolationUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        report, code = crash_report(submission, only, f"IsolationUnavailable: {exc}"), EXIT_GRADER
    except Exception:  # a grader bug outside the checks: the student still gets a valid results.json
        report, code = crash_report(submission, only, traceback.format_exc()), EXIT_GRADER
    page = None if args.no_html else report_dir / "index.html"
    print(terminal.render(report, verbose=args.verbose, details_at=page and str(page),
                          colour=terminal.supports_colour(sys.stdout)))
    _print_for_staff(report)
    try:
        gradescope.write(report, results_path)
    except Exception:
        print("for the course staff: the results.json reporter failed:\n" + traceback.format_exc())
        gradescope.write_fallback(results_path, report.max_score)
        return EXIT_GRADER
    print(f"\nresults.json: {results_path}")
    if getattr(args, "model", None):
        _write_model(report, args.model)
    if args.no_html:
        return code
    try:
        from .reporters import html
        print(f"report:       {html.write(report, report_dir)}")
    except Exception:  # a reporter bug must not hide the scores already printed and written
        print("for the course staff: the HTML report failed:\n" + traceback.format_exc())
        return EXIT_GRADER
    return code


def _write_model(report, path: Path) -> None:
    """The result model as JSON (grade-all and the gradebook writer read it back; results.py)."""
    import json

    from .results import report_to_dict
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report_to_dict(report), default=str), encoding="utf-8")


def _print_for_staff(report) -> None:
    for result in report.results:
        if result.staff_details:
            print(f"\nfor the course staff: autograder error in {result.check_id}:\n{result.staff_details}")
