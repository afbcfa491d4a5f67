"""The portable isolation level (macOS, Windows, Linux without prctl), forced on Linux: the same
code path as on those laptops (spawned interpreters, the grader's watchdog, the psutil sweep).

Each hostile case plants code at the top of loss() in a copy of the solution and grades the
attacked check plus one of another file through the real engine: a valid report (strict
results.json whose score is the sum of its tests), no point for the attacked check, the other
check passing, and nothing left running. (The solution's 33/33 at this level: test_reference.py;
the skeleton's 0, forced with HLCV_ISOLATION through the handout's `make grade`: test_release.py;
the mutant table: test_mutants.py.)
"""
from __future__ import annotations

import os

import psutil
import pytest

from autograder.engine import GradeConfig, grade
from grading_helpers import copy_solution, describe, mutate, selected, write_results
from sandbox_helpers import wait_until_gone

NET = "two_layer_net.py"
LOSS_DEF = "        W1, b1 = self.params[\"W1\"], self.params[\"b1\"]\n"
ATTACKED, OTHER = "Q1a.toy_probabilities", "Q0.values"
FAST = GradeConfig(time_scale=0.2, isolation="portable")  # the toy probes get 4 s

CASES = {
    "endless_loop_ignoring_signals": (
        "import signal\n"
        "        for s in (signal.SIGTERM, signal.SIGINT): signal.signal(s, signal.SIG_IGN)\n"
        "        while True:\n"
        "            pass", "timed out after 4 s"),
    "crash": ("import os, signal\n        os.kill(os.getpid(), signal.SIGSEGV)", "SIGSEGV"),
    "output_flood": ("import sys\n        for _ in range(40):\n            sys.stdout.write('x' * 2**20)",
                     "wrote more than 16 MB"),
    "huge_allocation": ("big = np.ones((60_000, 60_000))", "ran out of memory (limit 2048 MB)"),
    "fork_bomb": ("import os\n"
                  "        while True:\n"
                  "            try:\n"
                  "                if os.fork() == 0:\n"
                  "                    os.execvp('sleep', ['sleep', '{token}'])\n"
                  "            except OSError:\n"
                  "                pass", "processes at once (a fork bomb?)"),
    "detached_daemon": ("import os, sys\n"
                        "        if os.fork() == 0:\n"
                        "            os.setsid()\n"
                        "            if os.fork() == 0:\n"
                        "                os.execvp(sys.executable, [sys.executable, '-c', 'import time; time.sleep(60)  # {token}'])\n"
                        "            os._exit(0)\n"
                        "        raise ValueError('left a daemon')", "left a daemon"),
    "sys_exit": ("import sys\n        sys.exit(0)", "SystemExit"),
    "os_exit": ("import os\n        os._exit(0)", "ended the process (exit code 0)"),
    "skip_test": ("import unittest\n        raise unittest.SkipTest('skip me')", "SkipTest"),
}


def _spares_of_this_process() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True)
            if any("spare.py" in part for part in p.cmdline())]


POSIX_ONLY = {"crash", "fork_bomb", "detached_daemon"}  # written with os.fork and POSIX signals


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_code_ends_in_a_valid_report_at_portable(tmp_path, name):
    """At the portable level, does this submission cost its own check only, with the expected
    message, in a strict results.json, leaving nothing running?"""
    if name in POSIX_ONLY and os.name != "posix":
        pytest.skip("the attack is written with os.fork and POSIX signals")
    code, words = CASES[name]
    token = f"{60000 + sum(map(ord, name)) % 9999}.{os.getpid()}"
    folder = copy_solution(tmp_path / "submission")
    mutate(folder, NET, [(LOSS_DEF, f"        {code.format(token=token)}\n{LOSS_DEF}")])
    report = grade(folder, only=[ATTACKED, OTHER], config=FAST)
    results = write_results(report, tmp_path / "out")
    assert abs(results["score"] - sum(t["score"] for t in results["tests"])) < 1e-9
    assert results["extra_data"]["isolation"]["level"] == "portable"
    [attacked] = selected(report, ATTACKED)
    assert attacked.points == 0 and words in attacked.feedback, f"{name}:\n{describe(report)}"
    assert all(r.status == "passed" for r in selected(report, OTHER)), describe(report)
    assert wait_until_gone(token) == [], f"{name}: a process outlived its check"
    assert _spares_of_this_process() == [], "a spare interpreter outlived the grade"
