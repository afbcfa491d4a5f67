"""Where the memory of a process tree goes: PSS per role, sampled from /proc while it runs.

Roles, by command line and parent: the run_autograder shell, the channel (run.py), the grading
parent, the oracle process, each fork server ("numpy", "torch") and the probe children (forked
from a server or spawned). PSS splits pages shared after a fork among the processes that share
them, so the sum over roles is the memory the tree really holds.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import psutil


def role(process: psutil.Process) -> str:
    try:
        line = " ".join(process.cmdline())
        parent = process.parent()
        parent_line = " ".join(parent.cmdline()) if parent else ""
        parent_name = parent.name() if parent else ""
    except psutil.Error:  # it, or its parent, ended while we looked
        return "gone"
    if "forkserver.py" in line:
        # forkserver.py KIND MODULE...: the kind ("numpy", "torch") follows the script's name.
        words = line.split()
        kind = next((words[i + 1] for i, w in enumerate(words[:-1]) if w.endswith("forkserver.py")), "?")
        # Under bubblewrap the server's parent is bwrap, whose own command line names forkserver.py.
        forked = "forkserver.py" in parent_line and parent_name != "bwrap"
        return f"probe children ({kind})" if forked else f"fork server ({kind})"
    if "child.py" in line:
        return "probe children (spawned)"
    if "oracles/server.py" in line:
        return "oracle process"
    if "autograder grade" in line:
        return "grading parent"
    if "channels.gradescope.run" in line:
        return "channel (run.py)"
    if "channels.batch" in line:
        return "batch driver"
    try:
        command = process.cmdline()
    except psutil.Error:  # it ended while we looked
        command = []
    return "other (" + (Path(command[0]).name if command else "?") + ")"


def pss_mb(process: psutil.Process) -> float:
    try:
        text = Path(f"/proc/{process.pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


class TreeSampler:
    """Samples the tree under `pid` every `interval` s; peaks of the total and of each role."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval = pid, interval
        self.peak_total = 0.0
        self.peak_by_role: dict[str, float] = {}
        self.at_peak: dict[str, float] = {}   # the roles' shares at the moment of the total's peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                top = psutil.Process(self.pid)
                tree = [top, *top.children(recursive=True)]
            except psutil.Error:
                tree = []
            shares: dict[str, float] = {}
            for process in tree:
                name = role(process)
                shares[name] = shares.get(name, 0.0) + pss_mb(process)
            total = sum(shares.values())
            for name, value in shares.items():
                self.peak_by_role[name] = max(self.peak_by_role.get(name, 0.0), value)
            if total > self.peak_total:
                self.peak_total, self.at_peak = total, shares
            time.sleep(self.interval)
