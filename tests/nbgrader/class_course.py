"""The class the nbgrader tests share: one temporary course, seven submissions, one `make autograde`.

The real commands run in order: generate_assignment (new_course), `make autograde`'s command (the
real `nbgrader autograde`, every kernel sandboxed), the gradebook writer (the sandbox grading
step), generate_feedback, export. The gradebook is then read back with nbgrader's API. Each
submission tests one thing:

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
- mallory: the red team (redteam_cells.py): skeleton .py files, a fake grader as the tamperer's
  (so her notebook runs in seconds) and one cell that attacks the instructor's machine: the
  grader's code, gradebook.db, buggy's folders (autograded before her), a fake home folder, a
  listener on the host, solution/, a daemon for after the run. Graded between buggy and solution.
"""
from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import psutil

import datasets
from autograder.channels.nbgrader.course import ASSIGNMENT, NOTEBOOK, cell_id_of, quick_check_ids
from autograder.channels.batch.task import GradeOptions
from autograder.channels.nbgrader.gradebook import grade_students, write_student
from course_helpers import channels, grades, nbgrader, new_course, release_notebook, solution_notebook, submit, trimmed
from grading_helpers import REPO, SOLUTION, STUDENT, copy_solution, mutate
from mutants_table import GRAD_W1, GRAD_W2
from redteam_cells import attack_cell

HAS_DATA = datasets.npz_path().is_file()  # HLCV_DATA_DIR or the repository's data/
# nbgrader's per-cell limit in these tests (the course's is 180 s): the endless cell costs this
# much. The longest other cell is the looper's first test cell, which grades every quick check
# and waits for its endless Q0 probes to hit their limits: 30 s on a 2-core machine with a load
# of 2, sandboxed or not (measured), more when busier; a cell past this limit fails the notebook.
LOOP_TIMEOUT_S = 60
# The whole notebook's limit in these tests (make autograde's default is 900 s): the looper's
# notebook, the longest, takes ~60 s on a busy 2-core machine.
NOTEBOOK_TIMEOUT_S = 300

TAMPER = '''# A student cell that replaces the test cells' grader in this kernel.
import autograder.channels.nbgrader.cell as cell
from autograder.channels.nbgrader.course import auto_points
FULL = auto_points()
def grade_cell(question, folder=None):
    print("PASS every check (so I say)")
    return FULL[question]
cell.grade_cell = grade_cell'''
CRASH = TAMPER.replace("return FULL[question]", "return 1e6")
STUDENTS = ("solution", "skeleton", "buggy", "looper", "tamperer", "crasher", "mallory")
VICTIM = "buggy"              # autograded before mallory: both of its folders exist when she runs
SECRET_NAME = "INSTRUCTOR_API_TOKEN"
FAKE_SCORE = 12.345           # what mallory would write into every gradebook row


class Listener:
    """A TCP server on every interface of the host that records what connects to it."""

    def __init__(self):
        self.sock = socket.create_server(("0.0.0.0", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(64) or b"(connected)")
                except OSError:
                    self.received.append(b"(connected)")

    def close(self):
        self.sock.close()


def host_addresses() -> list[str]:
    """127.0.0.1 and the host's other IPv4 addresses."""
    found = ["127.0.0.1"]
    for addresses in psutil.net_if_addrs().values():
        found += [a.address for a in addresses if a.family == socket.AF_INET and a.address not in found]
    return found


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build(tmp_path_factory) -> dict:
    """The course after autograde, the writer, generate_feedback and export."""
    root = new_course(tmp_path_factory.mktemp("nbgrader") / "course")
    work = tmp_path_factory.mktemp("submissions")
    home = tmp_path_factory.mktemp("instructor-home")
    (home / "canary.txt").write_text("canary " + uuid.uuid4().hex)
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

    listener = Listener()
    victim = root / "submitted" / VICTIM / ASSIGNMENT
    targets = {"repo": str(REPO), "planted": f"redteam_{uuid.uuid4().hex}.py", "gradebook": str(root / "gradebook.db"),
               "score": FAKE_SCORE, "victim_submitted": str(victim / "two_layer_net.py"),
               "victim_autograded": str(root / "autograded" / VICTIM / ASSIGNMENT / "two_layer_net.py"),
               "victim_notebook": str(victim / f"{NOTEBOOK}.ipynb"), "home": str(home),
               "secret_name": SECRET_NAME, "port": listener.port, "hosts": host_addresses()}
    submit(root, "mallory", trimmed(release_notebook(root), {cell_id_of("Q0"): attack_cell(targets) + "\n\n" + TAMPER}),
           STUDENT)
    victim_before = digest(victim)

    # One run for every student, as a course would (`make autograde`); the crasher makes it exit non-zero.
    started = time.perf_counter()
    env = {"HOME": str(home), SECRET_NAME: uuid.uuid4().hex}
    log = channels(root, "autograde", "--course", str(root), "--notebook-timeout", str(NOTEBOOK_TIMEOUT_S),
                   "--", f"--Execute.timeout={LOOP_TIMEOUT_S}", check=False, env=env)
    print(f"\nmake autograde of {len(STUDENTS)} submissions: {time.perf_counter() - started:.0f} s")
    kernel = {s: grades(root, s) for s in STUDENTS}

    quick = quick_check_ids()
    only = {"solution": None if HAS_DATA else quick, "buggy": quick, "looper": quick,
            "skeleton": None, "tamperer": None, "crasher": None, "mallory": None}  # skeletons: CIFAR checks skipped anyway
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
    listener.close()
    return {"root": root, "written": written, "kernel": kernel, "autograde_log": log, "home": home,
            "targets": targets, "listener": listener, "victim_before": victim_before}


def cleanup() -> None:
    """Remove what a failed sandbox would have let the red team plant in the repository."""
    for planted in (REPO / "autograder").glob("redteam_*.py"):
        planted.unlink()
