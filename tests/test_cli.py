"""The command line, run as a student or the staff would: `python -m autograder ...` in a subprocess."""
from __future__ import annotations

import subprocess
import sys

import pytest

from autograder.assign import BEGIN, END, generate, stale_files
from grading_helpers import REPO, SOLUTION, STUDENT, SUBMISSION_PY, copy_solution, mutate, strict_json


def run_cli(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def test_grade_one_question_writes_results(tmp_path):
    """Does `grade student --only Q1a --results X --report DIR` exit 0 and write results.json for Q1a?"""
    results, report_dir = tmp_path / "out" / "results.json", tmp_path / "report"
    done = run_cli("grade", "student", "--only", "Q1a", "--results", str(results), "--report", str(report_dir))
    assert done.returncode == 0, done.stdout + done.stderr
    data = strict_json(results.read_text())
    assert {t["extra_data"]["question"] for t in data["tests"]} == {"Q1a"}
    assert data["score"] == 0 and all(t["status"] == "failed" for t in data["tests"])
    assert "Q1a" in done.stdout and str(results) in done.stdout


def test_unknown_question_is_refused(tmp_path):
    """Does `--only Q9` exit non-zero with a message naming Q9 and the valid questions?"""
    done = run_cli("grade", "student", "--only", "Q9", "--results", str(tmp_path / "r.json"), "--no-html")
    assert done.returncode != 0
    assert "Q9" in done.stderr and "Q1a" in done.stderr, done.stderr
    assert not (tmp_path / "r.json").exists()


def test_missing_submission_folder_is_refused(tmp_path):
    """Does a nonexistent submission folder exit non-zero with a message naming it?"""
    missing = tmp_path / "no-such-submission"
    done = run_cli("grade", str(missing), "--results", str(tmp_path / "r.json"), "--no-html")
    assert done.returncode != 0
    assert str(missing) in done.stderr and "does not exist" in done.stderr, done.stderr


def test_bad_arguments_exit_2():
    """Does a missing command or an unknown option exit 2 (usage), as the CLI documents?"""
    assert run_cli().returncode == 2
    assert run_cli("grade", "student", "--no-such-option").returncode == 2


def test_assign_check_says_student_is_current():
    """Does `python -m autograder assign --check` exit 0, i.e. is the committed student/ current?"""
    done = run_cli("assign", "--check", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_generating_from_solution_reproduces_student():
    """Does generating from solution/ reproduce student/ byte for byte (no stale files)?"""
    assert stale_files(SOLUTION, STUDENT) == []
    expected = generate(SOLUTION)
    assert sorted(expected) == sorted(SUBMISSION_PY + ("exercise2.ipynb",))  # + the notebook (tests/nbgrader)
    for name, text in expected.items():
        assert (STUDENT / name).read_bytes() == text.encode(), f"student/{name} differs"


def test_assign_cli_writes_the_same_skeleton(tmp_path):
    """Does `assign --target DIR` write files identical to the committed student/?"""
    done = run_cli("assign", "--source", str(SOLUTION), "--target", str(tmp_path), timeout=60)
    assert done.returncode == 0, done.stderr
    for name in SUBMISSION_PY:
        assert (tmp_path / name).read_bytes() == (STUDENT / name).read_bytes(), name


def test_assign_check_detects_a_stale_skeleton(tmp_path):
    """Does `assign --check` exit non-zero and name the file when a skeleton differs from solution/?"""
    target = tmp_path / "student"
    target.mkdir()
    for name in SUBMISSION_PY:
        (target / name).write_bytes((STUDENT / name).read_bytes())
    (target / "mlp.py").write_text((STUDENT / "mlp.py").read_text() + "\n# edited by hand\n")
    done = run_cli("assign", "--check", "--source", str(SOLUTION), "--target", str(target), timeout=60)
    assert done.returncode != 0 and "mlp.py" in done.stderr, done.stderr


def _code_lines(text: str) -> set[str]:
    """The stripped non-comment lines of a source text."""
    return {line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")}


@pytest.mark.parametrize("name", SUBMISSION_PY)
def test_student_files_hold_no_solution(name):
    """Is this student file free of solution markers, with every solution region's code removed?"""
    text = (STUDENT / name).read_text()
    assert BEGIN not in text and END not in text
    student_code = _code_lines(text)
    for region in (SOLUTION / name).read_text().split(BEGIN)[1:]:
        leaked = [line for line in _code_lines(region.split(END)[0])
                  if len(line) > 25 and line in student_code]
        assert not leaked, f"student/{name} still runs solution code: {leaked}"
    assert "raise NotImplementedError(" in text


def test_lone_surrogate_in_student_message_still_writes_results(tmp_path):
    """Does an exception message with a lone surrogate still give exit 0 and a strict results.json?"""
    folder = copy_solution(tmp_path / "submission")
    anchor = '        W1, b1 = self.params["W1"], self.params["b1"]\n'
    mutate(folder, "two_layer_net.py", [(anchor, "        raise ValueError('bad \\ud800 data')\n" + anchor)])
    results = tmp_path / "out" / "results.json"
    done = run_cli("grade", str(folder), "--only", "Q1a.toy_probabilities", "--results", str(results),
                   "--no-html")
    assert done.returncode == 0, done.stderr[-2000:]
    data = strict_json(results.read_text())
    assert data["score"] == 0 and data["tests"][0]["status"] == "failed"
