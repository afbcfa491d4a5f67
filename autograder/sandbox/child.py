"""Entry point of the child process: run one probe against the student's files, write plain data.

Run as `python -I child.py WORKDIR`. WORKDIR holds request.json, the grader's inputs
(in_arrays.npz, in_values.json) and submission/ with copies of the student's files. The child
writes out_arrays.npz + out_values.json and, last of all, status.json. A child that dies before
writing status.json is reported by the parent as a crash; nothing the student prints is parsed.
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path


def main(workdir: Path) -> int:
    request = json.loads((workdir / "request.json").read_text())
    _apply_limits(request["limits"])
    submission = workdir / "submission"
    # The student's folder first (only the expected file names were copied there), then the
    # grader's root so the probes and datasets import; this script's own folder is dropped.
    sys.path[0:1] = [str(submission), request["repo_root"]]
    os.chdir(workdir)

    from autograder.sandbox import transport
    from autograder.sandbox.probes import StudentFailure, Submission, describe_exception, resolve

    started = time.perf_counter()
    try:
        probe = resolve(request["probe"])
        inputs = transport.read(workdir, "in_")
        outputs = probe(inputs, Submission(submission))
        transport.write(workdir, outputs, "out_")
        status = {"status": "ok"}
    except StudentFailure as failure:
        status = failure.as_status()
    except NotImplementedError as exc:
        status = {"status": "not_implemented", **describe_exception(exc, submission)}
    except BaseException as exc:  # SystemExit, KeyboardInterrupt, pytest's Skipped: all cost the probe
        status = {"status": "exception", **describe_exception(exc, submission)}
    status["duration_s"] = time.perf_counter() - started
    (workdir / "status.tmp").write_text(json.dumps(status, default=str))
    os.replace(workdir / "status.tmp", workdir / "status.json")
    return 0


def _apply_limits(limits: dict) -> None:
    """Lower this process's rlimits before any other import (see autograder/sandbox/limits.py)."""
    import resource

    mib = 2**20
    for name, value in ((resource.RLIMIT_CPU, limits["cpu_s"]), (resource.RLIMIT_DATA, limits["memory_mb"] * mib),
                        (resource.RLIMIT_FSIZE, limits["output_mb"] * mib), (resource.RLIMIT_CORE, 0),
                        (resource.RLIMIT_NOFILE, limits["open_files"])):
        resource.setrlimit(name, (value, value))


if __name__ == "__main__":
    try:
        code = main(Path(sys.argv[1]))
    except BaseException:  # a grader-side failure before any student code ran
        traceback.print_exc()
        code = 70
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit skips interpreter teardown: student objects' __del__ and atexit hooks cannot run
    # after the status was written, and leftover threads cannot keep the process alive.
    os._exit(code)
