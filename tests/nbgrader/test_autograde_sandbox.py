"""Does `make autograde` keep a student's notebook in its sandbox? The red team of class_course.py
(mallory's attack cell, run by the real `nbgrader autograde` between two other students), a
notebook that outlives its limit, and the gradebook writer's checks of the grader's files.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.channels.nbgrader import manifest
from autograder.channels.nbgrader.autograde import describe_kernel, kernel_records
from autograder.channels.nbgrader.course import ASSIGNMENT, NOTEBOOK, auto_points, cell_id_of
from autograder.channels.nbgrader.gradebook import summary
from autograder.sandbox import isolation
from class_course import FAKE_SCORE, STUDENTS, VICTIM, Listener, digest
from course_helpers import channels, grades, release_notebook, submit, trimmed
from grading_helpers import REPO, STUDENT
from redteam_cells import HANG, attack_cell, attack_results
from sandbox_helpers import ROOT, open_folder, processes_with, wait_until_gone, world_readable_python  # noqa: F401 (fixture)

# What each attack must get at the namespaces and user levels: "blocked", or, for the two that
# succeed inside the kernel's own sandbox, the test that checks their effect never leaves it.
EFFECT_CHECKED = {"start a daemon": "test_nothing_the_kernel_started_outlives_it",
                  "plant links for nbgrader's writes": "test_links_planted_by_the_kernel_reach_nothing"}
HANG_LIMIT_S = 15


@pytest.fixture(scope="module")
def attacks(course):
    notebook = nbformat.read(course["root"] / "autograded" / "mallory" / ASSIGNMENT / f"{NOTEBOOK}.ipynb",
                             as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code" and "REDTEAM" in c.source)
    found = attack_results(cell.outputs)
    print("\n" + "\n".join(f"  {name}: {got}" for name, got in found.items()))
    return found


def require_sandbox(course) -> None:
    """Skip where the class's kernels got no isolation (level 'none': the attacks then succeed)."""
    level = kernel_records(course["root"])["mallory"]["level"]
    if level == "none":
        pytest.skip("this machine gives the kernels no isolation (level 'none', no bubblewrap, not root): "
                    "install bubblewrap or run the tests as root")


def test_every_attack_of_the_red_team_fails(course, attacks):
    """Does each of mallory's attacks fail in the autograde kernel (or stay inside its sandbox)?"""
    require_sandbox(course)
    expected = {"write the grader's code", "open the grader's engine.py for writing", "rewrite gradebook.db",
                "open gradebook.db for writing", "write another student's submitted folder",
                "write another student's autograded folder", "read another student's notebook",
                "read the home folder", "write the home folder", "read solution/",
                "read the instructor's environment", *EFFECT_CHECKED}
    assert expected <= set(attacks), f"attacks that did not report: {expected - set(attacks)}"
    assert any(name.startswith("connect to the host's listener") for name in attacks), attacks
    succeeded = {name: got for name, got in attacks.items() if name not in EFFECT_CHECKED and not got.startswith("blocked")}
    assert not succeeded, succeeded


def test_the_attacks_work_without_the_sandbox(tmp_path):
    """Control: run in a plain process against look-alike targets, does every attack succeed (so
    that their failure under `make autograde` is the sandbox's doing)?"""
    (tmp_path / "repo" / "autograder").mkdir(parents=True)
    (tmp_path / "repo" / "autograder" / "engine.py").write_text("# engine\n")
    (tmp_path / "repo" / "solution").mkdir()
    (tmp_path / "repo" / "solution" / "two_layer_net.py").write_text("# the solution\n")
    for name in ("submitted", "autograded", "home"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "two_layer_net.py").write_text("# victim\n")
    (tmp_path / "home" / "canary.txt").write_text("canary")
    (tmp_path / "submitted" / "exercise2.ipynb").write_text("{}")
    with sqlite3.connect(tmp_path / "gradebook.db") as db:
        db.execute("CREATE TABLE grade (auto_score FLOAT)")
        db.execute("INSERT INTO grade VALUES (1.0)")
    listener = Listener()
    targets = {"repo": str(tmp_path / "repo"), "planted": "redteam_control.py",
               "gradebook": str(tmp_path / "gradebook.db"), "score": FAKE_SCORE,
               "victim_submitted": str(tmp_path / "submitted" / "two_layer_net.py"),
               "victim_autograded": str(tmp_path / "autograded" / "two_layer_net.py"),
               "victim_notebook": str(tmp_path / "submitted" / "exercise2.ipynb"), "home": str(tmp_path / "home"),
               "secret_name": "HLCV_CONTROL_SECRET", "port": listener.port, "hosts": ["127.0.0.1"]}
    work = tmp_path / "kernel"
    work.mkdir()
    try:
        done = subprocess.run([sys.executable, "-c", attack_cell(targets)], cwd=work, capture_output=True, text=True,
                              timeout=60, env={**os.environ, "HLCV_CONTROL_SECRET": "s3cret"})
        got = attack_results([{"output_type": "stream", "text": done.stdout}])
        assert got and all(v.startswith("SUCCEEDED") for v in got.values()), got
        deadline = time.monotonic() + 10  # the daemon acts once the process that started it is gone
        while b"daemon" not in listener.received and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "mallory's daemon" in (tmp_path / "autograded" / "two_layer_net.py").read_text()
        assert b"daemon" in listener.received and b"mallory" in listener.received, listener.received
    finally:
        listener.close()
        for pid in processes_with("redteam_control"):
            os.kill(pid, 9)


def test_the_grader_and_the_gradebook_are_untouched(course):
    """After mallory: no file added to the grader (the manifest check passes), and no grade
    carries her score?"""
    require_sandbox(course)
    assert not list((REPO / "autograder").glob("redteam_*.py"))
    assert manifest.differences(course["root"]) == []
    with sqlite3.connect(f"file:{course['root'] / 'gradebook.db'}?mode=ro", uri=True) as db:
        scores = [row[0] for row in db.execute("SELECT auto_score FROM grade")]
    assert scores and FAKE_SCORE not in scores


def test_the_other_students_files_and_the_home_folder_are_untouched(course):
    """Are the victim's submitted and autograded files and the fake home folder as before?"""
    require_sandbox(course)
    root = course["root"]
    assert digest(root / "submitted" / VICTIM / ASSIGNMENT) == course["victim_before"]
    autograded = (root / "autograded" / VICTIM / ASSIGNMENT / "two_layer_net.py").read_text()
    assert autograded == (root / "submitted" / VICTIM / ASSIGNMENT / "two_layer_net.py").read_text()
    written = {p.name for p in course["home"].iterdir()} & {"mallory.txt", "daemon.txt"}
    assert not written and (course["home"] / "canary.txt").read_text().startswith("canary "), written


def test_nothing_the_kernel_started_outlives_it(course):
    """Is mallory's daemon gone after the run, having written and sent nothing?"""
    require_sandbox(course)
    token = course["targets"]["planted"]
    assert wait_until_gone(token, 1.0) == [], "mallory's daemon is still running"
    assert course["listener"].received == [], course["listener"].received
    assert "mallory's daemon" not in (course["root"] / "autograded" / VICTIM / ASSIGNMENT / "two_layer_net.py").read_text()


def test_links_planted_by_the_kernel_reach_nothing(course):
    """mallory replaced her notebook and results.json by links to gradebook.db in the kernel's
    folder: are nbgrader's and the writer's files real files, and gradebook.db still a database?"""
    require_sandbox(course)
    folder = course["root"] / "autograded" / "mallory" / ASSIGNMENT
    assert not [p for p in folder.rglob("*") if p.is_symlink()]
    assert nbformat.read(folder / f"{NOTEBOOK}.ipynb", as_version=4).cells
    with sqlite3.connect(f"file:{course['root'] / 'gradebook.db'}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert grades(course["root"], "mallory")[cell_id_of("Q0")][1] == auto_points()["Q0"]


def test_each_kernels_level_is_recorded_and_shown(course):
    """Does every student's kernel have a record of its level, shown by the writer's summary?"""
    records = kernel_records(course["root"])
    assert set(records) == set(STUDENTS), records
    strongest = isolation.resolve("auto").level
    assert {r["level"] for r in records.values()} == {strongest}, records
    assert not any(r["timed_out"] for r in records.values()), records
    for student, written in course["written"].items():
        assert f"kernel: {strongest} (" in summary(written).splitlines()[1], summary(written)
    log = course["autograde_log"]
    assert f"student kernels run at the isolation level {strongest!r}" in log, log[-3000:]


def test_kernels_whose_test_cells_graded_shut_down_when_asked(course):
    """Does a kernel whose test cells ran the grader (and its oracle process) end when nbgrader asks,
    rather than outlive nbgrader's shutdown wait and be terminated (a few seconds per student)?"""
    records = kernel_records(course["root"])
    for student in ("solution", "buggy", "skeleton"):
        assert records[student]["ended"] == "ended", (student, records[student])


@pytest.fixture(scope="module")
def hanger(course):
    """`make autograde STUDENT=hanger` on a notebook with a cell that outlasts the notebook's limit."""
    submit(course["root"], "hanger", trimmed(release_notebook(course["root"]), {cell_id_of("Q0"): HANG}), STUDENT)
    started = time.perf_counter()
    log = channels(course["root"], "autograde", "--course", str(course["root"]), "--student", "hanger",
                   "--notebook-timeout", str(HANG_LIMIT_S), "--", "--Execute.timeout=120", check=False)
    return {"log": log, "seconds": time.perf_counter() - started}


def test_a_notebook_past_its_limit_is_killed_and_recorded(course, hanger):
    """Is the endless notebook's kernel killed at the notebook's limit, the failure left to
    nbgrader (the writer grades the submitted files), and the other records kept?"""
    record = kernel_records(course["root"])["hanger"]
    assert record["timed_out"] and record["wall_s"] < HANG_LIMIT_S + 10, record
    assert f"killed at the notebook's limit of {HANG_LIMIT_S}" in describe_kernel(record)
    assert "ran past its limit" in hanger["log"], hanger["log"][-3000:]
    assert not (course["root"] / "autograded" / "hanger" / ASSIGNMENT).exists()
    assert set(STUDENTS) < set(kernel_records(course["root"])), "the earlier records were lost"


def test_the_gradebook_command_refuses_a_changed_grader(tmp_path):
    """With a grader file that differs from the manifest (or no manifest), does `make gradebook`'s
    command stop with exit 3 and say which file, before grading anything?"""
    (tmp_path / "gradebook.db").write_bytes(b"")
    command = [sys.executable, "-m", "autograder.channels.nbgrader", "gradebook", "--course", str(tmp_path)]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 3 and "make release" in done.stderr, done.stderr
    manifest.write(tmp_path)
    data = json.loads((tmp_path / manifest.MANIFEST).read_text())
    data["files"]["autograder/engine.py"] = "sha256:0"
    (tmp_path / manifest.MANIFEST).write_text(json.dumps(data))
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 3 and "changed: autograder/engine.py" in done.stderr, done.stderr
    script = subprocess.run([sys.executable, "-I", "-B", str(REPO / "autograder/channels/nbgrader/manifest.py"),
                             "check", "--course", str(tmp_path)], capture_output=True, text=True)
    assert script.returncode == 3 and "changed: autograder/engine.py" in script.stderr, script.stderr


def test_the_manifest_sees_changed_added_removed_and_linked_files(tmp_path):
    """Does the manifest name every kind of change, ignore bytecode (and delete it on a pass)?"""
    for package in manifest.PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    course = tmp_path / "course"
    course.mkdir()
    manifest.write(course, tmp_path)
    cache = tmp_path / "autograder" / "__pycache__"
    cache.mkdir()
    (cache / "engine.cpython-311.pyc").write_bytes(b"planted")
    manifest.verify(course, tmp_path)
    assert not cache.exists(), "a bytecode cache survived the check"
    (tmp_path / "autograder" / "engine.py").write_text("# changed\n")
    (tmp_path / "autograder" / "sitecustomize.py").write_text("# added\n")
    (tmp_path / "datasets" / "__init__.py").unlink()
    (tmp_path / "autograder" / "link.py").symlink_to("/etc/hostname")
    assert manifest.differences(course, tmp_path) == [
        "changed: autograder/engine.py", "removed: datasets/__init__.py", "added: autograder/link.py",
        "added: autograder/sitecustomize.py"]
    with pytest.raises(manifest.GraderChanged, match="make release"):
        manifest.verify(course, tmp_path)



# One sandboxed kernel started the way nbgrader starts it (jupyter_client, the run's kernel spec,
# IPC channels), by whoever runs this; prints what the kernel saw and the launcher's record.
ONE_KERNEL = '''import json, os, sys, tempfile
from pathlib import Path
from autograder.sandbox import isolation
from autograder.channels.nbgrader.kernel_sandbox import KERNEL_NAME, KernelLimits, write_run
course, secret = Path(sys.argv[1]), sys.argv[2]
folder = course / "autograded" / "student" / "ex2"
folder.mkdir(parents=True)
run = write_run(Path(tempfile.mkdtemp(dir=course)), course, isolation.resolve("auto"), KernelLimits(wall_s=60), None)
os.environ.update(JUPYTER_PATH=str(run.kernels_path), JUPYTER_RUNTIME_DIR=str(run.folder / "runtime"))
os.mkdir(run.folder / "runtime")
from jupyter_client import KernelManager
km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc", ip=str(run.socket_prefix))
km.start_kernel(cwd=str(folder))
kc = km.client()
kc.start_channels()
kc.wait_for_ready(60)
out = []
kc.execute_interactive(f"import os; print(os.getuid(), os.path.exists({secret!r}), os.getcwd())", timeout=60,
                       output_hook=lambda m: out.append(m["content"].get("text", "")))
kc.stop_channels()
km.shutdown_kernel()
print(json.dumps({"saw": "".join(out).split(), "record": json.loads((run.folder / "records" / "student.json").read_text())}))
'''


@pytest.mark.skipif(not ROOT or shutil.which("setpriv") is None, reason="needs root to become another user")
def test_a_normal_users_kernel_reaches_namespaces(open_folder):  # noqa: F811
    """With `make autograde` run by an unprivileged user: which level does the kernel reach, does
    it run as that user, and can it see that user's own files outside its folder?"""
    python = world_readable_python(open_folder)
    if python is None or not isolation.readable_by_others(REPO / "autograder" / "__init__.py"):
        pytest.skip("no Python or checkout that other users can read, to run as another user")
    nobody = pwd.getpwnam("nobody")
    course = open_folder / "normal-user-course"
    course.mkdir()
    secret = open_folder / "normal-user-secret.txt"
    secret.write_text("mine")
    for path in (course, secret):
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    done = subprocess.run(["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
                           str(python), "-c", ONE_KERNEL, str(course), str(secret)], cwd=REPO, capture_output=True,
                          text=True, timeout=180, env={"PATH": os.environ["PATH"], "HOME": str(course)})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\nas nobody: kernel at {result['record']['level']!r}; it saw uid, secret visible, cwd: {result['saw']}")
    if result["record"]["level"] != "namespaces":
        pytest.skip(f"unprivileged user namespaces are not available here ({result['record']['level']})")
    assert result["saw"] == [str(nobody.pw_uid), "False", str(course / "autograded" / "student" / "ex2")], result
