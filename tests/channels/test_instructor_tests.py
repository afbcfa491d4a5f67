"""The instructor's own gradescope-utils tests: packed by `make gradescope TESTS=...`, run by the
real run_autograder in a faithful /autograder layout, merged into results.json."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from autograder.channels.gradescope import pack
from gradescope_layout import make_root, run_autograder, scores_by_question, validate
from grading_helpers import REPO, copy_solution

SAMPLE = REPO / "examples" / "gradescope_tests"
# Stands for student code reached through an instructor's test: it tries to kill the process that
# supervises the test's child (the sandbox refuses), then kills its own. It must cost that test only.
HOSTILE = '''import os, signal, unittest
from gradescope_utils.autograder_utils.decorators import weight


class Hostile(unittest.TestCase):
    @weight(1.0)
    def test_reaches_hostile_code(self):
        """A test whose student code kills processes"""
        try:
            os.kill(os.getppid(), signal.SIGKILL)
        finally:
            os.kill(os.getpid(), signal.SIGKILL)
'''


def test_instructor_tests_are_merged_with_their_weights_and_visibility(tmp_path):
    """Do the sample's tests (and one that meets hostile code) run against the submission and land
    in results.json beside the harness's checks, with their decorators' weight, visibility and
    number, the leaderboard column, and only the hostile test failing?"""
    tests = tmp_path / "tests"
    shutil.copytree(SAMPLE, tests)
    (tests / "test_zz_hostile.py").write_text(HOSTILE)
    root = make_root(tmp_path, pack.build(tmp_path / "dist" / "autograder.zip", tests=tests))
    copy_solution(root / "submission")
    _, results = run_autograder(root, only="Q0")
    validate(results)
    assert scores_by_question(results)["Q0"] == 2.0, "the harness's checks must be untouched"
    ours = {t["extra_data"]["check"].rsplit(".", 1)[1]: t for t in results["tests"]
            if t["extra_data"]["question"] == "instructor"}
    expected = {"test_loss_prints_nothing": (1.0, 1.0, "visible", "90.1", "passed"),
                "test_chain_rule_by_hand": (0.5, 0.5, "after_due_date", "90.2", "passed"),
                "test_hidden_layer_is_reasonable": (0.5, 0.5, "hidden", "90.3", "passed"),
                "test_reaches_hostile_code": (0.0, 1.0, "visible", "99.5", "failed")}
    got = {name: (t["score"], t["max_score"], t["visibility"], t["number"], t["status"]) for name, t in ours.items()}
    assert got == expected, got
    assert ours["test_chain_rule_by_hand"]["name"].startswith("Q0 by hand"), "the docstring names the test"
    assert "killed" in ours["test_reaches_hostile_code"]["output"], ours["test_reaches_hostile_code"]
    assert results["score"] == 2.0 + 2.0
    board = {e["name"]: e for e in results["leaderboard"]}
    hidden_size = _solution_hidden_size()
    assert board["hidden units (Q3b)"] == {"name": "hidden units (Q3b)", "value": hidden_size, "order": "desc"}


def test_a_test_folder_that_cannot_be_imported_is_refused_when_packing(tmp_path):
    """Does `make gradescope TESTS=...` refuse a test module that cannot be imported, naming it?"""
    (tmp_path / "test_broken.py").write_text("import unittest\nimport no_such_module\n")
    done = subprocess.run([sys.executable, "-m", "autograder.channels.gradescope.pack", "--out",
                           str(tmp_path / "a.zip"), "--tests", str(tmp_path)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 2 and "test_broken" in done.stderr and "no_such_module" in done.stderr, done.stderr
    assert not (tmp_path / "a.zip").exists()


def _solution_hidden_size() -> int:
    namespace: dict = {}
    exec((REPO / "solution" / "hyperparams.py").read_text(), namespace)  # the instructor's own file
    return int(namespace["two_layer_net"]()["hidden_size"])
