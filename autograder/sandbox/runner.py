"""Parent side of the sandbox: run one probe in a fresh child process and read back plain data.

The parent never imports student code. It copies only the expected files (regular files, no links,
size-capped) into a private working folder, starts `child.py` in a new session with resource
limits and a scrubbed environment, kills the whole process group when the wall-clock limit
passes, and turns every way the child can end into either the probe's outputs or a ProbeFailure.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import transport
from .limits import Limits

if TYPE_CHECKING:
    from .launcher import Launcher

REPO_ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("child.py")
MAX_SOURCE_BYTES = 2 * 2**20   # a submitted .py larger than this is refused
OUTPUT_TAIL = 2000             # characters of the student's stdout/stderr kept for the report
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


@dataclass
class ProbeFailure(Exception):
    """The student's code did not produce the probe's outputs.

    kind: not_implemented | missing | import_error | exception | bad_return | timeout | crash |
    memory. `where` holds file/line/function/code of the student's line when known.
    """

    kind: str
    message: str
    where: dict = field(default_factory=dict)
    traceback: str = ""
    output: str = ""

    def __str__(self) -> str:
        return self.message


@dataclass
class ProbeRun:
    outputs: dict[str, Any]
    duration_s: float
    output: str   # tail of what the student's code printed


def run_probe(submission: Path, files: tuple[str, ...], probe: str, inputs: dict[str, Any],
              limits: Limits, threads: int = 1, launcher: "Launcher | None" = None) -> ProbeRun:
    """Run `probe` in a child on copies of `files` from `submission`; raise ProbeFailure if it fails.

    With a launcher the child is forked from a warm fork server (same limits, same isolation);
    without one, or when the server fails, a fresh interpreter is spawned.
    """
    with tempfile.TemporaryDirectory(prefix="hlcv-probe-") as tmp:
        workdir = Path(tmp)
        copy_submission(submission, files, workdir / "submission")
        transport.write(workdir, inputs, "in_")
        (workdir / "request.json").write_text(json.dumps(
            {"probe": probe, "repo_root": str(REPO_ROOT), "limits": limits.as_dict()}))
        started = time.perf_counter()
        forked = launcher.run(probe, workdir, limits.wall_s) if launcher is not None else None
        returncode, timed_out = forked if forked is not None else _spawn_child(workdir, limits, threads)
        elapsed = time.perf_counter() - started
        output = _tail(workdir / "stdout.txt") + _tail(workdir / "stderr.txt")
        status = _read_status(workdir)
        if timed_out:
            raise ProbeFailure("timeout", f"timed out after {limits.wall_s:.0f} s (an endless loop, "
                               "or far more work than needed?)", output=output)
        if status is None:
            raise ProbeFailure(*_explain_death(returncode, output, limits), output=output)
        if status.get("status") != "ok":
            kind = str(status.get("status", "exception"))
            message = str(status.get("message", "failed"))
            if kind == "exception" and "MemoryError" in message:
                kind, message = "memory", f"ran out of memory (limit {limits.memory_mb} MB): {message}"
            elif kind == "exception" and "[Errno 27]" in message:  # RLIMIT_FSIZE; Python ignores SIGXFSZ
                kind, message = "crash", f"wrote more than {limits.output_mb} MB (printing in a loop?)"
            raise ProbeFailure(kind, message, status.get("where") or {},
                               str(status.get("traceback", "")), output)
        try:
            outputs = transport.read(workdir, "out_")
        except transport.TransportError as exc:
            raise ProbeFailure("crash", f"the results of your code could not be read back: {exc}",
                               output=output) from None
        return ProbeRun(outputs, elapsed, output)


def copy_submission(submission: Path, files: tuple[str, ...], target: Path) -> None:
    """Copy only the named regular files; links, folders and oversized files are left behind."""
    target.mkdir(parents=True)
    for name in files:
        source = submission / name
        if source.is_symlink() or not source.is_file():
            continue  # the probe reports it missing with the file's name
        if source.stat().st_size > MAX_SOURCE_BYTES:
            continue
        shutil.copyfile(source, target / name)


def child_env(workdir: Path, threads: int) -> dict[str, str]:
    """The whole environment of a child: nothing of the grader's own beyond PATH and the data dir."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(workdir / ".mpl"),
        "CUBLAS_WORKSPACE_CONFIG": ":4096:8",
    }
    for name in ("HLCV_DATA_DIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            env[name] = os.environ[name]
    env.update({name: str(threads) for name in THREAD_VARS})
    return env


def _spawn_child(workdir: Path, limits: Limits, threads: int) -> tuple[int, bool]:
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-I", str(CHILD), str(workdir)],
            cwd=workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            env=child_env(workdir, threads), start_new_session=True,
        )  # no preexec_fn: it is unsafe with the grader's threads; child.py sets its own limits
        try:
            returncode = process.wait(timeout=limits.wall_s)
            timed_out = False
        except subprocess.TimeoutExpired:
            returncode, timed_out = -signal.SIGKILL, True
        _kill_group(process)
    return returncode, timed_out


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the child and anything it started in its session, then reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _read_status(workdir: Path) -> dict | None:
    path = workdir / "status.json"
    if path.is_symlink() or not path.is_file() or path.stat().st_size > 2**20:
        return None
    try:
        status = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except ValueError:
        return None
    return status if isinstance(status, dict) else None


def _explain_death(returncode: int, output: str, limits: Limits) -> tuple[str, str]:
    if returncode < 0:
        sig = -returncode
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig == signal.SIGXCPU:
            return "timeout", f"used more than its CPU-time limit ({limits.effective_cpu_s} s)"
        if sig == signal.SIGXFSZ:
            return "crash", f"wrote more than {limits.output_mb} MB (printing in a loop?)"
        if sig == signal.SIGKILL:
            return "memory", (f"was killed (signal {name}); most often this is running out of memory "
                              f"(limit {limits.memory_mb} MB)")
        return "crash", f"crashed with signal {name} (segmentation fault, recursion, native code?)"
    if "MemoryError" in output or "Cannot allocate memory" in output:
        return "memory", f"ran out of memory (limit {limits.memory_mb} MB)"
    return "crash", (f"ended the process (exit code {returncode}) before returning; do not call "
                     "sys.exit(), os._exit() or quit() in your code")


def _tail(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - OUTPUT_TAIL))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return ("…" if size > OUTPUT_TAIL else "") + text
