"""The grading parent's side of the oracle process (oracles/server.py): start it, call it, restart it.

The oracles run torch (autograd in float64, the grader's own Linear/ReLU stack). Importing torch
costs a process 220 MB (the CPU build) to 720 MB (the CUDA build), and in Gradescope's default
container (768 MB) the process that holds the grade must stay small, so that when memory runs out
the kernel kills a child, never the grader. The parent therefore never imports torch: the oracles
run in one trusted child that loads no student code and lives as long as the grading process
(grades in one process share it). Calls are serialised; the process answers one at a time.

If the oracle process dies (the kernel may kill it for memory: it offers itself before the
parent), the next call starts it again and repeats the request once; the oracles are
deterministic, so the answer is the same.
"""
from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from .. import pin_threads
from . import wire

SERVER = Path(__file__).with_name("server.py")


class OracleUnavailable(RuntimeError):
    """The oracle process could not be started, or died twice during one call."""


class OracleProcess:
    """One oracle process, started on `start()` (returns at once) or on the first `call`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._stderr = None   # the process's stderr, kept in a file for the error message
        self._ready = False
        self.versions: dict[str, str] = {}
        # In a session of its own (POSIX), for a Jupyter kernel's test cells (channels/nbgrader/cell.py):
        # at shutdown ipykernel signals the children in its process group and waits, with growing
        # sleeps, until none is listed; the oracle process, killed but never reaped there, stayed
        # listed, and the kernel outlived nbgrader's shutdown wait (2.5 s) and was terminated.
        # Elsewhere it stays in the grader's group, which the channels kill as one.
        self.own_session = False

    def start(self) -> None:
        """Start the process if none runs; it imports torch in the background while the grade goes on."""
        with self._lock:
            self._spawn()

    def _spawn(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._discard()
        self._stderr = tempfile.TemporaryFile()
        env = pin_threads(dict(os.environ), 1)  # one thread: the oracles' numbers never depend on the machine
        # glibc's malloc otherwise raises its mmap threshold after the first large free and then keeps
        # freed message buffers on its heap: ~70 MB more held after Q4b's scoring (the CPU build).
        env.setdefault("MALLOC_MMAP_THRESHOLD_", str(128 * 1024))
        self._process = subprocess.Popen([sys.executable, "-I", str(SERVER)], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._stderr, env=env, cwd="/",
                                         start_new_session=self.own_session and os.name == "posix")
        self._ready = False

    def call(self, function: str, **arguments: Any) -> Any:
        """The result of torch_computations.<function>(**arguments), computed in the oracle process."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    self._spawn()
                    if not self._ready:
                        self.versions = wire.receive(self._process.stdout)["versions"]
                        self._ready = True
                    wire.send(self._process.stdin, {"function": function, "arguments": arguments})
                    reply = wire.receive(self._process.stdout)
                    break
                except (EOFError, OSError) as exc:
                    detail = self._death(exc)
                    self._discard()
                    if attempt == 2:
                        raise OracleUnavailable(f"the grader's oracle process failed twice: {detail}") from None
        if "error" in reply:
            raise RuntimeError(f"oracle {function} failed in the oracle process:\n{reply['error']}")
        return reply["result"]

    def _death(self, exc: BaseException) -> str:
        """What ended the process: its exit code or signal and the end of its stderr."""
        process = self._process
        try:
            code = process.wait(timeout=5) if process is not None else None
        except subprocess.TimeoutExpired:
            code = None
        ending = (f"killed by signal {-code} (9 is often the out-of-memory killer)" if code is not None and code < 0
                  else f"exit code {code}" if code is not None else f"{type(exc).__name__}: {exc}")
        tail = ""
        if self._stderr is not None:
            self._stderr.seek(0, os.SEEK_END)
            self._stderr.seek(max(0, self._stderr.tell() - 2000))
            tail = self._stderr.read().decode("utf-8", errors="replace").strip()
        return ending + (f"; its stderr ends with:\n{tail}" if tail else "")

    def _discard(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            for stream in (process.stdin, process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            try:
                process.kill()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self._ready = False

    def kill(self) -> None:
        """End the process at once."""
        with self._lock:
            self._discard()


ORACLE = OracleProcess()   # the grading process's one oracle process
# Killed at exit, not closed: it holds nothing to save, and a close waits until it has finished
# importing torch and reads the end of its input, which can take seconds.
atexit.register(ORACLE.kill)
