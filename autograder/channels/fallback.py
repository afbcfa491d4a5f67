"""results.json for the channels: the grader's file read back strictly, written atomically, and
the "autograder error, not your fault" result for when the grader left none."""
from __future__ import annotations

import json
import os
import signal
import tempfile
from pathlib import Path

GRADER_ERROR = ("Autograder error, not your fault: the grader itself failed while grading this "
                "submission. Please contact the course staff; they can see what went wrong.")


TIMED_OUT = ("Grading did not finish within the time limit ({seconds:.0f} s), so no check could be "
             "scored. The usual cause is code that is very slow (a Python loop over samples, or a "
             "training far larger than asked for); if yours runs fast on your machine, contact the staff.")


def fallback_results(elapsed: float = 0.0, reason: str = "grader_error") -> dict:
    """A valid results.json worth 0 points: "autograder error, not your fault", or for
    reason="timed_out" that the whole grade ran past its deadline."""
    message = TIMED_OUT.format(seconds=elapsed) if reason == "timed_out" else GRADER_ERROR
    name = "Grading timed out" if reason == "timed_out" else "Autograder error (not your fault)"
    return {"score": 0.0, "execution_time": round(elapsed, 2), "output": message,
            "visibility": "visible", "stdout_visibility": "hidden",
            "tests": [{"name": name, "number": "0.0", "score": 0.0,
                       "max_score": 0.0, "status": "failed", "output": message,
                       "output_format": "text", "visibility": "visible",
                       "extra_data": {"outcome": reason}}],
            "extra_data": {"grader_error": reason}}


def read_results(path: Path) -> dict | None:
    """The grader's results.json, or None when it is missing, not strict JSON or not its shape."""
    def refuse(constant: str):
        raise ValueError(f"non-standard JSON constant {constant}")
    try:
        results = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    except (OSError, ValueError):
        return None
    if not isinstance(results, dict) or not isinstance(results.get("tests"), list):
        return None
    return results


def write_json(results: dict, path: Path, mode: int = 0o644) -> None:
    """Atomic strict JSON (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=2, allow_nan=False, ensure_ascii=True)
        out.write("\n")
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def kill_tree(pid: int) -> None:
    """SIGKILL `pid`, its process group and every descendant, also those in sessions of their own
    (the grader's fork servers and children call setsid, so a group kill alone would miss them)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    doomed, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        doomed.append(current)
        frontier += children.get(current, [])
    for target in doomed:  # stop them all first, so that none can start another meanwhile
        _signal(target, signal.SIGSTOP)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    for target in doomed:
        _signal(target, signal.SIGKILL)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except OSError:
        pass
