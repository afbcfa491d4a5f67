"""Starts probe children: forked from a warm fork server, or spawned when no server can serve.
(Linux levels; `launcher_for` gives the portable level's SparePool instead.)

`Launcher` is used as a context manager around one grade. The engine starts the fork servers the
grade needs at once, side by side ("numpy" for the numpy probes, "torch" for the PyTorch ones;
`warm`), and a server not started that way starts on first use; all are shut down at the end.
Every way a server can fail (it cannot start, dies, stops answering) makes `run` return None,
and the runner then spawns a fresh interpreter for that probe instead: slower, never less safe.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from .features import SIGKILL, kill_group
from .isolation import Isolation
from .kinds import kind_of_files, kind_of_probe

FORKSERVER = Path(__file__).relative_to(Path(__file__).resolve().parents[2]).with_name("forkserver.py")
START_TIMEOUT_S = 120.0  # importing torch on a loaded 2-core machine has taken ~7 s


class ForkServer:
    """Parent side of forkserver.py: send work folders, receive pids and exit statuses."""

    def __init__(self, kind: str, env: dict[str, str], isolation: Isolation, work_root: Path):
        server = isolation.grader_root / FORKSERVER
        self._process = subprocess.Popen(
            isolation.command(work_root, [sys.executable, "-I", str(server), kind]), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd="/", env={**env, "HOME": str(work_root)},
            start_new_session=True)
        self._cond = threading.Condition()
        self._ready = False
        self._dead = False
        self._next_id = 0
        self._pids: dict[int, int] = {}    # request id -> pid of its child
        self._exits: dict[int, int] = {}   # pid -> exit code, or minus the signal
        threading.Thread(target=self._read, daemon=True, name=f"forkserver-{kind}").start()

    def _read(self) -> None:
        for line in self._process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                break
            with self._cond:
                if "ready" in message:
                    self._ready = True
                elif "id" in message:
                    self._pids[message["id"]] = message["pid"]
                else:
                    self._exits[message["pid"]] = message["status"]
                self._cond.notify_all()
        with self._cond:
            self._dead = True
            self._cond.notify_all()

    def settled(self) -> bool:
        """Whether start-up is over, either way (ready, or dead)."""
        with self._cond:
            return self._ready or self._dead

    def wait_ready(self) -> bool:
        """Wait until the server has imported what it preloads; False if it died or never came up."""
        with self._cond:
            return self._cond.wait_for(lambda: self._ready or self._dead, START_TIMEOUT_S) and not self._dead

    def run(self, workdir: Path, wall_s: float) -> tuple[int, bool] | None:
        """Fork a child for `workdir`; (exit status, timed out), or None if the server failed."""
        if not self.wait_ready():
            return None
        with self._cond:
            request_id = self._next_id
            self._next_id += 1
            try:
                self._process.stdin.write(json.dumps({"id": request_id, "workdir": str(workdir)}).encode() + b"\n")
                self._process.stdin.flush()
            except OSError:
                return None
            if not self._cond.wait_for(lambda: request_id in self._pids or self._dead, 30.0) \
                    or request_id not in self._pids:
                return None
            pid = self._pids.pop(request_id)
            timed_out = not self._cond.wait_for(lambda: pid in self._exits or self._dead, wall_s)
            if timed_out:
                kill_group(pid)
                self._cond.wait_for(lambda: pid in self._exits or self._dead, 10.0)
            status = self._exits.pop(pid, -SIGKILL)
        kill_group(pid)  # anything the child left running in its session
        return status, timed_out

    def close(self) -> None:
        with self._cond:
            started = self._ready
        if not started:  # still importing its preloads: it has forked nothing, and would answer
            kill_group(self._process.pid)  # the closed stdin only once its imports are done
            self._process.wait()
            return
        try:
            self._process.stdin.close()
            self._process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            kill_group(self._process.pid)


class Launcher:
    """The fork servers of one grade: started by `warm`, or on first use."""

    def __init__(self, env: dict[str, str], isolation: Isolation, work_root: Path):
        self._env = env
        self._isolation = isolation
        self._work_root = work_root
        self._servers: dict[str, ForkServer] = {}
        self._lock = threading.Lock()

    def _server(self, probe: str) -> ForkServer:
        return self._start(kind_of_probe(probe))

    kind_of = staticmethod(kind_of_files)  # the server that probes of these submission files use

    def warm(self, files) -> None:
        """Start now, side by side, the servers that probes of these submission files will use:
        each takes seconds to import its preloads. Returns at once."""
        self._start("numpy")
        self._start(self.kind_of(files))

    def started(self, files) -> bool:
        """Whether the server for these files has finished starting (or failed: probes then spawn)."""
        with self._lock:
            server = self._servers.get(self.kind_of(files))
        return server is not None and server.settled()

    def expect(self, kinds: set[str]) -> None:
        """The kinds later checks will use: fork servers serve to the end of the grade anyway."""

    def _start(self, kind: str) -> ForkServer:
        with self._lock:
            if kind not in self._servers:
                self._servers[kind] = ForkServer(kind, self._env, self._isolation, self._work_root)
            return self._servers[kind]

    def ready(self, probe: str) -> bool:
        """Start (once) and wait for the server of this probe's kind, so that its start-up is not
        charged to the probe's time limit. False when the server failed (probes are then spawned)."""
        return self._server(probe).wait_ready()

    def run(self, probe: str, workdir: Path, wall_s: float) -> tuple[int, bool] | None:
        return self._server(probe).run(workdir, wall_s)

    def __enter__(self) -> "Launcher":
        return self

    def __exit__(self, *exc) -> None:
        for server in self._servers.values():
            server.close()


def launcher_for(env: dict[str, str], isolation: Isolation, work_root: Path):
    """The grade's launcher: fork servers at the Linux levels, spare interpreters (portable.py,
    the same interface) at the portable level, where forking is unsafe or impossible."""
    if isolation.portable:
        from .portable import SparePool
        return SparePool(env, work_root)
    return Launcher(env, isolation, work_root)
