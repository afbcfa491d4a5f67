"""The terminal table and results.json show each check's hint (failed) or note (passed), the
details of passed checks too, and where to find the details; rendered from a real grade."""
from __future__ import annotations

import pytest

from autograder.engine import grade
from autograder.reporters import gradescope, terminal
from autograder.reporters.text import explanation, full_text
from grading_helpers import copy_solution, mutate

NET = "two_layer_net.py"


@pytest.fixture(scope="module")
def masked_report(tmp_path_factory):
    """A submission whose backward pass misses the ReLU mask, graded on Q1c and Q2d."""
    folder = copy_solution(tmp_path_factory.mktemp("mask") / "student")
    mutate(folder, NET, [("dz2 *= z2 > 0 ", "pass  ")])
    return grade(folder, only=["Q1c", "Q2d"])


def test_table_shows_hint_of_failed_and_note_of_passed_checks(masked_report):
    """Does the table print a one-line hint under the failed check and a note under the passed one?"""
    text = terminal.render(masked_report, width=110)
    lines = text.splitlines()
    hints = [line.strip() for line in lines if line.strip().startswith("hint: ")]
    notes = [line.strip() for line in lines if line.strip().startswith("note: ")]
    assert any("z2 > 0" in h for h in hints), text      # Q2d: the ReLU mask, named
    assert any("wrong: gradients" in n for n in notes), text  # Q1c passed, with what was right
    assert all(len(line) <= 110 for line in lines if line.strip()[:5] in ("hint:", "note:"))


def test_summary_says_where_the_details_are(masked_report):
    """Does the last line point to the HTML page and to `make grade V=1`, and -v print details of passes?"""
    text = terminal.render(masked_report, details_at="reports/student/index.html")
    assert "reports/student/index.html" in text.splitlines()[-1] and "make grade V=1" in text.splitlines()[-1]
    verbose = terminal.render(masked_report, verbose=True)
    [passed] = [r for r in masked_report.results if r.status == "passed"]
    assert explanation(passed).splitlines()[0] in verbose


def test_results_json_carries_details_and_notes_of_passed_checks(masked_report):
    """Does results.json hold the note and the details of a passed check, and the hint of a failed one?"""
    tests = gradescope.to_dict(masked_report)["tests"]
    by_check = {t["extra_data"]["check"]: t for t in tests}
    q1c, q2d = by_check["Q1c.vectorised"], by_check["Q2d.gradients"]
    assert "Note: right for N=400" in q1c["output"] and "lines of your code" in q1c["output"]
    assert "Hint: " in q2d["output"] and "without the ReLU mask" in q2d["output"]


def test_traceback_names_the_students_own_file(tmp_path):
    """Does a crash in loss() name student/two_layer_net.py and its line, not the child's temporary folder?"""
    folder = copy_solution(tmp_path / "student")
    mutate(folder, NET, [("dz2 = dz3 @ W2.T ", "dz2 = dz3 @ W2   ")])
    [result] = grade(folder, only=["Q2d"]).results
    line = 1 + next(i for i, text in enumerate((folder / NET).read_text().splitlines()) if "dz2 = dz3 @ W2 " in text)
    assert f"{folder}/two_layer_net.py, line {line}" in result.feedback, result.feedback
    assert "hlcv-probe-" not in full_text(result), full_text(result)
    assert f'File "{folder}/two_layer_net.py", line {line}' in result.details, result.details
