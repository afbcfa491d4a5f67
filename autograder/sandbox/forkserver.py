"""A fork server: one warm process per grade that forks a fresh child for every probe.

Importing torch costs ~2.5 s of CPU; the fork server pays it once and each probe's child starts
from a copy of a process that already holds numpy/torch and the grader's probe modules, but never
any student code. The server is single-threaded (checked: importing numpy and torch
starts no thread), so forking it is safe. Each child calls setsid(), points fds 0/1/2 at
/dev/null and its own output files, and then runs exactly what `child.py` runs in spawn mode (the
supervisor); limits, the wall-clock kill and the reading of results are the same as for a spawned
child. At the "namespaces" isolation level the server itself runs inside bubblewrap.

The server is a child subreaper too: a process whose supervisor died (student code can kill its
own supervisor where both run as the same user) is re-parented here, and anything here that is not
a running supervisor is killed on sight.

Protocol on the server's stdin/stdout, one JSON object per line:
  parent -> server  {"id": n, "workdir": path}
  server -> parent  {"ready": true} once; {"id": n, "pid": p} per fork; {"pid": p, "status": s}
                    per exit, s being the exit code or minus the signal number.
"""
from __future__ import annotations

import json
import os
import select
import sys
from pathlib import Path


def serve(kind: str) -> int:
    sys.path[0] = str(Path(__file__).resolve().parents[2])  # the grader root, as child.py expects
    from autograder.sandbox import child, features, kinds
    kinds.warm_imports(kind)
    features.become_subreaper()
    features.prefer_oom_kill(800)  # before the grader, after the children it forks (1000)
    _send({"ready": True})
    running: set[int] = set()
    pending = b""  # os.read, not sys.stdin: a buffered reader would hide lines from select()
    while True:
        readable, _, _ = select.select([0], [], [], 0.02)
        if readable:
            data = os.read(0, 65536)
            if not data:  # the grader is done or gone: take every child with us
                for pid in running:
                    child.kill_group(pid)
                return 0
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _run_child(Path(request["workdir"]), child)
                running.add(pid)
                _send({"id": request["id"], "pid": pid})
        for pid in features.children_of_self():
            if pid not in running:  # an orphan of a killed supervisor: student code, unsupervised
                child.kill_group(pid)
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in running:
                running.discard(pid)
                code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
                _send({"pid": pid, "status": code})


def _run_child(workdir: Path, child) -> None:
    """In the forked child: new session, own output files, then child.py's main. Never returns."""
    code = 70
    try:
        os.setsid()
        from autograder.sandbox.probe_process import redirect_output
        redirect_output(workdir)
        code = child.main(workdir)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        os._exit(code)


def _send(message: dict) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


if __name__ == "__main__":
    os._exit(serve(sys.argv[1]))  # no interpreter teardown: with torch loaded it takes ~1 s, for nothing
