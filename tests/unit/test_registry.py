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


def _readme_rows() -> list[tuple[list[str], float, float, str]]:
    """(question ids, automatic points, points by hand, what is checked) of README's points table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index("## Checks and points"):text.index("## Gradescope")]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("Q"):
            continue
        name, points = cells[0], cells[1]
        match = re.fullmatch(r"(Q\d+)([a-z])-([a-z])", name)
        ids = [f"{match[1]}{chr(c)}" for c in range(ord(match[2]), ord(match[3]) + 1)] if match else [name.split()[0]]
        numbers = re.fullmatch(r"(\d+(?:\.\d+)?)(?: \+ (\d+(?:\.\d+)?) by hand)?|(\d+(?:\.\d+)?) by hand", points)
        assert numbers, f"README: the points {points!r} of {name} are not 'N', 'N + M by hand' or 'M by hand'"
        if numbers[3] is not None:
            rows.append((ids, None, float(numbers[3]), "|".join(cells[2:])))
        else:
            rows.append((ids, float(numbers[1]), float(numbers[2] or 0), "|".join(cells[2:])))
    return rows


def test_the_readme_points_table_matches_the_registry():
    """Does README's 'Checks and points' table give every question course.py's points and thresholds?"""
    rows = _readme_rows()
    listed = {i for ids, *_ in rows for i in ids}
    assert listed == set(COURSE.ids()), f"README lists {sorted(listed)}; course.py has {COURSE.ids()}"
    for ids, auto, hand, what in rows:
        questions = [COURSE.question(i) for i in ids]
        if auto is not None:
            assert auto == sum(q.auto_points for q in questions), f"README: {ids} show {auto} automatic points"
        assert hand == sum(q.hand_points for q in questions) or auto is not None and hand == 0 and not any(
            q.hand_points for q in questions), f"README: {ids} show {hand} points by hand"
        for q in questions:
            if q.cifar is not None and auto is not None:
                assert f"{q.cifar.full_at:.0%}" in what and f"{q.cifar.zero_at:.0%}" in what, (
                    f"README: the {q.id} row should say full points at {q.cifar.full_at:.0%}, 0 at {q.cifar.zero_at:.0%}")
    readme_text = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"worth {COURSE.total_auto_points():g} points" in readme_text
