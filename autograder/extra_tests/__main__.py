"""`python -m autograder.extra_tests SUBMISSION --tests FOLDER --results FILE` (run_autograder runs it).

Writes {"tests": [...], "leaderboard": [...]} to FILE: the instructor's tests of the packed FOLDER
(manifest.json and the test files) as results.json entries. Exit codes: 0 when every test ran
(passed or not); 3 when the runner itself failed (FILE then holds every test as failed).
"""
from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from ..__main__ import _auto
    parser = argparse.ArgumentParser(prog="python -m autograder.extra_tests", description=__doc__.splitlines()[0])
    parser.add_argument("submission", type=Path, help="the staged submission folder")
    parser.add_argument("--tests", type=Path, required=True, help="the packed folder of instructor tests")
    parser.add_argument("--results", type=Path, required=True, help="where to write the tests as JSON")
    parser.add_argument("--time-scale", type=_auto(float, "auto_time_scale"), default=1.0,
                        help="multiply each test's time limit, or auto (default: 1.0)")
    parser.add_argument("--isolation", choices=("auto", "namespaces", "user", "none"), default="auto",
                        help="how far the tests' children are isolated (default: auto)")
    args = parser.parse_args(argv)
    from ..engine import GradeConfig
    from .entries import failed_entries
    from .runner import run_all
    code = 0
    try:
        results = run_all(args.submission, args.tests, GradeConfig(time_scale=args.time_scale, isolation=args.isolation,
                                                                    protected=(str(args.results.resolve().parent),)))
    except Exception:
        print("for the course staff: the instructor tests could not run:\n" + traceback.format_exc())
        results, code = failed_entries(args.tests, "Autograder error, not your fault: the course's own tests "
                                       "could not run. Please contact the course staff."), 3
    args.results.write_text(json.dumps(results, allow_nan=False), encoding="utf-8")
    passed = sum(1 for t in results["tests"] if t["status"] == "passed")
    print(f"instructor tests: {passed}/{len(results['tests'])} passed, {len(results['leaderboard'])} leaderboard value(s)")
    return code


if __name__ == "__main__":
    sys.exit(main())
