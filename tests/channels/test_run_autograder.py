"""run_autograder in a faithful /autograder layout, on the uploads a class really sends.

Each test unpacks the real zip, lays an upload into submission/, runs run_autograder as a
process and validates results.json against Gradescope's specification before asserting scores.
Most grade a few questions (AUTOGRADER_ONLY, the variable that exists for tests) to stay quick;
the reference grades the whole catalogue, CIFAR-10 trainings included, once.
"""
from __future__ import annotations

import os
import shutil
import stat
import threading
import time
import zipfile
from pathlib import Path

import pytest

from gradescope_layout import build_zip, make_root, run_autograder, scores_by_question, validate
from grading_helpers import SOLUTION, STUDENT, SUBMISSION_PY, catalogue_ids, copy_solution, mutate
from mutants_table import DATA_LOSS, RELU_MASK

QUICK = "Q0,Q1a"        # 6 points, ~4 s: enough to tell a graded upload from an ungraded one
QUICK_POINTS = 6.0
DATA = Path(os.environ.get("HLCV_DATA_DIR", Path(__file__).resolve().parents[2] / "data"))


@pytest.fixture(scope="module")
def zip_path(tmp_path_factory) -> Path:
    return build_zip(tmp_path_factory.mktemp("dist"))


@pytest.fixture
def root(tmp_path, zip_path) -> Path:
    return make_root(tmp_path, zip_path)


@pytest.mark.cifar
@pytest.mark.skipif(not (DATA / "cifar10" / "cifar10.npz").is_file(),
                    reason=f"CIFAR-10 is not set up in {DATA} (make data, or set HLCV_DATA_DIR)")
def test_reference_gets_full_marks_and_a_leaderboard(root):
    """Does the reference, graded on every check with the real CIFAR-10 trainings, get full marks
    and both test accuracies on the leaderboard, with torch never imported by the grading process?"""
    copy_solution(root / "submission")
    _, results = run_autograder(root, timeout=560)
    validate(results)
    max_score = sum(t["max_score"] for t in results["tests"])
    assert len(results["tests"]) == len(catalogue_ids())
    assert results["score"] == pytest.approx(max_score), scores_by_question(results)
    board = {e["name"]: e["value"] for e in results["leaderboard"]}
    assert len(board) == 2 and all(48.0 <= v <= 100.0 for v in board.values()), board
    assert all(e["order"] == "desc" for e in results["leaderboard"])
    assert results["extra_data"]["metadata"]["torch_in_grading_process"] is False, (
        "the grading process imported torch: the oracles must run in their own process")


def test_skeleton_scores_zero_on_every_check(root):
    """Does the untouched skeleton get a complete, valid results.json with 0 points everywhere?"""
    shutil.copytree(STUDENT, root / "submission", dirs_exist_ok=True)
    _, results = run_autograder(root)
    validate(results)
    assert [t["extra_data"]["check"] for t in results["tests"]] == catalogue_ids()
    assert results["score"] == 0, scores_by_question(results)
    assert {e["value"] for e in results["leaderboard"]} == {0.0}


@pytest.mark.parametrize("bug, replacements, loses, keeps", [  # two rows of the mutation table
    ("loss_sum_instead_of_mean", [(DATA_LOSS, DATA_LOSS.replace(".mean()", ".sum()"))], "Q1b", "Q1a"),
    ("no_relu_mask_in_backward", [(RELU_MASK, "pass  ")], "Q2d", "Q1b"),
])
def test_buggy_submission_loses_its_question_only(root, bug, replacements, loses, keeps):
    """Does a submission with one bug lose that question's points and keep its neighbour's?"""
    copy_solution(root / "submission")
    mutate(root / "submission", "two_layer_net.py", replacements)
    _, results = run_autograder(root, only=f"{loses},{keeps}")
    validate(results)
    by_question = scores_by_question(results)
    full = {q: sum(t["max_score"] for t in results["tests"] if t["extra_data"]["question"] == q)
            for q in (loses, keeps)}
    assert by_question[keeps] == full[keeps], (bug, by_question)
    assert by_question[loses] < full[loses], (bug, by_question)


def test_nested_folder_is_found(root):
    """Are files inside nested folders (with junk beside them) found and graded?"""
    nested = copy_solution(root / "submission" / "hw2" / "exercise2")
    (nested / "notes.txt").write_text("not graded")
    (root / "submission" / "__MACOSX").mkdir()
    _, results = run_autograder(root, only=QUICK)
    validate(results)
    assert results["score"] == QUICK_POINTS
    assert results["extra_data"]["upload"]["found_in"] == "hw2/exercise2"


def test_zip_upload_is_unpacked_without_its_links(root, tmp_path):
    """Is an uploaded .zip unpacked and graded, its notebook taken and a link inside it never
    recreated?"""
    with zipfile.ZipFile(root / "submission" / "exercise2.zip", "w") as zf:
        for name in SUBMISSION_PY:
            zf.write(SOLUTION / name, f"exercise2/{name}")
        zf.writestr("exercise2/exercise2.ipynb", '{"cells": []}')
        link = zipfile.ZipInfo("exercise2/evil_link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    _, results = run_autograder(root, only=QUICK)
    validate(results)
    assert results["score"] == QUICK_POINTS
    upload = results["extra_data"]["upload"]
    assert sorted(upload["taken"]) == sorted([*SUBMISSION_PY, "exercise2.ipynb"]), upload
    assert "exercise2.zip" in results["output"]


def test_links_and_oversized_files_are_refused_with_a_message(root):
    """Are a symlinked file and an oversized file refused with a message naming them, while the
    rest is graded?"""
    copy_solution(root / "submission", leave_out=("two_layer_net.py", "mlp.py"))
    (root / "submission" / "two_layer_net.py").symlink_to(SOLUTION / "two_layer_net.py")
    (root / "submission" / "mlp.py").write_text("# padding\n" * 400_000)  # 4 MB
    _, results = run_autograder(root, only=QUICK)
    validate(results)
    assert scores_by_question(results) == {"Q0": 2.0, "Q1a": 0.0}
    assert "two_layer_net.py was not taken: it is a link" in results["output"]
    assert "mlp.py was not taken: it is 3.8 MB" in results["output"]


def test_empty_upload_gets_a_valid_zero(root):
    """Does an empty upload get every check at 0 and a message saying what to upload?"""
    _, results = run_autograder(root)
    validate(results)
    assert len(results["tests"]) == len(catalogue_ids()) and results["score"] == 0
    assert "none of chain_rule.py, two_layer_net.py" in results["output"]


def test_forged_results_never_survive(root):
    """Does a submission that writes its own results.json (from the upload and at import time,
    into the results folder) still get the grader's score?"""
    forged = '{"score": 1000, "tests": [{"name": "forged", "score": 1000, "max_score": 1}]}'
    copy_solution(root / "submission")
    (root / "submission" / "results.json").write_text(forged)
    target = root / "results" / "results.json"
    chain = root / "submission" / "chain_rule.py"
    chain.write_text(chain.read_text() + f"\nfor _p in ({str(target)!r}, '/autograder/results/results.json'):\n"
                     f"    try:\n        open(_p, 'w').write({forged!r})\n    except OSError:\n        pass\n"
                     f"print({forged!r})\n")
    _, results = run_autograder(root, only=QUICK)
    validate(results)
    assert results["score"] == QUICK_POINTS
    assert "forged" not in [t["name"] for t in results["tests"]]


def test_exiting_the_interpreter_costs_only_the_checks(root):
    """Does code that exits the interpreter (os._exit at import, sys.exit in a call) cost only
    its own checks, with a valid results.json?"""
    copy_solution(root / "submission")
    net = root / "submission" / "two_layer_net.py"
    net.write_text("import os\nos._exit(0)\n" + net.read_text())
    chain = root / "submission" / "chain_rule.py"
    chain.write_text(chain.read_text() + "\n\ndef f(y):\n    import sys\n    sys.exit(0)\n")
    _, results = run_autograder(root, only="Q0,Q1a,Q4a")
    validate(results)
    by_question = scores_by_question(results)
    assert by_question["Q1a"] == 0 and by_question["Q4a"] == 3.0, by_question
    assert by_question["Q0"] < 2.0, by_question


def test_grade_past_its_deadline_is_stopped_with_nothing_left_running(root):
    """When the whole grade runs past AUTOGRADER_DEADLINE_S (here 4 s, while the hanging check's
    own limit is 20 s), is it stopped, every process it started gone, and the student told?"""
    name = f"hang{os.getpid() % 10**6}"  # the hanging process renames itself, so it can be found
    copy_solution(root / "submission")
    (root / "submission" / "chain_rule.py").write_text(
        f"import ctypes\nctypes.CDLL(None).prctl(15, {name.encode()!r}, 0, 0, 0)  # PR_SET_NAME\n"
        "while True:\n    pass\n")
    seen, done = [], threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.extend(_named(name))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        proc, results = run_autograder(root, only="Q0", AUTOGRADER_DEADLINE_S="4")
    finally:
        done.set()
        watcher.join()
    validate(results)
    assert seen, "the hanging code never ran; the test proves nothing"
    assert results["tests"][0]["name"] == "Grading timed out" and results["score"] == 0
    assert "AUTOGRADER_DEADLINE_S" in proc.stdout
    assert not _named(name), "processes of the stopped grade still run"


def _named(name: str) -> list[str]:
    """Pids of the processes whose name (comm) is `name`."""
    found = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == name:
                found.append(comm.parent.name)
        except OSError:
            continue
    return found


def test_grader_that_cannot_start_still_writes_results(root):
    """When the grader's interpreter does not exist, does run_autograder itself write an
    'autograder error, not your fault' result?"""
    copy_solution(root / "submission")
    proc, results = run_autograder(root, python=str(root / "no-such-python"))
    validate(results)
    assert results["score"] == 0 and "not your fault" in results["tests"][0]["output"]
    assert "wrote no results.json" in proc.stdout


def test_grader_that_fails_is_reported_as_not_the_students_fault(root):
    """When the grader exits without results (here: an unknown question), does the student see
    'not your fault' and the instructor the reason on stdout?"""
    copy_solution(root / "submission")
    proc, results = run_autograder(root, only="Q9z")
    validate(results)
    assert results["tests"][0]["name"] == "Autograder error (not your fault)"
    assert "no valid results.json" in proc.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can make the grader's files root-only")
def test_grader_files_are_root_only_after_grading(root):
    """As root (as on Gradescope), are source/ and results/ closed to other users?"""
    copy_solution(root / "submission")
    run_autograder(root, only="Q0")
    for name in ("source", "results"):
        mode = (root / name).stat().st_mode & 0o777
        assert mode == 0o700, f"{name}/ has mode {oct(mode)}"
