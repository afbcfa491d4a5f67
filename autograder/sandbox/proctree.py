"""Find and kill every process a probe started, however it detached, on any OS (psutil).

psutil is the field's cross-platform library for process trees (Linux, macOS, Windows); the
portable level uses it where Linux's subreaper is missing. A probe's processes are:

- its root (the spare interpreter) and its descendants, as seen at every look while it ran (a
  double fork re-parents the grandchild away, but not before the grader may have seen it);
- every process whose environment carries the probe's token (inherited through fork, exec and
  spawn unless the code scrubs its environment), the cookie Jenkins' ProcessTreeKiller also uses;
- on POSIX, every process still in the root's session (a new process group stays in it).

What it cannot see on macOS or Linux: a process that scrubs its environment, leaves the session
and is re-parented before the next look. On Windows the Job Object (winjob.py) holds every
descendant regardless.
"""
from __future__ import annotations

import os
import time

import psutil

from . import features

TOKEN_VAR = "HLCV_PROBE_TOKEN"
KILL_ROUNDS = 50  # a fork bomb refills the tree while it is being killed: look again, up to this
SETTLE_S = 0.05   # the second look after a sweep that found nothing more


class ProcessTree:
    """The processes of one probe, rooted at `root_pid`, marked by `token`."""

    def __init__(self, root_pid: int, token: str):
        self.token = token
        self.root_pid = root_pid
        self.session = _session_of(root_pid)
        self._seen: dict[int, psutil.Process] = {}
        try:
            root = psutil.Process(root_pid)
            self._seen[root_pid] = root
        except psutil.Error:
            pass

    def look(self) -> list[psutil.Process]:
        """The root and its descendants now (each remembered for the final sweep): cheap enough
        to call several times a second."""
        root = self._seen.get(self.root_pid)
        try:
            for child in root.children(recursive=True) if root is not None else ():
                self._seen.setdefault(child.pid, child)
        except psutil.Error:
            pass
        return [p for p in self._seen.values() if _alive(p)]

    def everything(self) -> list[psutil.Process]:
        """Every live process of the probe: `look()`, plus those carrying the token or (POSIX) in
        the root's session. Reads every process's environment: call it at the end, not in a loop."""
        found = {p.pid: p for p in self.look()}
        me = os.getpid()
        for process in psutil.process_iter():
            if process.pid in found or process.pid == me:
                continue
            if (self.session is not None and _session_of(process.pid) == self.session) or self._carries_token(process):
                found[process.pid] = process
        return [p for p in found.values() if _alive(p)]

    def _carries_token(self, process: psutil.Process) -> bool:
        try:
            return process.environ().get(TOKEN_VAR) == self.token
        except (psutil.Error, OSError):  # another user's process, or gone
            return False

    def kill_all(self) -> int:
        """Kill every process of the probe, round after round until none is found; returns how
        many were killed."""
        if features.POSIX:
            features.kill_group(self.root_pid)  # the root's group at once: a fork bomb's children
        killed, settled = 0, False
        for _ in range(KILL_ROUNDS):
            alive = self.everything()
            if not alive:
                # Nothing left, or a process in the middle of its exec, whose environment (the
                # token) reads empty for that moment: look once more a moment later, also when
                # nothing was found (a double fork's middle process may have exited already, and
                # then the grandchild is found by its token alone).
                if settled:
                    break
                settled = True
                time.sleep(SETTLE_S)
                continue
            settled = False
            for process in alive:
                try:
                    process.kill()
                    killed += 1
                except psutil.Error:
                    pass
            psutil.wait_procs(alive, timeout=2)
        return killed

    def memory_mb(self) -> float:
        """Resident memory of the root and its descendants, summed (MB)."""
        total = 0
        for process in self.look():
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total / 2**20


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _session_of(pid: int) -> int | None:
    if not hasattr(os, "getsid"):
        return None
    try:
        return os.getsid(pid)
    except OSError:
        return None
