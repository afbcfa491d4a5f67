"""`python -m autograder.channels.batch SUBMISSIONS [--out DIR] [--jobs N|auto] [--scheduler ADDRESS] ...`

Exit codes: 0 when every student has a row (whatever the scores, grader errors included: they
are marked in the status column); 2 for bad arguments or an empty folder; 3 when the Dask
scheduler named by --scheduler (or DASK_SCHEDULER_ADDRESS) cannot be reached.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import gradebook, layouts
from .cluster import ADDRESS_VARIABLE, ClusterUnavailable, scheduler_address
from .runner import BatchConfig, grade_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.channels.batch",
                                     description="Grade every submission of a class into a gradebook.")
    parser.add_argument("submissions", type=Path, help="a Gradescope export (with submission_metadata.yml), "
                        "an nbgrader course (submitted/<student>/<assignment>/), or one folder per student")
    parser.add_argument("--out", type=Path, default=Path("reports") / "class",
                        help="where the reports and gradebook.csv go (default: reports/class)")
    parser.add_argument("--jobs", default="auto", help="submissions graded at once on this machine (the "
                        "embedded Dask cluster's workers), or auto = from the CPUs and memory the cgroup "
                        "grants (default: auto; ignored with --scheduler, where the cluster's workers decide)")
    parser.add_argument("--scheduler", default="", help="grade on an existing Dask cluster, e.g. "
                        f"tcp://host:8786 (default: ${ADDRESS_VARIABLE}, else an embedded cluster on this machine)")
    parser.add_argument("--force", action="store_true", help="regrade students already graded (default: skip them)")
    parser.add_argument("--only", default="", help="grade only these questions, e.g. Q1a,Q2d (default: all)")
    parser.add_argument("--assignment", default="", help="nbgrader: the assignment folder to grade (default: all)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiply every time limit (default: 1.0)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML reports (default: write them)")
    parser.add_argument("--reference", type=Path, default=None, help="known solutions for the similarity report: "
                        "each .py file and each sub-folder is one (default: none)")
    parser.add_argument("--no-similarity", action="store_true", help="skip the similarity report "
                        "(default: write OUT/similarity.html and .csv)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(f"error: {args.submissions} is not a folder of submissions", file=sys.stderr)
        return 2
    layout, submissions = layouts.discover(args.submissions, args.assignment)
    if not submissions:
        print(f"error: no submissions found in {args.submissions} (looked for submission_metadata.yml, "
              "submitted/<student>/<assignment>/, and one folder or .zip per student)", file=sys.stderr)
        return 2
    if args.jobs == "auto":
        from ...resources import auto_jobs
        jobs = auto_jobs()
    else:
        jobs = max(1, int(args.jobs))
    address = scheduler_address(args.scheduler)
    where = f"on the Dask cluster at {address}" if address else f"{jobs} graded at once on this machine"
    print(f"{len(submissions)} students ({layout} layout), {where} -> {args.out}", file=sys.stderr)
    config = BatchConfig(jobs=jobs, force=args.force, only=args.only, time_scale=args.time_scale,
                         html=not args.no_html, scheduler=address)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        statuses = grade_all(submissions, args.out, config)
    except ClusterUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    path = gradebook.write(submissions, statuses, args.out)
    failed = sorted(s for s, status in statuses.items() if status in ("grader_error", "timed_out"))
    print(f"gradebook: {path}" + (f"; grader errors or timeouts (see their report folders): "
                                   f"{', '.join(failed)}" if failed else ""), file=sys.stderr)
    if not args.no_similarity:
        _similarity(submissions, args.out, args.reference)
    return 0


def _similarity(submissions: list[layouts.Submission], out: Path, reference: Path | None) -> None:
    """OUT/similarity.html and .csv from the staged copies; a failure here costs no grade."""
    from ..similarity.class_report import write_class_report

    named = [("+".join(s.student for s in members), out / members[0].student / "submission")
             for members in layouts.group_uploads(submissions).values()
             if (out / members[0].student / "submission").is_dir()]
    try:
        print(write_class_report(named, out, reference).line(), file=sys.stderr)
    except Exception as exc:  # the gradebook is written; say what went wrong and go on
        print(f"warning: the similarity report could not be written ({type(exc).__name__}: {exc}); "
              f"run `make similarity SUBMISSIONS=...` to retry it", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
