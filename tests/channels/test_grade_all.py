"""`make grade-all`: the three layouts a class arrives in, and a real batch run of a small class
with a hanging and a grader-killing submission (the real CLI, the real grader, Q0 only)."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.channels.batch import layouts
from grading_helpers import REPO, SOLUTION, STUDENT, copy_solution

METADATA = """submission_111:
  :submitters:
  - :name: Ada Lovelace
    :sid: '1001'
    :email: ada@example.edu
  :created_at: 2024-05-01 10:00:00.000000000 -07:00
  :score: 0.0
submission_222:
  :submitters:
  - :name: Alan Turing
    :sid: '1002'
    :email: alan@example.edu
  - :name: Grace Hopper
    :sid: '1003'
    :email: grace@example.edu
  :created_at: 2024-05-01 11:00:00.000000000 -07:00
"""


def test_gradescope_export_gives_one_row_per_submitter(tmp_path):
    """Does a Gradescope export give each submitter (both members of a group) their upload?"""
    (tmp_path / "submission_metadata.yml").write_text(METADATA)
    for key in ("submission_111", "submission_222"):
        (tmp_path / key).mkdir()
    layout, found = layouts.discover(tmp_path)
    assert layout == "gradescope"
    assert [(s.student, s.name, s.upload.name) for s in found] == [
        ("1001", "Ada Lovelace", "submission_111"), ("1002", "Alan Turing", "submission_222"),
        ("1003", "Grace Hopper", "submission_222")]
    assert found[1].members == ("1002", "1003")


def test_nbgrader_and_plain_layouts(tmp_path):
    """Are nbgrader's submitted/<student>/<assignment>/ and one-folder-per-student both found?"""
    for student in ("bob", "amy"):
        (tmp_path / "course" / "submitted" / student / "ex2").mkdir(parents=True)
    layout, found = layouts.discover(tmp_path / "course")
    assert layout == "nbgrader" and [s.student for s in found] == ["amy", "bob"]
    assert found[0].upload == tmp_path / "course" / "submitted" / "amy" / "ex2"
    (tmp_path / "plain" / "zoe").mkdir(parents=True)
    (tmp_path / "plain" / "yan.zip").write_bytes(b"")
    (tmp_path / "plain" / ".hidden").mkdir()
    layout, found = layouts.discover(tmp_path / "plain")
    assert layout == "folders" and [s.student for s in found] == ["yan", "zoe"]


def _grade_all(folder: Path, out: Path, *extra: str, html: bool = False,
               similarity: bool = False) -> tuple[subprocess.CompletedProcess, dict]:
    # --time-scale 0.75: Q0's limits become 15 s, short for the hang, long enough for the solution's
    # several runs on a loaded 2-core machine (8 s timed the solution out there).
    proc = subprocess.run([sys.executable, "-m", "autograder.channels.batch", str(folder), "--out", str(out),
                           "--only", "Q0", "--jobs", "2", "--time-scale", "0.75",
                           *extra, *([] if html else ["--no-html"]), *([] if similarity else ["--no-similarity"])],
                          cwd=REPO, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    with open(out / "gradebook.csv") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return proc, rows


def test_a_class_with_a_hang_and_a_killer_costs_only_their_rows(tmp_path):
    """Does a class with a hanging and a grader-killing submission still get every row right,
    is a second run skipped, and does a changed submission alone get regraded?"""
    klass = tmp_path / "class"
    copy_solution(klass / "ada")
    shutil.copytree(STUDENT, klass / "bob")
    hang = copy_solution(klass / "cyd")
    (hang / "chain_rule.py").write_text("while True:\n    pass\n")
    killer = copy_solution(klass / "dan")
    # Kills the process that started it: the fork server, then (spawned instead) the grader itself.
    (killer / "chain_rule.py").write_text("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n")
    out = tmp_path / "out"
    proc, rows = _grade_all(klass, out, html=True, similarity=True)
    assert set(rows) == {"ada", "bob", "cyd", "dan"}, proc.stderr
    assert "2 / 2" in (out / "ada" / "report" / "index.html").read_text(), "no report for ada"
    assert (rows["ada"]["Q0"], rows["ada"]["total"], rows["ada"]["status"]) == ("2", "2", "graded")
    assert (rows["bob"]["total"], rows["bob"]["status"]) == ("0", "graded")
    assert rows["cyd"]["total"] == "0" and rows["dan"]["total"] == "0"
    assert rows["dan"]["status"] in ("graded", "grader_error"), rows["dan"]
    assert rows["ada"]["Q1a"] == "", "an ungraded question must stay blank"
    assert "4/4" in proc.stderr and "graded" in proc.stderr  # the progress bar's last line
    assert "not a verdict" in (out / "similarity.html").read_text() and (out / "similarity.csv").is_file()
    for student in rows:
        results = json.loads((out / student / "results.json").read_text())
        assert results["score"] == float(rows[student]["total"])

    proc, rows = _grade_all(klass, out)
    assert {r["status"] for r in rows.values()} == {"skipped (already graded)"}, rows
    assert rows["ada"]["total"] == "2"

    shutil.copyfile(SOLUTION / "chain_rule.py", klass / "bob" / "chain_rule.py")
    proc, rows = _grade_all(klass, out)
    assert (rows["bob"]["total"], rows["bob"]["status"]) == ("2", "graded"), rows["bob"]
    assert rows["ada"]["status"] == "skipped (already graded)"

    shutil.rmtree(klass / "cyd")  # the hang has shown what it costs; spare the forced run its 30 s
    proc, rows = _grade_all(klass, out, "--force")
    assert rows["ada"]["status"] == "graded" and rows["ada"]["total"] == "2"
