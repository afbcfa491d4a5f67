"""What the process that imports the student's files does, at every isolation level.

The Linux supervisor's probe process (child.py) calls this after dropping its privileges; the
portable level's spare interpreter (spare.py) calls it once its request arrives. It decodes the
grader's inputs, runs the probe on the student's files, writes the outputs and, last of all,
status.json. It never returns an error: whatever the student's code raises is recorded.
"""
from __future__ import annotations

import errno
import json
import os
import sys
import time
from pathlib import Path

from autograder.sandbox.features import O_BINARY, O_NOFOLLOW

STATUS_FILE = "status.json"


def run_and_record(workdir: Path, request: dict, probe) -> int:
    """Run `probe` (the grader's Probe, sandbox/probe.py) on workdir/submission; returns the
    process's exit code."""
    from autograder.sandbox import codec, transport
    from autograder.sandbox.student_code import StudentFailure, Submission, describe_exception, unwritten

    submission = workdir / "submission"
    started = time.perf_counter()
    try:
        inputs = codec.decode(probe.inputs, transport.read(workdir, "in_", map_large=True))
        outputs = probe(inputs, Submission(submission))
        if type(outputs) is not probe.outputs:  # a grader bug: the probe broke its own contract
            raise TypeError(f"probe {probe.address} returned {type(outputs).__name__}")
        transport.write(workdir, codec.encode(outputs), "out_")
        status = {"status": "ok"}
    except StudentFailure as failure:
        status = failure.as_status()
    except NotImplementedError as exc:
        status = {"status": "not_implemented", **describe_exception(exc, submission)}
        stub = unwritten(exc, submission)  # a TODO's stub, found by its place: its question and task
        status["message"] = f"{stub.todo}: {stub.task}" if stub else _text(exc)
        status["todo"] = stub.todo if stub else ""
    except BaseException as exc:  # SystemExit, KeyboardInterrupt, pytest's Skipped: all cost the probe
        status = {"status": "exception", **describe_exception(exc, submission)}
        if isinstance(exc, MemoryError):  # RLIMIT_DATA refused an allocation
            status["limit"] = "memory"
        elif isinstance(exc, OSError) and exc.errno == errno.EFBIG:  # RLIMIT_FSIZE; Python ignores SIGXFSZ
            status["limit"] = "file_size"
    status["duration_s"] = time.perf_counter() - started
    (workdir / "status.tmp").write_text(json.dumps(status, default=str), encoding="utf-8")
    os.replace(workdir / "status.tmp", workdir / STATUS_FILE)
    return 0


def _text(exc: BaseException) -> str:
    """What the exception says (its type's name when even that fails)."""
    try:
        return str(exc)[:1000] or type(exc).__name__
    except BaseException:  # a hostile __str__
        return type(exc).__name__


def redirect_output(workdir: Path) -> None:
    """Point fds 0/1/2 at the null device and workdir's stdout.txt/stderr.txt (created here, so no
    planted link is followed), and HOME and matplotlib's folder at workdir: what every probe
    process does first, forked here or spawned at the portable level."""
    sys.stdout.flush()
    sys.stderr.flush()
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | O_NOFOLLOW | O_BINARY
    null = os.open(os.devnull, os.O_RDONLY | O_BINARY)
    out = os.open(workdir / "stdout.txt", flags, 0o600)
    err = os.open(workdir / "stderr.txt", flags, 0o600)
    for fd, target in ((null, 0), (out, 1), (err, 2)):
        os.dup2(fd, target)
        os.close(fd)
    os.environ["HOME"] = str(workdir)
    os.environ["MPLCONFIGDIR"] = str(workdir / ".mpl")
