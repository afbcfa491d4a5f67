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
from contextlib import nullcontext
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .catalogue import Check, Outcome, all_checks, select
from .feedback import failure_result, grader_error_result, missing_file_result
from .results import CheckResult, GradeReport
from .sandbox import Limits, ProbeFailure, ProbeRun, run_probe
from .sandbox.launcher import Launcher
from .sandbox.runner import child_env

@dataclass(frozen=True)
class GradeConfig:
    """How a grade is run. Defaults are the ones every score in the README was measured with."""

    workers: int = 2            # checks in flight at once; one core each on the 2-core course machine
    threads_per_probe: int = 1  # BLAS/torch threads in each child: fixed, so results are reproducible
    fork_server: bool = True    # fork probes from warm servers (saves ~2.5 s of torch import each)
    time_scale: float = 1.0     # multiplies every time limit (e.g. 3 on a slow Gradescope runner)
    seed: int = 0               # base seed; each check derives its own from it and its id
    isolation: str = "auto"     # what children may see: auto | namespaces | user | none (see sandbox/isolation.py)


class Context:
    """What a check may use: run probes on the submission, derive seeds, read its own limits."""

    def __init__(self, submission: Path, check: Check, config: GradeConfig, launcher: Launcher | None):
        self.submission = submission
        self.check = check
        self.config = config
        self.launcher = launcher
        self.probe_seconds = 0.0

    def seed(self, salt: str = "") -> int:
        """A seed fixed by the check's id, `salt` and the base seed (stable across runs)."""
        text = f"{self.config.seed}:{self.check.id}:{salt}".encode()
        return int.from_bytes(hashlib.sha256(text).digest()[:4], "little")

    def rng(self, salt: str = "") -> np.random.RandomState:
        return np.random.RandomState(self.seed(salt))

    def probe(self, name: str, inputs: dict[str, Any], limits: Limits,
              files: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Run probe `name` in a child; returns its outputs or raises ProbeFailure."""
        scaled = limits.scaled(wall_s=limits.wall_s * self.config.time_scale)
        run: ProbeRun = run_probe(self.submission, files or self.check.files, name, inputs, scaled,
                                  threads=self.config.threads_per_probe, launcher=self.launcher)
        self.probe_seconds += run.duration_s
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
    with _launcher(config) as launcher, ThreadPoolExecutor(max_workers=max(1, config.workers)) as pool:
        while pending or running:
            for chk in [c for c in pending if _ready(c, results, checks)]:
                if len(running) >= config.workers:
                    break
                pending.remove(chk)
                skip = _skip_reason(chk, results)
                if skip is not None:
                    results[chk.id] = skip
                    continue
                running[pool.submit(_run_check, submission, chk, config, launcher)] = chk
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


def _launcher(config: GradeConfig):
    if not config.fork_server:
        return nullcontext(None)
    with tempfile.TemporaryDirectory() as home:
        env = child_env(Path(home), config.threads_per_probe)
    return Launcher(env)


def _run_check(submission: Path, chk: Check, config: GradeConfig,
               launcher: Launcher | None) -> tuple[CheckResult, dict]:
    started = time.perf_counter()
    missing = [f for f in chk.files if not (submission / f).is_file() or (submission / f).is_symlink()]
    if missing:
        return missing_file_result(chk, missing, submission), {}
    ctx = Context(submission, chk, config, launcher)
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
    torch = sys.modules.get("torch")
    if torch is not None:
        versions["torch"] = torch.__version__
    return {"config": asdict(config), "versions": versions, "platform": platform.platform(),
            "graded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
