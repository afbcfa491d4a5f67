"""The portable isolation level (macOS, Windows, Linux without prctl), forced on Linux: the same
code path as on those laptops (spawned interpreters, the grader's watchdog, the psutil sweep).

Each hostile case plants code at the top of loss() in a copy of the solution and grades the
attacked check plus one of another file through the real engine: a valid report (strict
results.json whose score is the sum of its tests), no point for the attacked check, the other
check passing, and nothing left running. The solution and the skeleton are graded through the CLI,
forced once with --isolation and once with HLCV_ISOLATION.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import psutil
import pytest

from autograder.engine import GradeConfig, grade
from grading_helpers import (REPO, SOLUTION, STUDENT, copy_solution, describe, mutate, selected, strict_json,
                             write_results)
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
    "skip_test": ("import unittest\n        raise unittest.SkipTest('skip me')", "SkipTest"),
}


def _spares_of_this_process() -> list[psutil.Process]:
    return [p for p in psutil.Process().children(recursive=True)
            if any("spare.py" in part for part in p.cmdline())]


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_code_ends_in_a_valid_report_at_portable(tmp_path, name):
    """At the portable level, does this submission cost its own check only, with the expected
    message, in a strict results.json, leaving nothing running?"""
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


def _cli(submission, out, *extra, env=None):
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--results",
                           str(out / "results.json"), "--report", str(out / "report"), "--no-html", *extra],
                          cwd=REPO, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return strict_json((out / "results.json").read_text(encoding="utf-8")), done.stdout


def test_the_skeleton_scores_zero_at_portable(tmp_path):
    """Forced with --isolation portable, does the untouched skeleton score 0 on the whole catalogue
    (each check says what is not implemented yet)?"""
    results, out = _cli(STUDENT, tmp_path, "--isolation", "portable")
    assert results["extra_data"]["isolation"]["level"] == "portable"
    assert results["score"] == 0 and len(results["tests"]) > 20, out[-3000:]
    assert "not implemented yet" in out


@pytest.mark.cifar
def test_the_solution_scores_full_marks_at_portable(tmp_path):
    """Forced with HLCV_ISOLATION=portable, does the solution get every point (33/33), the
    CIFAR-10 trainings included, in spawned interpreters?"""
    from datasets.paths import npz_path

    if not npz_path().is_file():
        pytest.skip(f"CIFAR-10 is not set up ({npz_path()} does not exist): run `make data`")
    results, out = _cli(SOLUTION, tmp_path, env={"HLCV_ISOLATION": "portable"})
    assert results["extra_data"]["isolation"]["level"] == "portable"
    total = re.search(r"^Total: ([\d.]+)/([\d.]+)", out, re.MULTILINE)
    assert total and total[1] == total[2] == "33", out[-3000:]
