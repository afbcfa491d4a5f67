"""The portable level's child: a spare interpreter that serves exactly one probe, then exits.

Started by the grader (portable.py) as `python -I spare.py KIND`, in its own session or process
group, with the child's scrubbed environment plus a token of its own. It imports what a process
of KIND preloads (numpy, or numpy and torch, and the grader's probe modules; never any student
code), writes "ready" on stdout and waits for one line on stdin: the working folder of its probe
(request.json, the inputs, submission/). Then it points its output at that folder's files, lowers
the rlimits the OS has (after the imports: RLIMIT_CPU counts them, so they are added to it), and
runs the probe exactly as the Linux supervisor's probe process does (probe_process.py). It never
serves a second probe: a process that ran student code is never reused.

Nothing here needs fork, prctl or /proc: this is what runs on macOS and Windows. The grader
enforces the wall clock, memory, output and process-count limits from outside and kills whatever
the probe left behind.
"""
from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

GRADER_ROOT = Path(__file__).resolve().parents[2]
READY = b"ready\n"


def main(kind: str) -> int:
    """Preload, announce readiness, serve one request; returns the process's exit code."""
    from autograder.sandbox import features, kinds, probe_process, probes

    kinds.warm_imports(kind)
    os.write(sys.stdout.fileno(), READY)
    line = sys.stdin.buffer.readline()
    if not line.strip():  # the grader closed the pipe without a request (the grade is over)
        return 0
    workdir = Path(line.decode("utf-8").strip())
    probe_process.redirect_output(workdir)
    os.chdir(workdir)
    request = json.loads((workdir / "request.json").read_text(encoding="utf-8"))
    features.apply_rlimits(request["limits"], cpu_already_s=features.cpu_time_used())
    # The student's folder first (only the expected file names were copied there), then the
    # grader's root so the probes import, as in child.py.
    sys.path[0:1] = [str(workdir / "submission"), str(GRADER_ROOT)]
    probe = probes.resolve(request["probe"])
    return probe_process.run_and_record(workdir, request, probe)


if __name__ == "__main__":
    sys.path[0] = str(GRADER_ROOT)  # the grader's packages, not this folder's files
    code = 70
    try:
        code = main(sys.argv[1])
    except BaseException:  # a grader-side failure before the probe's own handling took over
        traceback.print_exc()
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit skips interpreter teardown: student objects' __del__ and atexit hooks cannot run
    # after the status was written, and leftover threads cannot keep the process alive.
    os._exit(code)
