"""Parent side of the sandbox: run one probe in a fresh child process and read back plain data.

The parent never imports student code. It copies only the expected files (regular files, no links,
size-capped) into a private working folder with an unguessable name inside the grade's work root,
starts `child.py` (the supervisor, see there) at the grade's isolation level with resource limits
and a scrubbed environment, and turns every way the child can end into either the probe's outputs
or a ProbeFailure. The supervisor enforces the wall-clock limit and kills whatever the probe left
running; the parent kills the supervisor's session only if it overruns that limit by GRACE_S. At
the portable level there is no supervisor: the parent watches the child itself (portable.py).
Files the child wrote are opened without following links, so a planted link cannot make the
parent read (and show the student) a file of the grader's.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import pin_threads
from . import exchange, features, transport
from .features import kill_group
from .isolation import Isolation
from .limits import Limits, memory_error_message, memory_kill_message

if TYPE_CHECKING:
    from .launcher import Launcher

CHILD = Path(__file__).relative_to(Path(__file__).resolve().parents[2]).with_name("child.py")
GRACE_S = 10.0                 # the supervisor's own kill and sweep get this long past the limit
# run_probe's default when no level is given: the weakest this OS runs (none needs Linux's features)
NO_ISOLATION = Isolation("none" if features.linux_supervisor_problem() is None else "portable")
MAX_PROCESSES = 256            # RLIMIT_NPROC of a child that runs as the dedicated sandbox user
MAX_SOURCE_BYTES = 2 * 2**20   # a submitted .py larger than this is refused
OUTPUT_TAIL = 2000             # characters of the student's stdout/stderr kept for the report


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
    outputs: Any        # the probe's output message (sandbox/exchange.py)
    duration_s: float


def run_probe(submission: Path, files: tuple[str, ...], probe: str, inputs: Any,
              limits: Limits, threads: int = 1, launcher: "Launcher | None" = None,
              isolation: Isolation = NO_ISOLATION, work_root: Path | None = None) -> ProbeRun:
    """Run `probe` in a child on copies of `files` from `submission`; raise ProbeFailure if it fails.

    `inputs` is the probe's input message; the run's outputs are its output message (both named
    by exchange.PROBES). With a launcher the child is forked from a warm fork server (same limits,
    same isolation); without one, or when the server fails, a fresh interpreter is spawned.
    `work_root` is the grade's folder of working folders (the system's temporary folder when None).
    """
    input_type, output_type = exchange.PROBES[probe]
    if type(inputs) is not input_type:
        raise TypeError(f"probe {probe} takes {input_type.__name__}, not {type(inputs).__name__}")
    workdir = Path(tempfile.mkdtemp(prefix="probe-", dir=work_root))
    try:
        copy_submission(submission, files, workdir / "submission")
        transport.write(workdir, exchange.encode(inputs), "in_")
        dedicated_user = isolation.uid is not None
        (workdir / "request.json").write_text(json.dumps({
            "probe": probe, "limits": limits.as_dict(), "wall_s": limits.wall_s,
            "drop_to": [isolation.uid, isolation.gid] if isolation.drops_privileges else None,
            "max_processes": MAX_PROCESSES if dedicated_user else None}), encoding="utf-8")
        if dedicated_user:
            _give_to(workdir, isolation.uid, isolation.gid)
        if launcher is not None:
            launcher.ready(probe)  # a fork server's start-up is the grader's time, not the student's
        started = time.perf_counter()
        limit = None
        if isolation.portable:
            ending = _run_portable(probe, workdir, limits, threads, launcher, work_root or workdir.parent)
            returncode, timed_out, limit = ending.status, ending.timed_out, ending.limit
        else:
            forked = launcher.run(probe, workdir, limits.wall_s + GRACE_S) if launcher is not None else None
            if forked is None:
                forked = _spawn_child(workdir, limits, threads, isolation, work_root or workdir.parent)
            returncode, timed_out = _supervised_ending(workdir, *forked)
        elapsed = time.perf_counter() - started
        output = _tail(workdir / "stdout.txt") + _tail(workdir / "stderr.txt")
        status = _read_json(workdir / "status.json")
        if timed_out:
            raise ProbeFailure("timeout", f"timed out after {limits.wall_s:.0f} s (an endless loop, "
                               "or far more work than needed?)", output=output)
        if limit is not None:
            raise ProbeFailure(*_explain_limit(limit, limits), output=output)
        if status is None:
            raise ProbeFailure(*_explain_death(returncode, output, limits), output=output)
        if status.get("status") != "ok":
            kind = str(status.get("status", "exception"))
            message = str(status.get("message", "failed"))
            if kind == "exception" and "MemoryError" in message:
                kind, message = "memory", f"{memory_error_message(limits)}: {message}"
            elif kind == "exception" and "[Errno 27]" in message:  # RLIMIT_FSIZE; Python ignores SIGXFSZ
                kind, message = "crash", f"wrote more than {limits.output_mb} MB (printing in a loop?)"
            raise ProbeFailure(kind, message, status.get("where") or {},
                               str(status.get("traceback", "")), output)
        try:
            outputs = exchange.decode(output_type, transport.read(workdir, "out_"))
        except (transport.TransportError, exchange.ExchangeError) as exc:
            raise ProbeFailure("crash", f"the results of your code could not be read back: {exc}",
                               output=output) from None
        return ProbeRun(outputs, elapsed)
    finally:
        remove_tree(workdir)


def _run_portable(probe: str, workdir: Path, limits: Limits, threads: int, pool, work_root: Path):
    """The portable level: the probe in a spare interpreter of the grade's pool, or (no pool) in
    one started for it alone; returns the watchdog's portable.Ending."""
    from .portable import SparePool

    if pool is not None:
        return pool.run(probe, workdir, limits)
    with SparePool(child_env(work_root, threads), work_root, prestart=False) as alone:
        return alone.run(probe, workdir, limits)


def _explain_limit(limit: str, limits: Limits) -> tuple[str, str]:
    """(kind, message) of a probe the portable level's watchdog stopped at one of its limits."""
    from .portable import MAX_PROCESSES as PORTABLE_PROCESSES

    if limit == "memory":
        return "memory", memory_error_message(limits)
    if limit == "output":
        return "crash", f"wrote more than {limits.output_mb} MB (printing in a loop?)"
    return "crash", f"started more than {PORTABLE_PROCESSES} processes at once (a fork bomb?)"


def _give_to(workdir: Path, uid: int, gid: int) -> None:
    """The working folder and what the parent wrote in it, owned by the sandbox user (mode 0700)."""
    for folder, subfolders, names in os.walk(workdir):
        for name in [*subfolders, *names]:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)
    os.chown(workdir, uid, gid)
    workdir.chmod(0o700)


def remove_tree(folder: Path) -> None:
    """Delete a working folder whatever the child did to its permissions."""
    def make_writable_and_retry(function, path, _exc):
        try:
            os.chmod(os.path.dirname(path), 0o700)
            if not features.POSIX:  # Windows: a read-only file cannot be deleted
                os.chmod(path, stat.S_IWRITE)
            function(path)
        except OSError:
            pass
    if sys.version_info >= (3, 12):  # onerror is deprecated there; onexc gets the exception itself
        shutil.rmtree(folder, onexc=make_writable_and_retry)  # novermin (only on 3.12+)
    else:
        shutil.rmtree(folder, onerror=make_writable_and_retry)


def _supervised_ending(workdir: Path, returncode: int, killed: bool) -> tuple[int, bool]:
    """(the probe process's exit code or minus its signal, timed out) from supervisor.json.

    Without that file the supervisor itself died or was killed: its own code then stands.
    """
    record = _read_json(workdir / "supervisor.json")
    if killed or record is None or not isinstance(record.get("exit"), int):
        return returncode, killed
    return record["exit"], bool(record.get("timed_out"))


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
    """The whole environment of a child: nothing of the grader's own beyond PATH (not even where
    the data lives: children receive arrays, never a path to the data file)."""
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
        **features.platform_env(),
    }
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            env[name] = os.environ[name]
    return pin_threads(env, threads)


def _spawn_child(workdir: Path, limits: Limits, threads: int, isolation: Isolation,
                 work_root: Path) -> tuple[int, bool]:
    """A fresh interpreter running child.py at the isolation level: (exit code, killed by us)."""
    child = isolation.grader_root / CHILD
    argv = isolation.command(work_root, [sys.executable, "-I", str(child), str(workdir)])
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        process = subprocess.Popen(
            argv, cwd=workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            env=child_env(workdir, threads), start_new_session=True,
        )  # no preexec_fn: it is unsafe with the grader's threads; child.py sets its own limits
        try:
            returncode = process.wait(timeout=limits.wall_s + GRACE_S)
            killed = False
        except subprocess.TimeoutExpired:
            returncode, killed = -features.SIGKILL, True
        if isolation.level == "namespaces" and returncode > 128:
            returncode = -(returncode - 128)  # bubblewrap relays a child killed by signal s as 128 + s
        kill_group(process.pid)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    return returncode, killed


def _read_json(path: Path) -> dict | None:
    """A JSON object the child wrote, or None (missing, a link, too large, not an object)."""
    try:
        data = transport.read_regular(path, 2**20)
        value = json.loads(data.decode("utf-8", errors="replace"))
    except (OSError, ValueError, transport.TransportError):
        return None
    return value if isinstance(value, dict) else None


def _explain_death(returncode: int, output: str, limits: Limits) -> tuple[str, str]:
    if returncode < 0:
        sig = -returncode
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        if sig == getattr(signal, "SIGXCPU", None):
            return "timeout", f"used more than its CPU-time limit ({limits.effective_cpu_s} s)"
        if sig == getattr(signal, "SIGXFSZ", None):
            return "crash", f"wrote more than {limits.output_mb} MB (printing in a loop?)"
        if sig == features.SIGKILL:
            return "memory", memory_kill_message(limits)
        return "crash", f"crashed with signal {name} (segmentation fault, recursion, native code?)"
    if "MemoryError" in output or "Cannot allocate memory" in output:
        return "memory", memory_error_message(limits)
    if returncode >= 0xC0000000:  # a Windows exception status (0xC0000005: access violation)
        return "crash", f"crashed with Windows status {returncode:#x} (access violation, stack overflow, native code?)"
    return "crash", (f"ended the process (exit code {returncode}) before returning; do not call "
                     "sys.exit(), os._exit() or quit() in your code")


def _tail(path: Path) -> str:
    try:
        with transport.open_regular(path) as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - OUTPUT_TAIL))
            text = handle.read().decode("utf-8", errors="replace")
    except (OSError, transport.TransportError):
        return ""
    return ("…" if size > OUTPUT_TAIL else "") + text
