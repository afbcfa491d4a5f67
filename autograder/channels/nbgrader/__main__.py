"""`python -m autograder.channels.nbgrader source|autograde|gradebook`: the course's release, sandboxed autograde, gradebook.

Exit codes: 0 when the command did its work (flagged cells included); 3 when it could not run
(a missing folder or gradebook).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ...sandbox.isolation import REQUESTS
from . import manifest
from .kernel_sandbox import KernelLimits

EXIT_OK, EXIT_FAILED = 0, 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.channels.nbgrader", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    source = commands.add_parser("source", help="fill COURSE/source/ex2/ for `nbgrader generate_assignment`")
    source.add_argument("--course", type=Path, default=Path("course"), help="course folder (default: course)")
    book = commands.add_parser("gradebook", help="after `make autograde`: grade every submission's "
                               ".py files in the sandbox and write its points into the gradebook")
    book.add_argument("--course", type=Path, default=Path("course"), help="course folder (default: course)")
    book.add_argument("--assignment", default="ex2", help="default: ex2")
    book.add_argument("--student", action="append", default=None,
                      help="grade only this student (repeatable; default: every submitted one)")
    book.add_argument("--only", default="", help="comma-separated questions or check ids (default: all); "
                      "the checks left out score 0 in the gradebook")
    book.add_argument("--jobs", default="auto", help="students graded at once on this machine, or auto = from "
                      "the CPUs and memory the cgroup grants (default: auto; ignored with --scheduler)")
    book.add_argument("--scheduler", default="", help="grade on an existing Dask cluster, e.g. tcp://host:8786 "
                      "(default: $DASK_SCHEDULER_ADDRESS, else an embedded cluster on this machine)")
    auto = commands.add_parser("autograde", help="`nbgrader autograde` with every student's kernel sandboxed "
                               "(what `make autograde` runs); arguments after `--` go to nbgrader")
    auto.add_argument("--course", type=Path, default=Path("course"), help="course folder (default: course)")
    auto.add_argument("--assignment", default="ex2", help="default: ex2")
    auto.add_argument("--student", default=None, help="autograde only this student (default: every submitted one)")
    auto.add_argument("--isolation", choices=REQUESTS, default="auto",
                      help="the kernels' isolation level (default: auto, the strongest this machine allows)")
    auto.add_argument("--notebook-timeout", type=float, default=KernelLimits.wall_s,
                      help=f"seconds one notebook may run in all, its kernel is then killed (default: {KernelLimits.wall_s:g})")
    auto.add_argument("nbgrader_args", nargs="*", help="more arguments for nbgrader autograde, after `--` "
                      "(e.g. -- --force)")
    args = parser.parse_args(argv)

    if args.command == "source":
        from ...paths import REPO_ROOT
        from ..handout.package import assemble
        from .course import ASSIGNMENT, NOTEBOOK
        # The instructor's notebook (generate_assignment strips its answers) and student/'s skeletons.
        folder = assemble(args.course / "source" / ASSIGNMENT, REPO_ROOT / "solution" / f"{NOTEBOOK}.ipynb")
        print(f"wrote {folder} and {manifest.write(args.course)} (the grader's files, checked by "
              f"`make gradebook`): now run `nbgrader generate_assignment {ASSIGNMENT}` in {args.course}")
        return EXIT_OK
    if args.command == "autograde":
        return _autograde(args)
    return _gradebook(args)


def _autograde(args) -> int:
    import datasets
    from .autograde import autograde
    if not (args.course / "release" / args.assignment).is_dir():
        print(f"error: {args.course / 'release' / args.assignment} does not exist: run `make release` first, "
              "then collect the submissions into submitted/<student>/", file=sys.stderr)
        return EXIT_FAILED
    data = datasets.npz_path()
    code = autograde(args.course.resolve(), args.assignment, args.student, args.isolation,
                     KernelLimits(wall_s=args.notebook_timeout), data if data.is_file() else None,
                     tuple(args.nbgrader_args))
    return EXIT_OK if code == 0 else EXIT_FAILED


def _gradebook(args) -> int:
    if not (args.course / "gradebook.db").is_file():
        print(f"error: {args.course / 'gradebook.db'} does not exist: run `make autograde` "
              f"(nbgrader autograde {args.assignment}, sandboxed) first", file=sys.stderr)
        return EXIT_FAILED
    try:  # before the grader's modules are imported: they must be the released ones
        manifest.verify(args.course)
    except manifest.GraderChanged as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    from ...resources import auto_jobs
    from ..batch.cluster import ClusterUnavailable
    from ..batch.task import GradeOptions
    from .gradebook import grade_students, submitted_students, summary, write_student
    students = args.student or submitted_students(args.course, args.assignment)
    if not students:
        print(f"error: no folder {args.course}/submitted/*/{args.assignment}: collect the submissions, "
              "then run `make autograde`", file=sys.stderr)
        return EXIT_FAILED
    jobs = auto_jobs() if args.jobs == "auto" else max(1, int(args.jobs))
    try:
        reports = grade_students(args.course, args.assignment, {s: GradeOptions(only=args.only, html=False)
                                                                for s in students}, args.scheduler, jobs)
    except (FileNotFoundError, ClusterUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    flagged = 0
    for student in students:
        graded = write_student(args.course, args.assignment, student, reports[student])
        flagged += len(graded.flags)
        print(summary(graded))
    print(f"{len(students)} submission(s) written to the gradebook; {flagged} cell(s) flagged "
          "(the notebook's own result differed; formgrader lists them as needing manual grading)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
