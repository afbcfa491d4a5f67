"""Entry point of a child: a supervisor that runs one probe in a grandchild and leaves nothing behind.

Run as `python -I child.py WORKDIR` (spawned), or entered through `main` in a process forked from a
fork server. WORKDIR holds request.json, the grader's inputs (in_arrays.npz, in_values.json) and
submission/ with copies of the student's files.

The process that enters `main` is the *supervisor*. It applies the rlimits, imports the probe (the
grader's code, before any privilege is dropped), makes itself a child subreaper and forks the
*probe process*, which drops to the sandbox user when asked, imports the student's files, runs the
probe and writes out_arrays.npz + out_values.json and, last of all, status.json. Whatever the probe
process starts, however it detaches (double fork, setsid, a new process group), is re-parented to
the supervisor, which kills all of it when the probe ends or its wall-clock limit passes, and then
writes supervisor.json. Nothing the student prints is parsed.

This is the Linux levels' child (namespaces, user, none): it needs fork, prctl and /proc, which
features.py checks before isolation.py picks one of those levels. The portable level's child is
spare.py; both run the probe itself through probe_process.py.
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback
from pathlib import Path

if __name__ == "__main__":  # spawned as a script: import the grader's packages, not this folder's files
    sys.path[0] = str(Path(__file__).resolve().parents[2])  # bootstrap: autograder.paths is not importable yet

from autograder.paths import REPO_ROOT  # noqa: E402
from autograder.sandbox import features  # noqa: E402
from autograder.sandbox.features import children_of_self, kill_group, prefer_oom_kill  # noqa: E402

SUPERVISOR_FILE = "supervisor.json"


def main(workdir: Path) -> int:
    """Supervise one probe in `workdir`; returns the supervisor's exit code (0 unless it broke)."""
    request = json.loads((workdir / "request.json").read_text(encoding="utf-8"))
    features.apply_rlimits(request["limits"])
    prefer_oom_kill(1000)
    features.become_subreaper()
    submission = workdir / "submission"
    # The student's folder first (only the expected file names were copied there), then the
    # grader's root so the probes import; this script's own folder is dropped.
    sys.path[0:1] = [str(submission), str(REPO_ROOT)]
    os.chdir(workdir)
    from autograder.sandbox import codec, student_code, transport  # noqa: F401  (before any privilege is dropped)
    from autograder.sandbox.probe import resolve

    probe = resolve(request["probe"])  # the grader's module, imported with the grader's rights
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            code = _probe_process(workdir, request, probe)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            # os._exit skips interpreter teardown: student objects' __del__ and atexit hooks cannot
            # run after the status was written, and leftover threads cannot keep the process alive.
            os._exit(code)
    status, timed_out = _wait(pid, float(request["wall_s"]))
    left_behind = sweep(pid)
    record = {"exit": status, "timed_out": timed_out, "killed_left_behind": left_behind}
    (workdir / "supervisor.tmp").write_text(json.dumps(record), encoding="utf-8")
    os.replace(workdir / "supervisor.tmp", workdir / SUPERVISOR_FILE)
    return 0


def _probe_process(workdir: Path, request: dict, probe) -> int:
    """In the grandchild: lose privileges, then run the probe on the student's files."""
    drop = request.get("drop_to")
    if drop:
        os.setgroups([])
        os.setresgid(drop[1], drop[1], drop[1])
        os.setresuid(drop[0], drop[0], drop[0])
    # After the drop, which clears the parent-death signal: supervisor gone, so are we; no setuid
    # program can give rights back; other children of this user cannot read our /proc entries.
    features.harden_probe_process()
    if request.get("max_processes"):
        import resource
        resource.setrlimit(resource.RLIMIT_NPROC, (request["max_processes"],) * 2)
    from autograder.sandbox.probe_process import run_and_record
    return run_and_record(workdir, request, probe)


def _wait(pid: int, wall_s: float) -> tuple[int, bool]:
    """Wait for the probe process: (exit code, or minus the signal; timed out). At the limit the
    probe process and its group are killed, whatever signals it ignores."""
    deadline = time.monotonic() + wall_s
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):  # Linux < 5.3: poll instead
        pidfd = None
    import select
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return (-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)), False
        left = deadline - time.monotonic()
        if left <= 0:
            kill_group(pid)
            os.waitpid(pid, 0)
            return -features.SIGKILL, True
        if pidfd is not None:
            select.select([pidfd], [], [], left)
        else:
            time.sleep(min(left, 0.01))


def sweep(probe_pid: int) -> int:
    """Kill every process left under this subreaper (they were re-parented here); returns how many."""
    killed = 0
    kill_group(probe_pid)
    for _ in range(10_000):  # each round kills the current children; theirs are re-parented here
        children = children_of_self()
        if not children:
            break
        for pid in children:
            try:
                os.kill(pid, features.SIGKILL)
                killed += 1
            except OSError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return killed


if __name__ == "__main__":
    try:
        code = main(Path(sys.argv[1]))
    except BaseException:  # a grader-side failure before any student code ran
        traceback.print_exc()
        code = 70
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
