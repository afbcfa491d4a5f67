"""results.json as Gradescope reads it, written by the real reporter from real gradings."""
from __future__ import annotations

import pytest

from autograder.catalogue import QUESTIONS
from autograder.results import GradeReport
from grading_helpers import strict_json, write_results
from autograder.reporters import gradescope

TEST_FIELDS = ("name", "number", "score", "max_score", "output", "visibility", "status", "extra_data")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


@pytest.fixture(scope="module", params=["solution", "student"])
def graded(request, tmp_path_factory) -> tuple[GradeReport, dict]:
    """(report, results.json) of the reference (quick checks) and of the skeleton (whole catalogue)."""
    report = request.getfixturevalue(f"{request.param}_report")
    return report, write_results(report, tmp_path_factory.mktemp(request.param))


def test_top_level_fields(graded):
    """Does results.json carry a numeric score, an execution_time and a list of tests?"""
    report, results = graded
    assert isinstance(results["score"], (int, float)) and not isinstance(results["score"], bool)
    assert isinstance(results["execution_time"], (int, float)) and results["execution_time"] >= 0
    assert isinstance(results["tests"], list) and len(results["tests"]) == len(report.results)


def test_every_test_has_the_gradescope_fields(graded):
    """Does every test entry have name, number, score, max_score, output, visibility, status and
    extra_data with its question?"""
    _, results = graded
    for test in results["tests"]:
        missing = [f for f in TEST_FIELDS if f not in test]
        assert not missing, f"{test.get('name')}: missing {missing}"
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["number"], str) and test["number"]
        assert isinstance(test["output"], str) and test["output"].strip()
        assert test["visibility"] in VISIBILITIES
        assert test["status"] in ("passed", "failed")
        assert test["extra_data"]["question"] in QUESTIONS
        assert test["name"].startswith(test["extra_data"]["question"] + ": ")
        assert 0 <= test["score"] <= test["max_score"]


def test_scores_add_up(graded):
    """Is the top-level score the sum of the tests' scores, and equal to the report's score?"""
    report, results = graded
    total = sum(t["score"] for t in results["tests"])
    assert results["score"] == pytest.approx(total, abs=1e-6)
    assert results["score"] == pytest.approx(report.score, abs=1e-6)
    assert results["extra_data"]["max_score"] == pytest.approx(
        sum(t["max_score"] for t in results["tests"]), abs=1e-6)


def test_tests_mirror_the_report(graded):
    """Does each test entry carry exactly its CheckResult's score, maximum and pass/fail?"""
    report, results = graded
    for test, result in zip(results["tests"], report.results):
        assert test["extra_data"]["check"] == result.check_id
        assert test["score"] == result.points and test["max_score"] == result.max_points
        assert test["status"] == ("passed" if result.status == "passed" else "failed")


def test_numbers_are_unique(graded):
    """Are the test numbers unique, so Gradescope shows every check?"""
    _, results = graded
    numbers = [t["number"] for t in results["tests"]]
    assert len(numbers) == len(set(numbers)), numbers


def test_whole_catalogue_covers_every_question(student_report, tmp_path):
    """Do the question ids of a whole-catalogue results.json cover Q0 through Q4c, in order?"""
    results = write_results(student_report, tmp_path)
    questions = [t["extra_data"]["question"] for t in results["tests"]]
    assert sorted(set(questions), key=QUESTIONS.index) == list(QUESTIONS)
    assert questions == sorted(questions, key=QUESTIONS.index), "tests are not in question order"


def test_reference_gets_its_full_quick_score(solution_report, tmp_path):
    """Does the reference's results.json report every quick check passed with full points?"""
    results = write_results(solution_report, tmp_path)
    failing = [t["name"] for t in results["tests"]
               if t["status"] != "passed" and t["extra_data"]["question"] != "Q4c"]
    assert not failing, failing


def test_written_file_is_strict_json_text(solution_report, tmp_path):
    """Is the file itself strict, ASCII-only JSON ending in a newline?"""
    path = gradescope.write(solution_report, tmp_path / "nested" / "results.json")
    text = path.read_text()
    assert text.isascii() and text.endswith("\n")
    strict_json(text)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".results-")], "temp file left"
