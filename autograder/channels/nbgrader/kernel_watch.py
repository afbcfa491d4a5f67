"""How long a `make autograde` kernel runs, and what is killed after it (kernel_sandbox.py starts it).

The launcher waits for the kernel to end, up to the notebook's wall-clock limit; passes nbgrader's
interrupts (SIGINT to the launcher's process group) on to the kernel's process group; stops when
nbgrader asks (SIGTERM, after a kernel that did not shut down in time) or dies; then kills
everything the kernel left behind:

- at the Linux levels the launcher is a child subreaper: whatever the kernel started and orphaned
  (a double fork, setsid) is re-parented to it and killed (sandbox/child.py's `sweep`). At
  "namespaces" the PID namespace already takes every process of the sandbox with the kernel;
- at the "portable" level (macOS, Windows; forced on Linux to test it) there is no subreaper: the
  grader's psutil sweep (sandbox/proctree.py) finds the kernel's processes by tree, session and
  an environment token, as it does for a probe.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psutil

from ...sandbox import features
from ...sandbox.child import sweep
from ...sandbox.isolation import Isolation
from ...sandbox.proctree import TOKEN_VAR, ProcessTree

PR_SET_PDEATHSIG = 1
LOOK_EVERY_S = 1.0   # the portable level's sweep remembers the kernel's descendants seen this often


class _Stop(Exception):
    """nbgrader asked the launcher to stop (SIGTERM): the kernel did not shut down in time."""


def die_with_nbgrader(level: Isolation) -> None:
    """Linux levels: make this launcher the subreaper of what the kernel orphans, and have it stop
    (SIGTERM: kill the sandbox, sweep) when nbgrader dies without shutting the kernel down."""
    if level.portable or not features.LINUX:
        return  # the kernel's wall-clock limit still holds
    features.become_subreaper()
    parent = os.getppid()
    features.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # nbgrader died before the line above
        os.kill(os.getpid(), signal.SIGTERM)


def supervise(command: list[str], cwd: Path, env: dict[str, str], wall_s: float, level: Isolation) -> dict:
    """Run the kernel to its end or its limit, then kill what it left; a record of how it ended."""
    started = time.monotonic()
    token = uuid.uuid4().hex
    process = subprocess.Popen(command, cwd=cwd, env={**env, TOKEN_VAR: token}, **features.new_session())
    tree = ProcessTree(process.pid, token) if level.portable else None

    def stop(signum, frame):
        raise _Stop()

    def interrupt(signum, frame):
        kernel = _kernel_pid(process.pid)
        if kernel is not None and hasattr(os, "killpg"):
            try:  # its group: the kernel, what it started in it, and (ignoring it) bubblewrap's pid 1
                os.killpg(os.getpgid(kernel), signal.SIGINT)
            except OSError:
                pass

    previous = signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, interrupt)
    timed_out, ended = False, "ended"
    try:
        deadline = started + wall_s
        while process.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out, ended = True, f"killed at the notebook's limit of {wall_s:g} s"
                break
            if tree is not None:
                tree.look()
            try:
                process.wait(timeout=min(left, LOOK_EVERY_S) if tree is not None else left)
            except subprocess.TimeoutExpired:
                pass
    except _Stop:
        ended = "stopped by nbgrader (slow to shut down when asked)"
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the sweep below must finish
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        left_behind = _kill_everything(process, tree)
        signal.signal(signal.SIGTERM, previous)
    return {"ended": ended, "timed_out": timed_out, "exit": process.returncode,
            "wall_s": round(time.monotonic() - started, 1), "killed_left_behind": left_behind}


def _kill_everything(process: subprocess.Popen, tree: ProcessTree | None) -> int:
    """Kill the kernel and all it started; returns how many processes a kernel that ended by
    itself had left running (a killed sandbox's own processes are not counted)."""
    ended_by_itself = process.poll() is not None
    if tree is not None:
        killed = tree.kill_all()
        process.wait()
        return killed if ended_by_itself else 0
    left_behind = len(_live_children()) if ended_by_itself else 0
    features.kill_group(process.pid)
    process.wait()
    sweep(process.pid)
    return left_behind


def _kernel_pid(root: int) -> int | None:
    """The kernel's pid on this side: the first process at or under `root` (bubblewrap, or the
    kernel itself) that runs `python -m ipykernel_launcher` (not bubblewrap or the shim, whose
    arguments hold that command), breadth first."""
    queue = [root]
    while queue:
        try:
            process = psutil.Process(queue.pop(0))
            if process.cmdline()[1:3] == ["-m", "ipykernel_launcher"]:
                return process.pid
            queue += [child.pid for child in process.children()]
        except psutil.Error:
            continue
    return None


def _live_children() -> list[int]:
    """This launcher's children that are not zombies (a sandbox's processes that died with it
    are re-parented here, dead)."""
    live = []
    for child in psutil.Process().children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                live.append(child.pid)
        except psutil.Error:
            pass
    return live
