"""Does a class's grade survive nbgrader for real? The class of class_course.py (seven
submissions, one `make autograde`, the gradebook writer, generate_feedback, export), read back
with nbgrader's API; each test reads what one submission was made to show.
"""
from __future__ import annotations

import csv
import html
import subprocess
import sys

import pytest

from autograder.catalogue import all_checks
from autograder.course import COURSE
from autograder.channels.nbgrader.course import ASSIGNMENT, NOTEBOOK, auto_points, cell_id_of, quick_check_ids
from autograder.channels.nbgrader.gradebook import submitted_students, summary
from class_course import HAS_DATA, STUDENTS
from course_helpers import channels, grades, html_text
from grading_helpers import REPO


def quick_points() -> dict[str, float]:
    """{question: automatic points without the CIFAR-10 trainings}."""
    points: dict[str, float] = {}
    for chk in all_checks():
        if chk.points and chk.id in quick_check_ids():
            points[chk.question] = points.get(chk.question, 0.0) + chk.points
    return points


def auto_scores(course, student) -> dict[str, float]:
    book = grades(course["root"], student)
    return {q: book[cell_id_of(q)][0] for q in auto_points()}


@pytest.mark.cifar
def test_the_solution_gets_every_automatic_point(course):
    """Does the solution get every automatic point, CIFAR-10 trainings included?"""
    if not HAS_DATA:
        pytest.skip("CIFAR-10 is not set up (`make data`, or HLCV_DATA_DIR=<folder with "
                    "cifar10/cifar10.npz>): the solution was graded on the quick checks only")
    assert auto_scores(course, "solution") == auto_points(), course["written"]["solution"].report.results


def test_the_solution_keeps_every_quick_point_and_agrees_with_its_kernel(course):
    """Does the solution's kernel agree with the sandbox on every cell (no flag)?"""
    written = course["written"]["solution"]
    assert not written.flags, [(c.question, c.kernel, c.comparable) for c in written.flags]
    # The writer's summary says why the kernel's Q3b/Q4b differ without a flag.
    lines = {line.split()[0]: line for line in summary(written).splitlines()[1:]}
    assert all("CIFAR-10 training: graded here only" in lines[q] for q in ("Q3b", "Q4b")), lines
    assert not any("graded here only" in lines[q] for q in ("Q0", "Q2d", "Q4a")), lines
    scores = auto_scores(course, "solution")
    for question, points in quick_points().items():
        assert scores[question] >= points, f"{question}: {scores[question]} < {points}"


def test_the_skeleton_gets_no_automatic_point_and_no_answer(course):
    """Does the untouched release score 0 everywhere, the answer cells included?"""
    book = grades(course["root"], "skeleton")
    assert all(book[cell_id_of(q)][0] == 0 for q in auto_points()), book
    for grade_id, points in COURSE.hand_cells().items():
        assert book[grade_id][:2] == (0, points), f"{grade_id}: unanswered, so 0 of {points}: {book[grade_id]}"


def test_the_manual_cells_are_there_with_their_points(course):
    """Are Q2a-c, the Q3b report and Q4c in the gradebook, waiting for a person when answered?"""
    book = grades(course["root"], "solution")
    for grade_id, points in COURSE.hand_cells().items():
        score, max_score, needs_manual = book[grade_id]
        assert max_score == points and needs_manual and score is None, (grade_id, book[grade_id])
    assert sum(COURSE.hand_cells().values()) == 14


def test_one_backward_bug_loses_exactly_q2d(course):
    """Does a regulariser gradient without its 2 cost Q2d's points and nothing else?"""
    scores = auto_scores(course, "buggy")
    assert scores["Q2d"] < quick_points()["Q2d"], scores
    for question, points in quick_points().items():
        if question != "Q2d":
            assert scores[question] == points, f"{question}: {scores[question]} of {points}"


def test_the_endless_cell_costs_only_its_question(course):
    """Is the looping cell interrupted, and does only Q0 lose points?"""
    scores = auto_scores(course, "looper")
    assert scores["Q0"] < quick_points()["Q0"], scores
    for question, points in quick_points().items():
        if question != "Q0":
            assert scores[question] == points, f"{question}: {scores[question]} of {points}"
    looper = course["root"] / "autograded" / "looper" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    assert "CellTimeoutError" in looper.read_text() or "KeyboardInterrupt" in looper.read_text()


def test_the_tamperer_gains_nothing_and_is_flagged(course):
    """Does replacing the grader in the kernel fool nbgrader but not the gradebook?"""
    kernel = course["kernel"]["tamperer"]
    assert all(kernel[cell_id_of(q)][0] == p for q, p in auto_points().items()), \
        "the tampering cell no longer fools the kernel: the test lost its point"
    assert all(score == 0 for score in auto_scores(course, "tamperer").values())
    flagged = {c.question for c in course["written"]["tamperer"].flags}
    assert flagged == set(auto_points()), flagged
    book = grades(course["root"], "tamperer")
    assert all(book[cell_id_of(q)][2] for q in flagged), "a flagged cell must need manual grading"


def test_partial_credit_reaches_the_gradebook_from_the_kernel(course):
    """Does nbgrader read the test cell's float, a 0 as 0 and a fraction as a fraction?"""
    kernel = course["kernel"]
    assert kernel["skeleton"][cell_id_of("Q1a")][0] == 0
    assert 0 < kernel["buggy"][cell_id_of("Q2d")][0] < auto_points()["Q2d"], kernel["buggy"]
    assert kernel["looper"][cell_id_of("Q1a")][0] == auto_points()["Q1a"], kernel["looper"]


def test_feedback_shows_the_engines_lines(course):
    """Does each student's HTML feedback carry the engine's feedback lines, and the flag?"""
    root = course["root"]
    for student in ("buggy", "tamperer"):
        page = html_text(root / "feedback" / student / ASSIGNMENT / f"{NOTEBOOK}.html")
        for result in course["written"][student].report.results:
            if result.question not in auto_points():  # Q4c: no test cell (its points are by hand)
                continue
            assert html.escape(result.title, quote=False) in page, (student, result.title)
        q2d = next(r for r in course["written"][student].report.results if r.question == "Q2d")
        assert html.escape(q2d.feedback[:60], quote=False) in page, (student, q2d.feedback)
    page = html_text(root / "feedback" / "tamperer" / ASSIGNMENT / f"{NOTEBOOK}.html")
    assert "the course&#39;s grade above counts" in page or "the course's grade above counts" in page


def test_export_has_the_sandbox_totals(course):
    """Does `nbgrader export` list every student with the gradebook's totals?"""
    with open(course["root"] / "grades.csv") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(STUDENTS)
    for student, written in course["written"].items():
        assert float(rows[student]["raw_score"]) == pytest.approx(written.report.score), student
    assert float(rows["tamperer"]["raw_score"]) == 0


def test_a_notebook_that_breaks_autograde_still_gets_its_sandbox_grade(course):
    """When a cell's output makes nbgrader's autograde fail, are the submitted files still graded?"""
    assert "partial credit cannot be greater than maximum points" in course["autograde_log"], \
        "the crasher no longer breaks autograde: the test lost its point"
    assert not (course["root"] / "autograded" / "crasher" / ASSIGNMENT).exists()
    assert all(score == 0 for score in auto_scores(course, "crasher").values())
    assert {c.question for c in course["written"]["crasher"].flags} == set(auto_points())
    assert "crasher" in submitted_students(course["root"], ASSIGNMENT), "`make gradebook` would skip it"


def test_the_gradebook_command_reports_flags(course):
    """Does `python -m autograder.channels.nbgrader gradebook` (what `make gradebook` runs) regrade,
    print the flags and keep the tamperer at 0?"""
    out = channels(course["root"], "gradebook", "--course", str(course["root"]), "--student", "tamperer")
    assert "tamperer: 0/" in out and "FLAG" in out and "1 submission(s) written" in out, out
    assert all(score == 0 for score in auto_scores(course, "tamperer").values())


def test_the_gradebook_command_says_what_to_run_first(tmp_path):
    """Without a gradebook, does the command exit 3 and name `nbgrader autograde`?"""
    done = subprocess.run([sys.executable, "-m", "autograder.channels.nbgrader", "gradebook", "--course",
                           str(tmp_path)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 3 and "nbgrader autograde ex2" in done.stderr, done.stderr
