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
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
GRADER_ROOT = Path(__file__).resolve().parents[2]
SUPERVISOR_FILE = "supervisor.json"


def main(workdir: Path) -> int:
    """Supervise one probe in `workdir`; returns the supervisor's exit code (0 unless it broke)."""
    request = json.loads((workdir / "request.json").read_text())
    _apply_limits(request["limits"])
    prefer_oom_kill(1000)
    prctl_subreaper()
    submission = workdir / "submission"
    # The student's folder first (only the expected file names were copied there), then the
    # grader's root so the probes import; this script's own folder is dropped.
    sys.path[0:1] = [str(submission), str(GRADER_ROOT)]
    os.chdir(workdir)
    from autograder.sandbox import exchange, probes, transport  # noqa: F401  (before any privilege is dropped)

    probe = probes.resolve(request["probe"])  # the grader's module, imported with the grader's rights
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
    (workdir / "supervisor.tmp").write_text(json.dumps(record))
    os.replace(workdir / "supervisor.tmp", workdir / SUPERVISOR_FILE)
    return 0


def _probe_process(workdir: Path, request: dict, probe) -> int:
    """In the grandchild: lose privileges, then run the probe on the student's files."""
    drop = request.get("drop_to")
    if drop:
        os.setgroups([])
        os.setresgid(drop[1], drop[1], drop[1])
        os.setresuid(drop[0], drop[0], drop[0])
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # after the drop, which clears it: supervisor gone, so are we
    if request.get("max_processes"):
        import resource
        resource.setrlimit(resource.RLIMIT_NPROC, (request["max_processes"],) * 2)
    _prctl(PR_SET_NO_NEW_PRIVS, 1)  # no setuid program can give rights back
    _prctl(PR_SET_DUMPABLE, 0)      # other children of this user cannot read our /proc entries
    from autograder.sandbox import exchange, transport
    from autograder.sandbox.probes import StudentFailure, Submission, describe_exception

    submission = workdir / "submission"
    input_type, output_type = exchange.PROBES[request["probe"]]
    started = time.perf_counter()
    try:
        inputs = exchange.decode(input_type, transport.read(workdir, "in_", map_large=True))
        outputs = probe(inputs, Submission(submission))
        if type(outputs) is not output_type:  # a grader bug: the probe broke its own contract
            raise TypeError(f"probe {request['probe']} returned {type(outputs).__name__}")
        transport.write(workdir, exchange.encode(outputs), "out_")
        status = {"status": "ok"}
    except StudentFailure as failure:
        status = failure.as_status()
    except NotImplementedError as exc:
        status = {"status": "not_implemented", **describe_exception(exc, submission)}
    except BaseException as exc:  # SystemExit, KeyboardInterrupt, pytest's Skipped: all cost the probe
        status = {"status": "exception", **describe_exception(exc, submission)}
    status["duration_s"] = time.perf_counter() - started
    (workdir / "status.tmp").write_text(json.dumps(status, default=str))
    os.replace(workdir / "status.tmp", workdir / "status.json")
    return 0


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
            return -signal.SIGKILL, True
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
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return killed


def kill_group(pid: int) -> None:
    """SIGKILL the process group that `pid` leads, and `pid` itself (it may have left the group)."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass


def prefer_oom_kill(score: int) -> None:
    """Offer this process (and what it starts) to the kernel's out-of-memory killer before the
    grader: in a container at its memory limit, a check's child dies, not the whole grade."""
    try:
        Path("/proc/self/oom_score_adj").write_text(str(score))
    except OSError:
        pass


def prctl_subreaper() -> None:
    """Make this process the child subreaper of everything it starts (orphans come back here)."""
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def children_of_self() -> list[int]:
    """The pids of this process's children."""
    me = os.getpid()
    try:
        text = Path(f"/proc/{me}/task/{me}/children").read_text()
        return [int(p) for p in text.split()]
    except OSError:  # a kernel without CONFIG_PROC_CHILDREN: scan /proc
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                    found.append(int(entry))
        return found


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}, {value}) failed")


def _apply_limits(limits: dict) -> None:
    """Lower this process's rlimits before any other import (see autograder/sandbox/limits.py);
    the probe process and everything it starts inherit them."""
    import resource

    mib = 2**20
    for name, value in ((resource.RLIMIT_CPU, limits["cpu_s"]), (resource.RLIMIT_DATA, limits["memory_mb"] * mib),
                        (resource.RLIMIT_FSIZE, limits["output_mb"] * mib), (resource.RLIMIT_CORE, 0),
                        (resource.RLIMIT_NOFILE, limits["open_files"])):
        resource.setrlimit(name, (value, value))


if __name__ == "__main__":
    try:
        code = main(Path(sys.argv[1]))
    except BaseException:  # a grader-side failure before any student code ran
        traceback.print_exc()
        code = 70
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
