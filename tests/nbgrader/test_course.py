"""Does a class's grade survive nbgrader for real? One temporary course, five submissions.

The real commands run in order: generate_assignment (new_course), autograde, the gradebook
writer (the sandbox grading step), generate_feedback, export. The gradebook is then read back
with nbgrader's API. Each submission tests one thing:

- solution: the instructor notebook (answers filled) with solution/*.py: every automatic point,
  the CIFAR-10 trainings included (the only CIFAR grading of these tests; skipped without data).
- skeleton: the release untouched: no automatic point, the answer cells unanswered.
- buggy: solution/*.py with one backward-pass bug (the regulariser's gradient lacks its 2):
  loses exactly Q2d's points (graded on the quick checks: the CIFAR trainings are left out).
- looper: a notebook cell that never ends (it calls f, which loops forever in chain_rule.py):
  nbgrader interrupts the cell, and only Q0 loses points (quick checks, as above).
- tamperer: skeleton .py files and a notebook cell that replaces the test cells' grader in its
  kernel: the kernel reports full marks, the gradebook gets none, every cell is flagged.
- crasher: the same, but its fake grader prints more points than a cell is worth, which makes
  nbgrader's autograde fail on the notebook: the writer still grades the submitted files.
"""
from __future__ import annotations

import csv
import html
import subprocess
import sys
import time

import pytest

import datasets
from autograder.catalogue import all_checks
from autograder.course import COURSE
from autograder.channels.nbgrader.course import (ASSIGNMENT, NOTEBOOK, auto_points, cell_id_of,
                                                 quick_check_ids)
from autograder.channels.batch.task import GradeOptions
from autograder.channels.nbgrader.gradebook import grade_students, submitted_students, summary, write_student
from course_helpers import (channels, grades, html_text, nbgrader, new_course, release_notebook,
                            solution_notebook, submit, trimmed)
from grading_helpers import REPO, SOLUTION, STUDENT, copy_solution, mutate
from mutants_table import GRAD_W1, GRAD_W2

HAS_DATA = datasets.npz_path().is_file()  # HLCV_DATA_DIR or the repository's data/
# nbgrader's per-cell limit in these tests (the course's is 180 s): the endless cell costs this
# much; the longest other cell (the first test cell, which grades every quick check) takes ~15 s.
LOOP_TIMEOUT_S = 30

TAMPER = '''# A student cell that replaces the test cells' grader in this kernel.
import autograder.channels.nbgrader.cell as cell
from autograder.channels.nbgrader.course import auto_points
FULL = auto_points()
def grade_cell(question, folder=None):
    print("PASS every check (so I say)")
    return FULL[question]
cell.grade_cell = grade_cell'''
CRASH = TAMPER.replace("return FULL[question]", "return 1e6")
STUDENTS = ("solution", "skeleton", "buggy", "looper", "tamperer", "crasher")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course after autograde, the writer, generate_feedback and export; {student: StudentGrade}."""
    root = new_course(tmp_path_factory.mktemp("nbgrader") / "course")
    work = tmp_path_factory.mktemp("submissions")
    buggy = copy_solution(work / "buggy")
    mutate(buggy, "two_layer_net.py", [(GRAD_W2, GRAD_W2.replace("(2.0 * reg)", "reg")),
                                       (GRAD_W1, GRAD_W1.replace("(2.0 * reg)", "reg"))])
    looper = copy_solution(work / "looper")
    mutate(looper, "chain_rule.py", [("return float(np.dot(y, y))", "while True:  # never returns\n        pass")])
    submit(root, "solution", trimmed(solution_notebook()), SOLUTION)
    submit(root, "skeleton", release_notebook(root), STUDENT)
    submit(root, "buggy", trimmed(release_notebook(root)), buggy)
    submit(root, "looper", trimmed(release_notebook(root), {
        cell_id_of("Q0"): "import numpy as np\nimport chain_rule\nchain_rule.f(np.ones(3))"}), looper)
    submit(root, "tamperer", trimmed(release_notebook(root), {cell_id_of("Q0"): TAMPER}), STUDENT)
    submit(root, "crasher", trimmed(release_notebook(root), {cell_id_of("Q0"): CRASH}), STUDENT)

    # One run for every student, as a course would; the crasher makes it exit non-zero.
    started = time.perf_counter()
    crash_log = nbgrader(root, "autograde", ASSIGNMENT, f"--Execute.timeout={LOOP_TIMEOUT_S}", check=False)
    print(f"\nautograde of {len(STUDENTS)} submissions: {time.perf_counter() - started:.0f} s")
    kernel = {s: grades(root, s) for s in STUDENTS}

    quick = quick_check_ids()
    only = {"solution": None if HAS_DATA else quick, "buggy": quick, "looper": quick,
            "skeleton": None, "tamperer": None, "crasher": None}  # skeletons: CIFAR checks skipped anyway
    # The looper's endless f() hits each Q0 check's time limit: scaled down, as hang tests are.
    options = {student: GradeOptions(only=",".join(selection or ()), time_scale=0.25 if student == "looper" else 1.0,
                                     html=False) for student, selection in only.items()}
    started = time.perf_counter()
    reports = grade_students(root, ASSIGNMENT, options, jobs=2)  # the writer's grades, two at a time
    written = {student: write_student(root, ASSIGNMENT, student, reports[student]) for student in only}
    print(f"writer, {len(only)} students: {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    nbgrader(root, "generate_feedback", ASSIGNMENT, "--force")
    nbgrader(root, "export", "--to", "grades.csv")
    print(f"generate_feedback + export: {time.perf_counter() - started:.0f} s")
    return {"root": root, "written": written, "kernel": kernel, "crash_log": crash_log}


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
    assert "partial credit cannot be greater than maximum points" in course["crash_log"], \
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
