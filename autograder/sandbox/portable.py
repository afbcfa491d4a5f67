"""The portable level, parent side: spare interpreters, a watchdog, and a sweep of what is left.

Where Linux's features are missing (macOS, Windows; see features.py) there is no fork server and
no subreaper. Each probe runs in a freshly spawned interpreter (spare.py) that serves that one
probe and exits. Importing torch takes seconds, so `SparePool` keeps one spare per kind started
ahead ("numpy", "torch"): it has imported the libraries and the grader's probe modules, no student
code, and waits for its request; taking it starts the next one. Its start-up is not charged to
any check, as a fork server's is not.

While the probe runs, the grader itself watches it (`watch`): the wall clock; the resident memory
of its process tree, its output files and its number of processes, which the OS's rlimits bound
on Linux but not on macOS or Windows. At the end, or at any limit, `ProcessTree.kill_all`
(psutil) kills the probe and everything it started; on Windows a Job Object does the same.
The probe's results are read back by the runner exactly as at the other levels.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from . import features
from .kinds import kind_of_files, kind_of_probe
from .limits import Limits
from .proctree import TOKEN_VAR, ProcessTree

SPARE = Path(__file__).with_name("spare.py")
START_TIMEOUT_S = 120.0     # importing torch on a loaded 2-core machine has taken ~7 s
MAX_PROCESSES = 64          # processes a probe may have at once (it needs one): more is a fork bomb
MEMORY_SLACK_MB = 1024      # resident memory counts shared libraries, which RLIMIT_DATA does not
POLL_S = (0.02, 0.05, 0.1, 0.2)  # the watchdog looks often at first (most probes end in < 0.1 s)
# Spares kept started ahead per kind. A numpy probe often ends in less time (~0.05 s) than a numpy
# interpreter takes to start (~0.2 s): two ahead start side by side and keep the next one ready.
SPARES_AHEAD = {"numpy": 2, "torch": 1}
STDERR_TAIL = 2000


@dataclass(frozen=True)
class Ending:
    """How a probe's process ended: its exit code (or minus the signal), whether the wall clock ran
    out, which other limit the watchdog enforced ("memory", "output", "processes"), and how many
    processes were killed after it."""

    status: int
    timed_out: bool
    limit: str | None = None
    left_behind: int = 0


class Spare:
    """One spawned interpreter of a kind, preloading; serves one probe."""

    def __init__(self, kind: str, env: dict[str, str], work_root: Path):
        self.kind = kind
        self.token = uuid.uuid4().hex
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(SPARE), kind], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._stderr, cwd=work_root, env={**env, TOKEN_VAR: self.token}, **features.new_session())
        self.job = _job_for(self.process)
        self._ready = threading.Event()
        self._settled = threading.Event()
        threading.Thread(target=self._await_ready, daemon=True, name=f"spare-{kind}").start()

    def _await_ready(self) -> None:
        try:
            if self.process.stdout.readline() == b"ready\n":
                self._ready.set()
        except (OSError, ValueError):
            pass
        finally:
            self._settled.set()

    def settled(self) -> bool:
        """Whether start-up is over, either way (ready, or dead)."""
        return self._settled.is_set()

    def wait_ready(self) -> bool:
        """Wait for the imports; False if the interpreter died or never came up."""
        self._settled.wait(START_TIMEOUT_S)
        return self._ready.is_set()

    def serve(self, workdir: Path, limits: Limits) -> Ending:
        """Hand the probe in `workdir` over and watch it to its end; nothing of it is left after."""
        if self.job is not None:
            self.job.limit(memory_bytes=limits.memory_mb * 2**20, max_processes=MAX_PROCESSES)
        tree = ProcessTree(self.process.pid, self.token)
        try:
            self.process.stdin.write(f"{workdir}\n".encode("utf-8"))
            self.process.stdin.close()
        except OSError:  # it died after announcing readiness: treated as the probe's death below
            pass
        try:
            return watch(self.process, tree, workdir, limits, self.job)
        finally:
            self._stderr.close()

    def failure(self) -> str:
        """The end of what the interpreter wrote on stderr (for the staff, when it failed to start)."""
        try:
            self._stderr.seek(0)
            return self._stderr.read().decode("utf-8", "replace")[-STDERR_TAIL:]
        except (OSError, ValueError):
            return ""

    def discard(self) -> None:
        """Stop an interpreter that never served (the grade is over, or it broke)."""
        ProcessTree(self.process.pid, self.token).kill_all()
        _close(self.process, self.job)
        self._stderr.close()


def watch(process: subprocess.Popen, tree: ProcessTree, workdir: Path, limits: Limits, job=None) -> Ending:
    """Wait for the probe's process while enforcing its limits, then kill all that is left of it."""
    deadline = time.monotonic() + limits.wall_s
    timed_out, limit, looks = False, None, 0
    while True:
        left = deadline - time.monotonic()
        try:
            process.wait(timeout=max(0.0, min(POLL_S[min(looks, len(POLL_S) - 1)], left)))
            break
        except subprocess.TimeoutExpired:
            looks += 1
        if time.monotonic() >= deadline:
            timed_out = True
            break
        limit = over_limit(tree, workdir, limits)
        if limit is not None:
            break
    left_behind = tree.kill_all()
    status = _close(process, job)
    return Ending(status, timed_out, limit, left_behind)


def over_limit(tree: ProcessTree, workdir: Path, limits: Limits) -> str | None:
    """The limit the probe's processes are over now, if any: "processes", "output" or "memory"."""
    if len(tree.look()) > MAX_PROCESSES:
        return "processes"
    written = 0
    for name in ("stdout.txt", "stderr.txt"):
        try:
            written += (workdir / name).stat().st_size
        except OSError:
            pass
    if written > limits.output_mb * 2**20:
        return "output"
    if tree.memory_mb() > limits.memory_mb + MEMORY_SLACK_MB:
        return "memory"
    return None


def _job_for(process: subprocess.Popen):
    """Windows: a Job Object holding the process (and so everything it starts). None elsewhere."""
    if not features.WINDOWS:
        return None
    from .winjob import JobObject
    job = JobObject()
    job.assign(int(process._handle))  # type: ignore[attr-defined]
    return job


def _close(process: subprocess.Popen, job) -> int:
    """Reap the process (killed already, or killed now) and close its job; its exit status."""
    if job is not None:
        job.close()
    if process.poll() is None:
        features.kill_group(process.pid)
    try:
        status = process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        status = -features.SIGKILL
    for stream in (process.stdin, process.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    return status


class SparePool:
    """The portable level's launcher (the interface of launcher.Launcher): one spare per kind
    started ahead. `ready(probe)` takes a ready spare for the calling thread, outside the check's
    time; `run` hands it the probe."""

    def __init__(self, env: dict[str, str], work_root: Path, prestart: bool = True):
        self._env = env
        self._work_root = work_root
        self._prestart = prestart
        self._next: dict[str, list[Spare]] = {}  # started ahead, oldest first
        self._taken = threading.local()   # the spare each thread took in ready(), by kind
        self._reserved: set[Spare] = set()  # taken and not yet run: discarded at the end
        self._expected: set[str] | None = None  # kinds later checks will use (None: unknown, all)
        self._lock = threading.Lock()
        self._closed = False

    kind_of = staticmethod(kind_of_files)

    def warm(self, files) -> None:
        """Start now, side by side, the spares that probes of these submission files will use."""
        if self._prestart:
            with self._lock:
                for kind in {"numpy", self.kind_of(files)}:
                    self._top_up(kind)

    def started(self, files) -> bool:
        with self._lock:
            waiting = self._next.get(self.kind_of(files), [])
        return not waiting or waiting[0].settled()

    def _top_up(self, kind: str) -> None:
        """Start spares of `kind` until SPARES_AHEAD wait (the caller holds the lock)."""
        waiting = self._next.setdefault(kind, [])
        while len(waiting) < SPARES_AHEAD[kind]:
            waiting.append(Spare(kind, self._env, self._work_root))

    def expect(self, kinds: set[str]) -> None:
        """The kinds of probe that checks not started yet will use: a spare is started ahead only
        for these (the last one of a kind would otherwise import torch for nothing)."""
        with self._lock:
            self._expected = set(kinds)

    def _take(self, kind: str) -> Spare:
        with self._lock:
            waiting = self._next.get(kind, [])
            spare = waiting.pop(0) if waiting else Spare(kind, self._env, self._work_root)
            wanted = self._expected is None or kind in self._expected
            if self._prestart and wanted and not self._closed:
                self._top_up(kind)  # the next probes'
        return spare

    def ready(self, probe: str) -> bool:
        """Take a spare for this probe (started ahead, or now) and wait for its imports. False when
        it could not start (run() then tries a fresh one)."""
        kind = kind_of_probe(probe)
        spare = getattr(self._taken, kind, None)
        if spare is None:
            spare = self._take(kind)
            setattr(self._taken, kind, spare)
            with self._lock:
                self._reserved.add(spare)
        return spare.wait_ready()

    def run(self, probe: str, workdir: Path, limits: Limits) -> Ending:
        """Run the probe whose request is in `workdir` in this thread's spare; raises RuntimeError
        when no interpreter of its kind can start (a broken installation: the grader's error)."""
        kind = kind_of_probe(probe)
        self.ready(probe)
        spare = getattr(self._taken, kind)
        setattr(self._taken, kind, None)
        with self._lock:
            self._reserved.discard(spare)
        if not spare.wait_ready():
            spare.discard()
            spare = Spare(kind, self._env, self._work_root)
            if not spare.wait_ready():
                why = spare.failure()
                spare.discard()
                raise RuntimeError(f"a {kind} interpreter could not start for probe {probe}:\n{why}")
        return spare.serve(workdir, limits)

    def __enter__(self) -> "SparePool":
        return self

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._closed = True
            spares = [*(s for waiting in self._next.values() for s in waiting), *self._reserved]
            self._next = {}
            self._reserved = set()
        for spare in spares:
            spare.discard()
