"""A real CPU and memory limit for a command, the way a container gets one: a child cgroup.

Needs root and cgroup v1 (memory, cpu, cpuacct controllers mounted under /sys/fs/cgroup/) or v2.
The group is made below the cgroups this process is already in, so the host's own accounting
still sees what runs inside, and it is removed afterwards.
"""
from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CGROUP = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


@dataclass
class Usage:
    peak_mb: float      # the cgroup's own peak (v1 max_usage / v2 memory.peak): RSS + page cache
    cpu_s: float        # CPU-seconds of every process that ran in the group
    oom_kills: int      # processes the kernel killed for the memory limit


class LimitedGroup:
    """`with LimitedGroup(cpus=1, memory_mb=1536) as group:` then `group.wrap(command)`."""

    def __init__(self, cpus: float, memory_mb: int):
        self.cpus, self.memory_mb = cpus, memory_mb
        self.name = f"hlcv-bench-{os.getpid()}-{int(time.time() * 1000) % 10**6}"
        self.v2 = (CGROUP / "cgroup.controllers").exists()
        self.dirs: dict[str, Path] = {}

    def __enter__(self) -> "LimitedGroup":
        if os.geteuid() != 0:
            raise PermissionError("cgroup limits need root; run the bench as root (as on Gradescope)")
        for controller in (("unified",) if self.v2 else ("memory", "cpu", "cpuacct")):
            folder = _own_group(controller) / self.name
            folder.mkdir()
            self.dirs[controller] = folder
        limit = self.memory_mb * 2**20
        quota = int(self.cpus * PERIOD_US)
        if self.v2:
            group = self.dirs["unified"]
            (group / "memory.max").write_text(str(limit))
            (group / "memory.swap.max").write_text("0")
            (group / "cpu.max").write_text(f"{quota} {PERIOD_US}")
        else:
            (self.dirs["memory"] / "memory.limit_in_bytes").write_text(str(limit))
            swap = self.dirs["memory"] / "memory.memsw.limit_in_bytes"
            if swap.exists():  # no swap, as in Gradescope's container
                swap.write_text(str(limit))
            (self.dirs["cpu"] / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (self.dirs["cpu"] / "cpu.cfs_quota_us").write_text(str(quota))
        return self

    def wrap(self, command: list[str]) -> list[str]:
        """`command`, entering the group first (the shell moves itself in, then execs)."""
        joins = "; ".join(f"echo $$ > {d / 'cgroup.procs'}" for d in self.dirs.values())
        return ["sh", "-c", f'{joins}; exec "$@"', "sh", *command]

    def usage(self) -> Usage:
        if self.v2:
            group = self.dirs["unified"]
            peak = _int(group / "memory.peak")
            cpu_s = _field(group / "cpu.stat", "usage_usec") / 1e6
            kills = _field(group / "memory.events", "oom_kill")
        else:
            peak = _int(self.dirs["memory"] / "memory.max_usage_in_bytes")
            cpu_s = _int(self.dirs["cpuacct"] / "cpuacct.usage") / 1e9
            kills = _field(self.dirs["memory"] / "memory.oom_control", "oom_kill")
        return Usage(peak / 2**20, cpu_s, kills)

    def __exit__(self, *exc) -> None:
        for folder in self.dirs.values():
            for _ in range(300):  # the last processes (orphaned fork servers) may still be exiting
                try:
                    folder.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                print(f"warning: could not remove {folder} (processes still in it); rmdir it later",
                      file=sys.stderr)


def _own_group(controller: str) -> Path:
    """The cgroup folder this process is in for `controller`."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if (controller == "unified" and controllers == "") or controller in controllers.split(","):
            base = CGROUP if controller == "unified" else CGROUP / (controllers or controller)
            if not base.exists():
                base = CGROUP / controller
            return base / path.lstrip("/")
    raise FileNotFoundError(f"no {controller} cgroup for this process")


def _int(path: Path) -> int:
    return int(path.read_text().strip())


def _field(path: Path, name: str) -> int:
    match = re.search(rf"^{name} (\d+)$", path.read_text(), flags=re.M)
    return int(match.group(1)) if match else 0
