"""Where a class is graded: a Dask cluster, embedded in this process or already running elsewhere.

dask.distributed is here because universities already operate it (on Slurm, PBS, LSF through
dask-jobqueue, on Kubernetes through dask-kubernetes, or as plain `dask scheduler` / `dask worker`
processes): a course that outgrows one machine points grade-all at that cluster instead of at a
home-made one. With no address, an embedded `LocalCluster` of worker processes on this machine
does the same work, sized like `--jobs` (one grade at a time per worker).

Each student's grade is one task (`task.grade_submission`). A worker that dies mid-grade takes
its task with it, and the scheduler runs the task again on another worker (up to Dask's
`distributed.scheduler.allowed-failures`, 3 by default; past that the student's row says
`grader_error`).
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator

ADDRESS_VARIABLE = "DASK_SCHEDULER_ADDRESS"  # Dask's own variable, honoured when --scheduler is not given
# Dask's own housekeeping, slowed for the embedded cluster (its workers inherit the setting): by
# default every worker samples its threads' stacks every 10 ms for Dask's profiler and each process
# checks its event loop every 20 ms, its system use every 0.5 s and its memory every 0.1 s. Idle, two
# workers so used 2.6 CPU-seconds in 30 s against 0.3 with these settings (dask 2026.8), and the
# grades compete for the same two cores. A task here only waits for one grader process.
QUIET = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
         "distributed.admin.system-monitor.interval": "5s", "distributed.worker.memory.monitor-interval": "5s"}


class ClusterUnavailable(RuntimeError):
    """The scheduler named by --scheduler (or DASK_SCHEDULER_ADDRESS) cannot be reached."""


def scheduler_address(given: str = "") -> str:
    """The address to use: --scheduler, else DASK_SCHEDULER_ADDRESS, else "" (embedded cluster)."""
    return given or os.environ.get(ADDRESS_VARIABLE, "")


@contextlib.contextmanager
def connect(address: str, jobs: int) -> Iterator:
    """A dask.distributed Client: to the scheduler at `address`, or to an embedded LocalCluster of
    `jobs` single-threaded worker processes when `address` is "". Closed on exit (an embedded
    cluster with it; an existing cluster is left running)."""
    import dask
    from dask.distributed import Client, LocalCluster

    if address:
        try:
            client = Client(address)  # waits up to Dask's distributed.comm.timeouts.connect (30 s)
        except (OSError, ValueError) as exc:  # nothing listens there, or not an address
            raise ClusterUnavailable(
                f"no Dask scheduler answered at {address} ({exc}); "
                f"start one with `dask scheduler` and workers with `python -m dask worker {address}` in a "
                "checkout of this repository (README, 'Grading a whole class'), or leave "
                f"--scheduler and {ADDRESS_VARIABLE} unset to grade on this machine") from None
        with client:
            yield client
        return
    # One thread per worker: each task waits for one grader process, which is what uses a CPU.
    # No memory limit: a worker process itself stays small (the grades run in processes of their
    # own), and Dask would otherwise pause or restart a worker at a fraction of the machine's memory.
    # Workers forked, not spawned, on Linux: 0.3 s to start two instead of ~2 s of fresh interpreters
    # (this process holds no lock a worker could inherit: it has only staged files so far).
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    with dask.config.set({"distributed.worker.multiprocessing-method": method, **QUIET}):
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                               memory_limit=0, dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        yield client


def describe(client) -> str:
    """"2 workers, 2 threads at tcp://..." for the first line of a run."""
    try:
        info = client.scheduler_info(n_workers=-1)  # every worker (older releases listed 5 at most)
    except TypeError:  # a release without the argument
        info = client.scheduler_info()
    workers = info.get("workers", {})
    threads = sum(w.get("nthreads", 0) for w in workers.values())
    return f"{len(workers)} worker(s), {threads} grade(s) at once, scheduler {info.get('address', '?')}"


def grade_each(client, requests: dict) -> Iterator[tuple[str, dict]]:
    """Submit one task per request {key: (files, GradeOptions)} and yield (key, outcome) as each
    grade finishes.

    An outcome is task.grade_submission's dict; a task that could not finish (its workers kept
    dying, or the task itself broke) yields a "grader_error" outcome naming why, so every key is
    yielded exactly once, whatever happened on the cluster.
    """
    from dask.distributed import as_completed

    from .task import grade_submission

    run = os.urandom(4).hex()  # a scheduler that outlives this run never confuses its keys with ours
    futures = {client.submit(grade_submission, files, options, key=f"grade-{key}-{run}", pure=False): key
               for key, (files, options) in requests.items()}
    for future in as_completed(futures):
        try:
            outcome = future.result()
        except Exception as exc:  # KilledWorker after repeated deaths, a lost scheduler, a task bug
            outcome = {"status": "grader_error", "results": None, "model": None, "report": {},
                       "seconds": 0.0, "worker": "", "log": f"the grading task failed: {type(exc).__name__}: {exc}"}
        future.release()
        yield futures[future], outcome
