"""What the process that imports the student's files does, at every isolation level.

The Linux supervisor's probe process (child.py) calls this after dropping its privileges; the
portable level's spare interpreter (spare.py) calls it once its request arrives. It decodes the
grader's inputs, runs the probe on the student's files, writes the outputs and, last of all,
status.json. It never returns an error: whatever the student's code raises is recorded.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from autograder.sandbox.features import O_BINARY, O_NOFOLLOW

STATUS_FILE = "status.json"


def run_and_record(workdir: Path, request: dict, probe) -> int:
    """Run `probe` (the grader's function) on workdir/submission; returns the process's exit code."""
    from autograder.sandbox import exchange, transport
    from autograder.sandbox.probes import StudentFailure, Submission, describe_exception

    submission = workdir / "submission"
    input_type, output_type = exchange.PROBES[request["probe"]]
    started = time.perf_counter()
    try:
        inputs = exchange.decode(input_type, transport.read(workdir, "in_", map_large=True))
        outputs = probe(inputs, Submission(submission))
        if type(outputs) is not output_type:  # a grader bug: the probe broke its own contract
            raise TypeError(f"probe {request['probe']} returned {type(outputs).__name__}")
        transport.write(workdir, exchange.encode(outputs), "out_")
        status = {"status": "ok"}
    except StudentFailure as failure:
        status = failure.as_status()
    except NotImplementedError as exc:
        status = {"status": "not_implemented", **describe_exception(exc, submission)}
    except BaseException as exc:  # SystemExit, KeyboardInterrupt, pytest's Skipped: all cost the probe
        status = {"status": "exception", **describe_exception(exc, submission)}
    status["duration_s"] = time.perf_counter() - started
    (workdir / "status.tmp").write_text(json.dumps(status, default=str), encoding="utf-8")
    os.replace(workdir / "status.tmp", workdir / STATUS_FILE)
    return 0


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
