"""autograder/registry.py and course.py: does one declaration per question drive every list, and
does a wrong value stop the grader with a message naming it? (Unit tier: no grade, no data.)"""
from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import replace

import pytest

from autograder.__main__ import main as cli
from autograder.assign import README_BEGIN, README_END, synced_readme
from autograder.catalogue import all_checks
from autograder.channels.gradescope.run import annotate
from autograder.channels.handout.package import readme
from autograder.channels.stage import EXPECTED
from autograder.course import COURSE, QUESTIONS
from autograder.registry import Column, Course, CourseSettingsError, Points, Question
from grading_helpers import REPO


def test_the_catalogue_is_the_registry():
    """Are the catalogue's checks exactly course.py's, in its order and with its points?"""
    checks = all_checks()
    assert [c.id for c in checks] == [i for q in COURSE.graded() for i in q.check_ids]
    for chk in checks:
        assert chk.points == COURSE.question(chk.question).points_of(chk.id.split(".")[1])
    assert sum(c.points for c in checks) == COURSE.total_auto_points() == 33.0


def test_lists_derive_from_the_registry():
    """Do the student files, the CIFAR-10 checks, the hand-graded cells and the routing come from it?"""
    assert EXPECTED == COURSE.submission_files() == ("chain_rule.py", "two_layer_net.py", "hyperparams.py", "mlp.py")
    assert COURSE.cifar_check_ids() == ("Q3b.cifar_accuracy", "Q4b.cifar_accuracy")
    assert COURSE.hand_cells() == {"answer_Q2a": 2.0, "answer_Q2b": 2.0, "answer_Q2c": 6.0, "report_Q3b": 0.0,
                                   "answer_Q4c": 4.0}
    assert COURSE.kind_of_files(("mlp.py", "hyperparams.py")) == "torch"
    assert COURSE.kind_of_files(("two_layer_net.py", "hyperparams.py")) == "numpy"
    assert all(m.startswith("autograder.checks.") for m in COURSE.preloads()["torch"])
    assert "autograder.checks.q4_mlp" not in COURSE.preloads()["numpy"]


def test_a_question_that_needs_torch_routes_its_files_to_torch():
    """Does a torch question make its student file a torch one, whatever the file's name?"""
    course = COURSE.adding(Question("Q9", "a torch question", "vision.py", "q9_vision", (Points("run", 1.0),),
                                    needs_torch=True))
    assert course.kind_of_files(("vision.py",)) == "torch" and "vision.py" in course.submission_files()
    assert "autograder.checks.q9_vision" in course.preloads()["torch"]
    assert "autograder.checks.q9_vision" not in course.preloads()["numpy"]


@pytest.mark.parametrize("change, named", [
    (dict(time_scale=0), "time_scale = 0"),
    (dict(time_scale=float("nan")), "time_scale = nan"),
])
def test_a_bad_course_setting_is_named(change, named):
    """Is a bad course-wide value refused with its name and value?"""
    with pytest.raises(CourseSettingsError, match=re.escape(named)):
        replace(COURSE, **change)


def _q3b(**cifar) -> Question:
    q = COURSE.question("Q3b")
    return replace(q, cifar=replace(q.cifar, **cifar))


@pytest.mark.parametrize("replaced, make, named", [
    ("Q3b", lambda: _q3b(full_at=48), "full_at = 48 is not an accuracy in [0, 1]"),
    ("Q3b", lambda: _q3b(zero_at=0.5), "zero_at = 0.5 must be below full_at = 0.48"),
    ("Q3b", lambda: _q3b(max_macs=-1.0), "max_macs = -1.0"),
    ("Q3b", lambda: _q3b(check="other"), "'other' is not one of its checks"),
    ("Q1a", lambda: replace(COURSE.question("Q1a"), checks=(Points("toy_probabilities", -1.5),)),
     "the points of toy_probabilities = -1.5"),
    ("Q2a", lambda: replace(COURSE.question("Q2a"), hand_cell=""), "hand_points=2 need the notebook cell"),
    ("Q0", lambda: replace(COURSE.question("Q0"), file="chain rule.py"), "file 'chain rule.py'"),
    ("Q0", lambda: replace(COURSE.question("Q0"), id="q0"), "question 'q0'"),
    ("Q3b", lambda: replace(COURSE.question("Q3b"), leaderboard=(Column("nope", "x"),)), "reads check 'nope'"),
])
def test_a_bad_question_setting_is_named(replaced, make, named):
    """Is a bad value of one question refused with the question, the field and the value?"""
    questions = tuple(make() if q.id == replaced else q for q in QUESTIONS)
    with pytest.raises(CourseSettingsError, match=re.escape(named)):
        Course(questions)


def test_a_question_declared_twice_is_refused():
    with pytest.raises(CourseSettingsError, match="declared twice"):
        COURSE.adding(COURSE.question("Q0"))


def test_the_cli_prints_the_registry():
    """Does `python -m autograder questions --json` print what course.py says?"""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli(["questions", "--json"]) == 0
    printed = json.loads(out.getvalue())
    assert printed == json.loads(json.dumps(COURSE.as_json()))
    assert [q["id"] for q in printed["questions"]] == list(COURSE.ids())
    assert printed["total_auto_points"] == 33.0 and printed["total_hand_points"] == 14.0
    table = io.StringIO()
    with contextlib.redirect_stdout(table):
        cli(["questions"])
    assert "Q2d   backward pass" in table.getvalue() and "total" in table.getvalue()


def test_the_leaderboard_columns_come_from_the_registry():
    """Does run_autograder's leaderboard list course.py's columns with the checks' accuracies?"""
    tests = [{"extra_data": {"check": "Q3b.cifar_accuracy", "test_accuracy": 0.5012}},
             {"extra_data": {"check": "Q4b.cifar_accuracy", "test_accuracy": 0.52}}]
    board = annotate({"tests": tests, "output": ""}, {"notes": []})["leaderboard"]
    assert [b["name"] for b in board] == [c.name for _, c in COURSE.leaderboard()]
    assert [b["value"] for b in board] == [50.12, 52.0]


def test_the_handout_readme_is_the_registry():
    """Is the handout README's points table generated from course.py?"""
    text = readme()
    assert COURSE.points_table() in text and "{{" not in text
    for q in COURSE.questions:
        assert f"| {q.id} {q.title}" in text


def test_the_readme_points_table_is_the_registry():
    """Is README's 'Checks and points' table the one course.py generates (`make student` writes it)?"""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert README_BEGIN in text and README_END in text
    assert synced_readme(text) == text, "README.md's points table is stale: run `make student`"
    table = text[text.index(README_BEGIN):text.index(README_END)]
    for q in COURSE.questions:
        assert f"| {q.id} {q.title}" in table
        if q.cifar is not None:
            assert f"full points at {q.cifar.full_at:.0%} test accuracy, 0 at {q.cifar.zero_at:.0%}" in table
