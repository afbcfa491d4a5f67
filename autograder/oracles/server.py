"""The oracle process: a trusted child of the grading parent that holds torch, so the parent does not.

    python -I autograder/oracles/server.py      (started by oracles/service.py)

It never loads student code: it only runs the functions of oracles/torch_computations.py on the
plain data the parent sends. Protocol on stdin/stdout, one oracles/wire.py frame each way:
  parent -> server  {"function": name, "arguments": {...}}
  server -> parent  {"result": ...} or {"error": traceback text}
The first frame the server sends is {"ready": true, "versions": {"torch": ...}}, once torch is
imported. The server
ends when its stdin closes (the parent finished, or died).
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path


def serve() -> int:
    sys.path[0] = str(Path(__file__).resolve().parents[2])  # the grader root
    # The protocol owns the original stdout; anything printed (a library's warning) goes to stderr.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = os.fdopen(0, "rb")
    from autograder.oracles import torch_computations, wire

    # After the probe children (1000) and fork servers (800), before the grading parent: a
    # killed oracle process is started again on the next call, a killed parent loses the grade.
    try:
        Path("/proc/self/oom_score_adj").write_text("500", encoding="ascii")
    except OSError:
        pass
    versions = torch_computations.versions()  # imports torch and sets it up before saying ready
    wire.send(replies, {"ready": True, "versions": versions})
    while True:
        try:
            request = wire.receive(requests)
        except EOFError:
            return 0
        try:
            function = torch_computations.FUNCTIONS[request["function"]]
            reply = {"result": function(**request["arguments"])}
        except Exception:
            reply = {"error": traceback.format_exc()}
        wire.send(replies, reply)


if __name__ == "__main__":
    os._exit(serve())  # no interpreter teardown: with torch loaded it takes ~1 s, for nothing
