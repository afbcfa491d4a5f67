"""What this machine (or container) really grants: CPUs and memory from the cgroup limits.

Gradescope's container and `docker run --cpus/--memory` limit a process through cgroups, while
`os.cpu_count()` and /proc/meminfo still show the whole host. The grader sizes its parallel checks
(`--workers auto`) and its time limits (`--time-scale auto`) from what is granted, so a 0.5 vCPU,
768 MB container runs one training at a time instead of being killed for memory.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")
# What a grade holds besides its running checks (the grading parent, the oracle process and the fork
# servers; torch is held by the last two only), and what one CIFAR-10 training child adds at its
# peak. Measured by bench/container_fit.py with the CUDA build of torch (its import is ~500 MB
# larger per process than the CPU build's), so they are generous for Gradescope's CPU build. A
# second worker is only added when the memory limit has room for a second training child.
PARENT_MB = 1550
PER_WORKER_MB = 1050
MAX_WORKERS = 2   # the engine has two long trainings; more workers buy nothing (see README)
UNLIMITED = 2**60


def cpu_limit() -> float:
    """CPUs granted: the cgroup quota (v2 cpu.max or v1 cfs_quota/period), else the affinity mask."""
    cpus = float(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else float(os.cpu_count() or 1)
    for group in _own_groups("cpu"):
        quota = _cpu_quota(group)
        if quota is not None:
            cpus = min(cpus, quota)
    return cpus


def memory_limit_mb() -> float:
    """Memory granted in MiB: the tightest cgroup limit on the way to the root, else the RAM."""
    limit = _meminfo_total()
    for group in _own_groups("memory"):
        for name in ("memory.max", "memory.limit_in_bytes"):
            value = _read_int(group / name)
            if value is not None and value < UNLIMITED:
                limit = min(limit, value)
    return limit / 2**20


def auto_workers() -> int:
    """Checks in flight: one per granted CPU (rounded up), as many as the memory limit holds."""
    by_cpu = max(1, math.ceil(cpu_limit() - 0.25))
    by_memory = max(1, int((memory_limit_mb() - PARENT_MB) // PER_WORKER_MB))
    return max(1, min(by_cpu, by_memory, MAX_WORKERS))


def auto_time_scale() -> float:
    """Time limits were set on one full core per check: stretch them when a check gets less."""
    share = cpu_limit() / auto_workers()
    return round(max(1.0, 1.0 / share), 2) if share > 0 else 1.0


def describe() -> dict:
    """The numbers behind the automatic choices, for results.json's extra_data."""
    return {"cpus": round(cpu_limit(), 2), "memory_mb": round(memory_limit_mb()),
            "workers": auto_workers(), "time_scale": auto_time_scale()}


def _own_groups(controller: str) -> list[Path]:
    """The cgroup folders this process is in for `controller`, and each of their ancestors."""
    try:
        lines = Path("/proc/self/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found: list[Path] = []
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # cgroup v2: one unified tree
            base = CGROUP if (CGROUP / "cgroup.controllers").exists() else CGROUP / "unified"
        elif controller in controllers.split(","):
            base = CGROUP / controllers
            if not base.exists():
                base = CGROUP / controller
        else:
            continue
        node = base / path.lstrip("/")
        while True:
            found.append(node)
            if node == base:
                break
            node = node.parent
    return found


def _cpu_quota(group: Path) -> float | None:
    text = _read(group / "cpu.max")
    if text:
        quota, _, period = text.partition(" ")
        if quota != "max" and period:
            return int(quota) / int(period)
        return None
    quota, period = _read_int(group / "cpu.cfs_quota_us"), _read_int(group / "cpu.cfs_period_us")
    if quota is not None and period and quota > 0:
        return quota / period
    return None


def _meminfo_total() -> int:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:  # macOS, Windows: no /proc
        try:
            import psutil
            return int(psutil.virtual_memory().total)
        except Exception:
            pass
    return UNLIMITED


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _read_int(path: Path) -> int | None:
    text = _read(path)
    try:
        return int(text)
    except ValueError:
        return None


# One whole grade (`--workers 1`): the grading parent, its fork servers and one training child at
# their peak, 2270 MB PSS (1870 MB charged to the cgroup) in bench/container_fit.py at 1 vCPU / 2 GB.
PER_GRADE_MB = 2300


def auto_jobs() -> int:
    """Whole grades at once for a class: one per granted CPU, as many as the memory holds."""
    by_cpu = max(1, math.ceil(cpu_limit() - 0.25))
    by_memory = max(1, int(memory_limit_mb() // PER_GRADE_MB))
    return max(1, min(by_cpu, by_memory))
