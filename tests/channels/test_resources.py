"""--workers auto and --time-scale auto read the limits a container really sets: a child cgroup
with a CPU quota and a memory limit, made here as Gradescope's container would have it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from grading_helpers import REPO

sys.path.insert(0, str(REPO / "bench"))
from cgroup_limits import LimitedGroup  # noqa: E402

PROBE = ("import json; from autograder import resources as r; "
         "print(json.dumps({**r.describe(), 'jobs': r.auto_jobs()}))")


def _inside(cpus: float, memory_mb: int) -> dict:
    try:
        group = LimitedGroup(cpus, memory_mb).__enter__()
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a child cgroup here ({exc}); needs root and cgroups")
    try:
        out = subprocess.run(group.wrap([sys.executable, "-c", PROBE]), cwd=REPO, capture_output=True,
                             text=True, check=True).stdout
    finally:
        group.__exit__(None, None, None)
    return json.loads(out)


@pytest.mark.parametrize("cpus, memory_mb, workers, time_scale, jobs", [
    (0.5, 768, 1, 2.0, 1),     # Gradescope's default container: one check at a time, limits x2
    (1.0, 2048, 1, 1.0, 1),    # the container the README recommends
    (2.0, 3072, 1, 1.0, 1),    # two CPUs but memory for one training: one check at a time
    (2.0, 5120, 2, 1.0, 2),    # room for two trainings: they overlap, and two grades fit at once
])
def test_limits_come_from_the_cgroup(cpus, memory_mb, workers, time_scale, jobs):
    """Inside a cgroup of `cpus` and `memory_mb`, does the grader see those limits and size its
    workers, time scale and parallel grades from them (not from the host's cores and RAM)?"""
    if os.cpu_count() < cpus:
        pytest.skip(f"needs {cpus} CPUs")
    seen = _inside(cpus, memory_mb)
    assert seen["cpus"] == cpus and seen["memory_mb"] == memory_mb, seen
    assert (seen["workers"], seen["time_scale"], seen["jobs"]) == (workers, time_scale, jobs), seen
