"""The grading engine: runs the catalogue against one submission and builds the GradeReport.

Checks run in a small thread pool (each check's heavy work happens in child processes, so threads
only wait). A check whose dependency ended in an error is skipped with the reason. Whatever a
check or the student's code does, every selected check ends up with exactly one CheckResult.
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import platform
import sys
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np

from .catalogue import Check, all_checks, select
from .course import COURSE
from .feedback import failure_result, grader_error_result, missing_file_result
from .oracles.service import ORACLE
from .outcome import Outcome
from .results import CheckResult, GradeReport
from .sandbox import Limits, ProbeFailure, ProbeRun, run_probe
from .sandbox.probe import Probe
from .sandbox.session import Session

In = TypeVar("In")
Out = TypeVar("Out")

@dataclass(frozen=True)
class GradeConfig:
    """How a grade is run. Defaults are the ones every score in the README was measured with."""

    workers: int = 2            # checks in flight at once; one core each on the 2-core course machine
    threads_per_probe: int = 1  # BLAS/torch threads in each child: fixed, so results are reproducible
    fork_server: bool = True    # fork probes from warm servers (saves ~2.5 s of torch import each)
    time_scale: float = COURSE.time_scale  # multiplies every time limit (course.py; e.g. 3 on a slow runner)
    seed: int = 0               # base seed; each check derives its own from it and its id
    isolation: str = "auto"     # what children may see: auto | namespaces | user | none | portable (sandbox/isolation.py)
    protected: tuple[str, ...] = ()  # more folders the sandbox user must not read (the results folder)


class Context:
    """What a check may use: run probes on the submission, derive seeds, read its own limits.

    The check's time_limit_s (times the time scale) is the wall time all its probes together may
    take: each probe gets what is left of it, capped by its own Limits.wall_s.
    """

    def __init__(self, submission: Path, check: Check, config: GradeConfig, session: Session,
                 warm_oracles: Callable[[], None] = lambda: None):
        self.submission = submission
        self.check = check
        self.config = config
        self.session = session
        self.warm_oracles = warm_oracles
        self.budget_s = check.time_limit_s * config.time_scale  # what the check's probes may still use

    def seed(self, salt: str = "") -> int:
        """A seed fixed by the check's id, `salt` and the base seed (stable across runs)."""
        text = f"{self.config.seed}:{self.check.id}:{salt}".encode()
        return int.from_bytes(hashlib.sha256(text).digest()[:4], "little")

    def rng(self, salt: str = "") -> np.random.RandomState:
        return np.random.RandomState(self.seed(salt))

    def probe(self, probe: Probe[In, Out], inputs: In, limits: Limits, files: tuple[str, ...] | None = None) -> Out:
        """Run `probe` (a reference: sandbox/probe.py) on its input message in a child, with copies
        of `files` (default: the check's); returns its output message or raises ProbeFailure. The
        child is of the kind autograder/course.py gives those files: "torch" for a question that
        needs torch."""
        left = self.budget_s
        if left <= 0:
            raise ProbeFailure("timeout", f"timed out: the check's {self.check.time_limit_s * self.config.time_scale:.0f} s "
                               "were used up before all its runs of your code were done")
        scaled = limits.scaled(wall_s=min(limits.wall_s * self.config.time_scale, left))
        files = files or self.check.files
        kind = COURSE.kind_of_files(files)
        if self.session.launcher is not None:
            self.session.launcher.ready(kind)  # a fork server's start-up is not the check's time
        started = time.monotonic()
        try:
            run: ProbeRun = run_probe(self.submission, files, probe, inputs, scaled,
                                      threads=self.config.threads_per_probe, launcher=self.session.launcher,
                                      isolation=self.session.isolation, work_root=self.session.work_root, kind=kind)
        finally:
            self.budget_s -= time.monotonic() - started
        self.warm_oracles()
        return run.outputs


def grade(submission: Path, only: list[str] | None = None, config: GradeConfig = GradeConfig(),
          session: Session | None = None) -> GradeReport:
    """Grade the submission folder; always returns a complete report for the selected checks.

    `session`: a sandbox session (session_for(config)) that several grades share, so that they
    share its warm processes (the harness's tests grade many mutants so); by default the grade has
    its own, closed at its end. A session never holds student code, only processes that fork or
    spawn the children that do."""
    started = time.perf_counter()
    checks = select(all_checks(), only)
    results: dict[str, CheckResult] = {}
    artifacts: dict[str, Any] = {}
    pending = list(checks)
    running: dict[Future, Check] = {}
    # Long checks, and the checks they wait for, first: the two trainings then overlap with each
    # other and with the quick checks instead of starting last.
    priority = {c.id: c.time_limit_s + sum(d.time_limit_s for d in checks if c.id in d.depends_on)
                for c in checks}
    pending.sort(key=lambda c: -priority[c.id])
    warm_oracles = _once(ORACLE.start)
    with contextlib.ExitStack() as stack:
        if session is None:
            session = stack.enter_context(session_for(config))
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=max(1, config.workers)))
        session.warm({"numpy", COURSE.kind_of_files({name for c in checks for name in c.files})})
        while pending or running:
            for chk in [c for c in pending if _ready(c, results, checks)]:
                if len(running) >= config.workers:
                    break
                if _server_starting(session, chk, running.values()):
                    continue  # one check waits for a server's start-up; the others take other work
                pending.remove(chk)
                session.expect({COURSE.kind_of_files(c.files) for c in pending})
                skip = _skip_reason(chk, results)
                if skip is not None:
                    results[chk.id] = skip
                    continue
                running[pool.submit(_run_check, submission, chk, config, session, warm_oracles)] = chk
            if not running:
                if pending and not any(_ready(c, results, checks) for c in pending):
                    raise RuntimeError("check dependencies form a cycle: "
                                       + ", ".join(c.id for c in pending))
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                chk = running.pop(future)
                result, check_artifacts = future.result()
                results[chk.id] = result
                if check_artifacts:
                    artifacts[chk.id] = check_artifacts
    ordered = [results[c.id] for c in checks]
    metadata = _metadata(config)
    metadata["isolation"] = session.describe()
    metadata["manual_points"] = {c.question: c.manual_points for c in checks if c.manual_points}
    return GradeReport(
        submission=str(submission), results=ordered, artifacts=artifacts,
        metadata=metadata, execution_time_s=round(time.perf_counter() - started, 2),
    )


def session_for(config: GradeConfig) -> Session:
    """The grade's sandbox session: its isolation level, and warm processes that preload the
    check-and-probe modules of autograder/course.py (numpy questions' in "numpy" processes)."""
    return Session(config.isolation, config.threads_per_probe, config.fork_server, config.protected,
                   COURSE.preloads())


def _server_starting(session: Session, chk: Check, running) -> bool:
    """Whether `chk` would wait for a warm process that is still starting, for which one of the
    `running` checks already waits (a second would hold its worker idle for seconds)."""
    kind = COURSE.kind_of_files(chk.files)
    return session.starting(kind) and any(COURSE.kind_of_files(other.files) == kind for other in running)


def _once(start: Callable[[], None]) -> Callable[[], None]:
    """`start`, called on the first call only (thread-safe). The engine starts the oracle process
    (oracles/service.py: torch runs there, never in this process) when a probe first returns a
    result: importing torch takes ~3.5 s, which the first check that compares a result would
    otherwise spend alone, after its probe; a submission whose probes all fail never starts torch."""
    done = threading.Event()
    lock = threading.Lock()

    def call() -> None:
        if not done.is_set():
            with lock:
                if not done.is_set():
                    done.set()
                    start()
    return call


def _ready(chk: Check, results: dict[str, CheckResult], selected: list[Check]) -> bool:
    selected_ids = {c.id for c in selected}
    return all(dep in results or dep not in selected_ids for dep in chk.depends_on)


def _skip_reason(chk: Check, results: dict[str, CheckResult]) -> CheckResult | None:
    for dep in chk.depends_on:
        prior = results.get(dep)
        if prior is not None and prior.status in ("error", "skipped", "grader_error"):
            return CheckResult(chk.id, chk.question, chk.title, chk.points, 0.0, "skipped",
                               f"skipped: depends on \"{prior.title}\", which did not run "
                               f"({prior.feedback})", visibility=chk.visibility)
    return None


def _run_check(submission: Path, chk: Check, config: GradeConfig, session: Session,
               warm_oracles: Callable[[], None]) -> tuple[CheckResult, dict]:
    started = time.perf_counter()
    missing = [f for f in chk.files if not (submission / f).is_file() or (submission / f).is_symlink()]
    if missing:
        return missing_file_result(chk, missing, submission), {}
    ctx = Context(submission, chk, config, session, warm_oracles)
    try:
        outcome: Outcome = chk.func(ctx)
    except ProbeFailure as failure:
        return failure_result(chk, failure, time.perf_counter() - started, submission), {}
    except Exception:
        return grader_error_result(chk, traceback.format_exc(), time.perf_counter() - started), {}
    fraction = float(outcome.fraction)
    fraction = min(max(fraction, 0.0), 1.0) if math.isfinite(fraction) else 0.0  # NaN pays nothing
    status = "passed" if fraction >= 1 - 1e-9 else ("failed" if fraction <= 0 else "partial")
    result = CheckResult(chk.id, chk.question, chk.title, chk.points, fraction * chk.points, status,
                         outcome.feedback, outcome.details, chk.visibility,
                         round(time.perf_counter() - started, 3), outcome.data, outcome.hint,
                         comparisons=list(outcome.comparisons), notes=list(outcome.notes))
    return result, outcome.artifacts


def _metadata(config: GradeConfig) -> dict[str, Any]:
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    versions.update(ORACLE.versions)  # torch's, when the oracle process ran
    return {"config": asdict(config), "versions": versions, "platform": platform.platform(),
            "graded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            # False unless the caller imported it: the oracles' torch runs in their own process.
            "torch_in_grading_process": "torch" in sys.modules}
