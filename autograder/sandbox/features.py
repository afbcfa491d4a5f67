"""What this operating system offers the sandbox: the one place that knows Linux, macOS and Windows.

Every call that exists on one platform only sits here, behind a check for the feature, so that the
rest of the sandbox imports and runs on every OS a student's laptop has:

- Linux's prctl (child subreaper, parent-death signal, no new privileges, not dumpable) and /proc:
  the supervisor of the "namespaces", "user" and "none" levels (child.py) needs them;
- os.fork, which is safe only on Linux once numpy or torch is imported (macOS's system libraries
  are not fork-safe, which is why Python spawns there by default; Windows has no fork at all);
- POSIX sessions, process groups, signals and rlimits (the `resource` module);
- on Windows, the Popen flags of a new process group and the environment a process cannot start
  without (SYSTEMROOT).

`linux_supervisor_problem()` says why the Linux levels cannot run here (None when they can); the
grader then uses the "portable" level (see isolation.py), which needs none of the above.
"""
from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
from pathlib import Path

LINUX = sys.platform.startswith("linux")
WINDOWS = os.name == "nt"
POSIX = os.name == "posix"
SIGKILL = getattr(signal, "SIGKILL", 9)
# os.open flags that not every OS has: 0 where absent. O_BINARY matters on Windows, where a
# descriptor opened without it translates line endings.
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
O_BINARY = getattr(os, "O_BINARY", 0)
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
PR_GET_CHILD_SUBREAPER = 37
# Environment variables a Windows process needs to start at all (Python's own start-up and its
# socket and random modules read them); the child's environment is otherwise built from scratch.
WINDOWS_ESSENTIAL_ENV = ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP")


@functools.lru_cache(maxsize=None)
def linux_supervisor_problem() -> str | None:
    """None when the Linux supervisor (subreaper, prctl, fork) works here, else why not."""
    if not LINUX:
        return f"this is {sys.platform}, not Linux (no prctl, and forking a process that imported numpy is unsafe)"
    if not hasattr(os, "fork"):
        return "os.fork is not available"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl_call = libc.prctl
    except (OSError, AttributeError):
        return "the C library has no prctl"
    value = ctypes.c_int(0)
    if prctl_call(PR_GET_CHILD_SUBREAPER, ctypes.byref(value), 0, 0, 0) != 0:
        return f"prctl is refused here (errno {ctypes.get_errno()})"
    if not Path("/proc/self/stat").exists():
        return "/proc is not mounted"
    return None


def prctl(option: int, value: int) -> None:
    """Linux only: call prctl(2); raises OSError when it fails."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}, {value}) failed")


def become_subreaper() -> None:
    """Linux only: orphans of everything this process starts are re-parented to it."""
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def harden_probe_process() -> None:
    """Linux only, in the probe process after any privilege drop: die with the supervisor, never
    regain privileges through a setuid program, keep /proc entries from other same-user processes."""
    prctl(PR_SET_PDEATHSIG, SIGKILL)
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_DUMPABLE, 0)


def prefer_oom_kill(score: int) -> None:
    """Linux: offer this process to the kernel's out-of-memory killer before the grader (so that a
    check's child dies at a container's memory limit, not the whole grade). Elsewhere nothing."""
    try:
        Path("/proc/self/oom_score_adj").write_text(str(score), encoding="ascii")
    except OSError:
        pass


def children_of_self() -> list[int]:
    """Linux: the pids of this process's children, from /proc."""
    me = os.getpid()
    try:
        text = Path(f"/proc/{me}/task/{me}/children").read_text(encoding="ascii")
        return [int(p) for p in text.split()]
    except OSError:  # a kernel without CONFIG_PROC_CHILDREN: scan /proc
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                    found.append(int(entry))
        return found


def is_root() -> bool:
    """Whether the grader runs as root (POSIX); never on Windows."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def kill_group(pid: int) -> None:
    """Kill the process group that `pid` leads and `pid` itself (POSIX), or the process (Windows)."""
    if POSIX:
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, SIGKILL)
            except OSError:
                pass
        return
    try:
        import psutil
        psutil.Process(pid).kill()
    except Exception:  # gone already, or not ours
        pass


def new_session() -> dict:
    """Popen arguments that start a process detached from the grader's terminal and signals: its
    own session on POSIX, its own process group (and no console window) on Windows."""
    if POSIX:
        return {"start_new_session": True}
    flags = getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0x200) | getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)
    return {"creationflags": flags}


def platform_env(environ=os.environ) -> dict[str, str]:
    """What a child's scrubbed environment must keep on this OS to start: nothing on POSIX; on
    Windows, the variables of WINDOWS_ESSENTIAL_ENV that are set."""
    if not WINDOWS:
        return {}
    return {name: environ[name] for name in WINDOWS_ESSENTIAL_ENV if name in environ}


def apply_rlimits(limits: dict, cpu_already_s: float = 0.0) -> list[str]:
    """Lower this process's rlimits where the OS has them (never on Windows); returns the names set.

    `limits` is Limits.as_dict(). `cpu_already_s` is CPU time this process used before student
    code (a pre-started interpreter's imports): RLIMIT_CPU counts from the process's start.
    A limit the OS refuses (macOS refuses some below current use) is skipped, not fatal: the
    portable level's watchdog in the grader enforces memory, output and wall time anyway.
    """
    try:
        import resource
    except ImportError:
        return []
    mib = 2**20
    wanted = (("RLIMIT_CPU", int(limits["cpu_s"] + cpu_already_s + 1)), ("RLIMIT_DATA", limits["memory_mb"] * mib),
              ("RLIMIT_FSIZE", limits["output_mb"] * mib), ("RLIMIT_CORE", 0),
              ("RLIMIT_NOFILE", limits["open_files"]))
    applied = []
    for name, value in wanted:
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            resource.setrlimit(which, (value, value))
            applied.append(name)
        except (ValueError, OSError):
            pass
    return applied


def cpu_time_used() -> float:
    """CPU seconds this process has used so far (user + system)."""
    times = os.times()
    return times.user + times.system


def enable_windows_vt(stream) -> bool:
    """Windows: switch the console behind `stream` to VT mode (ANSI colours); False where it cannot
    (a console older than Windows 10, or not a console)."""
    try:
        import msvcrt
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = msvcrt.get_osfhandle(stream.fileno())
        mode = ctypes.c_uint32()
        if not kernel32.GetConsoleMode(ctypes.c_void_p(handle), ctypes.byref(mode)):
            return False
        enable_vt = 0x0004  # ENABLE_VIRTUAL_TERMINAL_PROCESSING
        return bool(mode.value & enable_vt or kernel32.SetConsoleMode(ctypes.c_void_p(handle), mode.value | enable_vt))
    except (ImportError, AttributeError, OSError, ValueError):
        return False


def posix_permissions() -> bool:
    """Whether chmod's permission bits mean anything here (not on Windows)."""
    return POSIX
