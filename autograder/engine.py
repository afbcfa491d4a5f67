"""The grading engine: runs the catalogue against one submission and builds the GradeReport.

Checks run in a small thread pool (each check's heavy work happens in child processes, so threads
only wait). A check whose dependency ended in an error is skipped with the reason. Whatever a
check or the student's code does, every selected check ends up with exactly one CheckResult.
"""
from __future__ import annotations

import hashlib
import platform
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .catalogue import Check, Outcome, all_checks, select
from .feedback import failure_result, grader_error_result, missing_file_result
from .oracles.service import ORACLE
from .results import CheckResult, GradeReport
from .sandbox import Limits, ProbeFailure, ProbeRun, isolation, run_probe
from .sandbox.features import posix_permissions
from .sandbox.launcher import launcher_for
from .sandbox.runner import child_env, remove_tree

@dataclass(frozen=True)
class GradeConfig:
    """How a grade is run. Defaults are the ones every score in the README was measured with."""

    workers: int = 2            # checks in flight at once; one core each on the 2-core course machine
    threads_per_probe: int = 1  # BLAS/torch threads in each child: fixed, so results are reproducible
    fork_server: bool = True    # fork probes from warm servers (saves ~2.5 s of torch import each)
    time_scale: float = 1.0     # multiplies every time limit (e.g. 3 on a slow Gradescope runner)
    seed: int = 0               # base seed; each check derives its own from it and its id
    isolation: str = "auto"     # what children may see: auto | namespaces | user | none | portable (sandbox/isolation.py)
    protected: tuple[str, ...] = ()  # more folders the sandbox user must not read (the results folder)


class Context:
    """What a check may use: run probes on the submission, derive seeds, read its own limits.

    The check's time_limit_s (times the time scale) is the wall time all its probes together may
    take: each probe gets what is left of it, capped by its own Limits.wall_s.
    """

    def __init__(self, submission: Path, check: Check, config: GradeConfig, sandbox: "Sandbox"):
        self.submission = submission
        self.check = check
        self.config = config
        self.sandbox = sandbox
        self.budget_s = check.time_limit_s * config.time_scale  # what the check's probes may still use

    def seed(self, salt: str = "") -> int:
        """A seed fixed by the check's id, `salt` and the base seed (stable across runs)."""
        text = f"{self.config.seed}:{self.check.id}:{salt}".encode()
        return int.from_bytes(hashlib.sha256(text).digest()[:4], "little")

    def rng(self, salt: str = "") -> np.random.RandomState:
        return np.random.RandomState(self.seed(salt))

    def probe(self, name: str, inputs: Any, limits: Limits, files: tuple[str, ...] | None = None) -> Any:
        """Run probe `name` on its input message in a child; returns its output message (see
        sandbox/exchange.py) or raises ProbeFailure."""
        left = self.budget_s
        if left <= 0:
            raise ProbeFailure("timeout", f"timed out: the check's {self.check.time_limit_s * self.config.time_scale:.0f} s "
                               "were used up before all its runs of your code were done")
        scaled = limits.scaled(wall_s=min(limits.wall_s * self.config.time_scale, left))
        if self.sandbox.launcher is not None:
            self.sandbox.launcher.ready(name)  # a fork server's start-up is not the check's time
        started = time.monotonic()
        try:
            run: ProbeRun = run_probe(self.submission, files or self.check.files, name, inputs, scaled,
                                      threads=self.config.threads_per_probe, launcher=self.sandbox.launcher,
                                      isolation=self.sandbox.isolation, work_root=self.sandbox.work_root)
        finally:
            self.budget_s -= time.monotonic() - started
        self.sandbox.warm_oracles()
        return run.outputs


def grade(submission: Path, only: list[str] | None = None,
          config: GradeConfig = GradeConfig()) -> GradeReport:
    """Grade the submission folder; always returns a complete report for the selected checks."""
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
    with Sandbox(config) as sandbox, ThreadPoolExecutor(max_workers=max(1, config.workers)) as pool:
        sandbox.warm_servers({name for c in checks for name in c.files})
        while pending or running:
            for chk in [c for c in pending if _ready(c, results, checks)]:
                if len(running) >= config.workers:
                    break
                if sandbox.server_starting(chk, running.values()):
                    continue  # one check waits for a server's start-up; the others take other work
                pending.remove(chk)
                sandbox.expect(pending)
                skip = _skip_reason(chk, results)
                if skip is not None:
                    results[chk.id] = skip
                    continue
                running[pool.submit(_run_check, submission, chk, config, sandbox)] = chk
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
    metadata["isolation"] = sandbox.describe()
    metadata["manual_points"] = {c.question: c.manual_points for c in checks if c.manual_points}
    return GradeReport(
        submission=str(submission), results=ordered, artifacts=artifacts,
        metadata=metadata, execution_time_s=round(time.perf_counter() - started, 2),
    )


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


class Sandbox:
    """Where one grade's children run: its isolation level, its work root and its fork servers.

    The work root holds every probe's working folder; it is not listable by the sandbox user
    (mode 0711, or 0311 when the grader is that user), so a child cannot find the folders of the
    others. At the "user" level the data, solution/ and results folders lose their "other"
    permissions first (isolation.protect).
    """

    def __init__(self, config: GradeConfig):
        self.isolation = isolation.resolve(config.isolation)
        self.protected = self._protect(config) if self.isolation.level == "user" else []
        self.work_root = Path(tempfile.mkdtemp(prefix="hlcv-grade-"))
        if posix_permissions():
            self.work_root.chmod(0o711 if self.isolation.uid is not None else 0o311)
        # The grader's own scratch folder (mode 0700, outside the work root that children see):
        # checks keep per-grade caches there, e.g. the CIFAR-10 split as memory-mapped files.
        self.private_dir = Path(tempfile.mkdtemp(prefix="hlcv-grader-"))
        env = child_env(self.work_root, config.threads_per_probe)
        self.launcher = launcher_for(env, self.isolation, self.work_root) if config.fork_server else None
        self._oracle_warmup = threading.Event()

    @staticmethod
    def _protect(config: GradeConfig) -> list[str]:
        from datasets.paths import cifar10_dir

        folders = [cifar10_dir(), isolation.REPO_ROOT / "solution", isolation.REPO_ROOT / "reports",
                   *(Path(p) for p in config.protected)]
        if not isolation.imports_from_grader_tree():
            folders.append(isolation.REPO_ROOT)  # children import nothing from it after the drop
        return isolation.protect(folders)

    def warm_servers(self, files: set[str]) -> None:
        """Start now, side by side, the fork servers that probes of these submission files use."""
        if self.launcher is not None:
            self.launcher.warm(files)

    def expect(self, pending: list[Check]) -> None:
        """Tell the launcher which kinds of process the checks not started yet will use (the
        portable level then starts no spare interpreter that nothing would take)."""
        if self.launcher is not None:
            self.launcher.expect({self.launcher.kind_of(c.files) for c in pending})

    def server_starting(self, chk: Check, running) -> bool:
        """Whether `chk` would wait for a fork server that is still starting, for which one of the
        `running` checks already waits (a second would hold its worker idle for seconds)."""
        if self.launcher is None or self.launcher.started(chk.files):
            return False
        kind = self.launcher.kind_of(chk.files)
        return any(self.launcher.kind_of(other.files) == kind for other in running)

    def warm_oracles(self) -> None:
        """Start the oracle process (oracles/service.py: torch runs there, never in this process)
        once: importing torch takes ~3.5 s, which the first check that compares a result would
        otherwise spend alone, after its probe. Called when a probe first returns a result: a
        submission whose probes all fail needs no oracle and does not start torch."""
        if not self._oracle_warmup.is_set():
            self._oracle_warmup.set()
            ORACLE.start()

    def describe(self) -> dict[str, Any]:
        described = self.isolation.describe()
        described["notes"] = described["notes"] + self.protected
        return described

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.launcher is not None:
                self.launcher.__exit__(*exc)
        finally:
            if posix_permissions():
                self.work_root.chmod(0o700)
            remove_tree(self.work_root)
            remove_tree(self.private_dir)


def _run_check(submission: Path, chk: Check, config: GradeConfig,
               sandbox: Sandbox) -> tuple[CheckResult, dict]:
    started = time.perf_counter()
    missing = [f for f in chk.files if not (submission / f).is_file() or (submission / f).is_symlink()]
    if missing:
        return missing_file_result(chk, missing, submission), {}
    ctx = Context(submission, chk, config, sandbox)
    try:
        outcome: Outcome = chk.func(ctx)
    except ProbeFailure as failure:
        return failure_result(chk, failure, time.perf_counter() - started, submission), {}
    except Exception:
        return grader_error_result(chk, traceback.format_exc(), time.perf_counter() - started), {}
    fraction = min(max(float(outcome.fraction), 0.0), 1.0)
    status = "passed" if fraction >= 1 - 1e-9 else ("failed" if fraction <= 0 else "partial")
    result = CheckResult(chk.id, chk.question, chk.title, chk.points, fraction * chk.points, status,
                         outcome.feedback, outcome.details, chk.visibility,
                         round(time.perf_counter() - started, 3), outcome.data, outcome.hint)
    return result, outcome.artifacts


def _metadata(config: GradeConfig) -> dict[str, Any]:
    versions = {"python": platform.python_version(), "numpy": np.__version__}
    versions.update(ORACLE.versions)  # torch's, when the oracle process ran
    return {"config": asdict(config), "versions": versions, "platform": platform.platform(),
            "graded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            # False unless the caller imported it: the oracles' torch runs in their own process.
            "torch_in_grading_process": "torch" in sys.modules}
