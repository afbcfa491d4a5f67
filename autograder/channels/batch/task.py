"""One student's grade as a Dask task: what runs on a worker, wherever the worker is.

The task receives the submission's staged files as bytes (so the workers need no shared file
system), writes them into a private temporary folder on the worker, runs the grader there in a
process of its own (`python -m autograder grade`, the sandbox exactly as in `make grade`) and
returns plain data: the results.json object, the whole result model, the report's files as bytes,
the status and the tail of the grader's log. It writes nothing outside that temporary folder, so
Dask may run it again elsewhere (a worker died mid-grade) without any side effect to undo: the
driver writes each student's outputs once, from the result that reaches it.

The worker needs this repository's code (the same commit as the driver) and CIFAR-10 under its own
`HLCV_DATA_DIR`; the grader's own messages say what is missing when either is not there.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..fallback import kill_tree, read_results
from ..stage import EXPECTED

REPO = Path(__file__).resolve().parents[3]
LOG_TAIL = 4000            # characters of the grader's own output kept for the staff
# The grader process dies with the worker thread that started it (PR_SET_PDEATHSIG survives the
# exec): a worker killed mid-grade leaves no grade running on its machine. Linux only; elsewhere
# (prctl missing) it is a plain exec.
DIE_WITH_WORKER = ("import ctypes, os, signal, sys\n"
                   "try:\n    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)\n"
                   "except (OSError, AttributeError):\n    pass\n"
                   "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


@dataclass(frozen=True)
class GradeOptions:
    """How each grade of a class runs (the same for every student of one run)."""

    only: str = ""               # questions to grade (default: all)
    time_scale: float = 1.0      # passed to every grade (--time-scale)
    timeout_s: float = 900.0     # a whole grade past this (times time_scale) is killed: "timed_out"
    html: bool = True            # also return the HTML report's files


def grade_submission(files: dict[str, bytes], options: GradeOptions) -> dict:
    """Grade the staged files {name: content} on this worker; never raises for a submission.

    Returns {"status": graded | grader_error | timed_out, "results": results.json or None,
    "model": the result model as a dict or None, "report": {file name: bytes}, "seconds",
    "worker": the Dask worker's address, "log": the tail of the grader's output}.
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hlcv-task-") as tmp:
        staged = Path(tmp) / "submission"
        staged.mkdir()
        for name, content in files.items():
            if name not in EXPECTED:  # only the grader's own file names, never a path
                raise ValueError(f"unexpected file name {name!r} in a grading task")
            (staged / name).write_bytes(content)
        os.chmod(tmp, 0o755)  # the sandbox user may read the staged copies; `private` stays 0700
        private = Path(tmp) / "grader"
        private.mkdir(mode=0o700)
        status = _run_grader(staged, private, options)
        results = read_results(private / "results.json")
        model = _read_model(private / "model.json")
        report = {}
        if options.html and (private / "index.html").is_file():
            report = {p.name: p.read_bytes() for p in sorted(private.iterdir())
                      if p.is_file() and not p.is_symlink() and p.name not in ("results.json", "model.json")}
        log = (private / "grader.log").read_bytes()[-LOG_TAIL:].decode("utf-8", "replace")
    return {"status": status, "results": results, "model": model, "report": report,
            "seconds": round(time.monotonic() - started, 1), "worker": _worker_name(), "log": log}


def _run_grader(staged: Path, private: Path, options: GradeOptions) -> str:
    """graded | grader_error | timed_out; the grader's own output goes to private/grader.log."""
    # Run from the task's folder with the submission named "submission": the feedback then names
    # files as `submission/two_layer_net.py`, the folder grade-all writes next to results.json,
    # never a temporary path on a worker.
    command = [sys.executable, "-c", DIE_WITH_WORKER, "-m", "autograder", "grade", staged.name,
               "--results", str(private / "results.json"), "--report", str(private),
               "--model", str(private / "model.json"), "--workers", "1",
               "--time-scale", str(options.time_scale), "--isolation", "auto"]
    if options.only:
        command += ["--only", options.only]
    if not options.html:
        command.append("--no-html")
    with open(private / "grader.log", "wb") as log:
        process = subprocess.Popen(command, cwd=staged.parent, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True, env=_grader_env())
        try:
            code = process.wait(timeout=options.timeout_s * options.time_scale)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)  # the grader and every child it started
            process.wait()
            return "timed_out"
    return "graded" if code == 0 else "grader_error"


def _worker_name() -> str:
    """The address of the Dask worker running this task (the host's name outside Dask)."""
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return socket.gethostname()


def _grader_env() -> dict[str, str]:
    """The worker's environment, with this repository importable and HLCV_DATA_DIR made absolute
    (the grader runs in another folder), less what Dask's nanny set for its own workers
    (`distributed.nanny.pre-spawn-environ`: an aggressive malloc trim threshold, thread counts):
    the grader runs as it does under `make grade`."""
    env = dict(os.environ)
    try:
        import dask
        import distributed  # noqa: F401  (puts its defaults into dask.config)
        injected = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    except ImportError:
        injected = {}
    for name, value in injected.items():
        if env.get(name) == str(value):
            del env[name]
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    if env.get("HLCV_DATA_DIR"):
        env["HLCV_DATA_DIR"] = str(Path(env["HLCV_DATA_DIR"]).expanduser().absolute())
    return env


def _read_model(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None
