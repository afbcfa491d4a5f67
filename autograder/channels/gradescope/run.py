"""The Python half of `run_autograder`: stage the upload, lock the grader's files away from student
code, grade in a separate process, and always leave a valid results.json with a leaderboard.

    python -m autograder.channels.gradescope.run    (run_autograder calls it; see its variables)

The grader writes into a private folder and only this process copies the result to
`/autograder/results`, after the grader and every child are gone: whatever student code wrote there
meanwhile is replaced. Any failure of this file or of the grader ends in the "autograder error,
not your fault" results of `fallback_results`, with the traceback on stdout (instructors only).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from ..fallback import fallback_results, kill_tree, read_results, write_json
from ..stage import stage

# The two CIFAR-10 checks whose test accuracy goes on Gradescope's leaderboard, and its column.
LEADERBOARD = (("Q3b.cifar_accuracy", "numpy net test accuracy (%)"),
               ("Q4b.cifar_accuracy", "PyTorch MLP test accuracy (%)"))


def main() -> int:
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    results_file = root / "results" / "results.json"
    started = time.monotonic()
    try:
        results = grade_upload(root)
    except Exception:
        traceback.print_exc(file=sys.stdout)  # stdout: Gradescope shows it to instructors only
        results = fallback_results(time.monotonic() - started)
    write_json(results, results_file)
    print(f"results.json: score {results['score']:g} ({len(results['tests'])} tests)")
    return 0


def grade_upload(root: Path) -> dict:
    """Stage, lock down, grade; the results with the upload notes, container and leaderboard."""
    source = Path(__file__).resolve().parents[3]
    data = Path(os.environ.get("HLCV_DATA_DIR", root / "data"))
    lock_down(root, source, data)
    work = Path(tempfile.mkdtemp(prefix="hlcv-gradescope-"))
    try:
        staged = stage(root / "submission", work / "submission")
        os.chmod(work, 0o755)  # the sandbox user reads the staged copies; the results stay private
        private = work / "grader"
        private.mkdir(mode=0o700)
        command = [sys.executable, "-m", "autograder", "grade", str(staged.folder),
                   "--results", str(private / "results.json"), "--report", str(private),
                   "--no-html", "--isolation", "auto", "--workers", "auto", "--time-scale", "auto"]
        only = os.environ.get("AUTOGRADER_ONLY", "")  # tests only: grade a subset (see README)
        if only:
            command += ["--only", only]
        deadline = float(os.environ.get("AUTOGRADER_DEADLINE_S", "560"))
        print("$ " + " ".join(command), flush=True)
        started = time.monotonic()
        # Its own session, so that at the deadline the grader and everything it started go at once.
        process = subprocess.Popen(command, cwd=source, stdin=subprocess.DEVNULL, start_new_session=True)
        reason = "grader_error"
        try:
            code = process.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            kill_tree(process.pid)
            code = process.wait()
            reason = "timed_out"
            print(f"the grader ran past {deadline:.0f} s (AUTOGRADER_DEADLINE_S) and was stopped", flush=True)
        results = read_results(private / "results.json")
        if results is None:
            print(f"the grader ended with exit code {code} and no valid results.json", flush=True)
            results = fallback_results(time.monotonic() - started, reason)
        tests = source / "instructor_tests"
        if (tests / "manifest.json").is_file():  # the instructor's own tests (make gradescope TESTS=...)
            left = deadline - (time.monotonic() - started)
            merge_instructor_tests(results, run_instructor_tests(staged.folder, tests, private, source, left))
        return annotate(results, staged.as_dict())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_instructor_tests(staged: Path, tests: Path, private: Path, source: Path, left_s: float) -> dict:
    """The instructor's tests as results.json entries, from their own process (each test in a
    sandboxed child there); every test failed with the reason when that process fails."""
    from ...extra_tests.entries import failed_entries

    out = private / "instructor_tests.json"
    command = [sys.executable, "-m", "autograder.extra_tests", str(staged), "--tests", str(tests),
               "--results", str(out), "--isolation", "auto", "--time-scale", "auto"]
    print("$ " + " ".join(command), flush=True)
    process = subprocess.Popen(command, cwd=source, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=max(left_s, 30.0))  # what the grade left of the deadline, at least 30 s
    except subprocess.TimeoutExpired:
        kill_tree(process.pid)
        process.wait()
        return failed_entries(tests, "The course's own tests ran out of time after the autograder's checks.")
    try:
        found = json.loads(out.read_text(encoding="utf-8"))
        if isinstance(found.get("tests"), list) and isinstance(found.get("leaderboard"), list):
            return found
    except (OSError, ValueError, AttributeError):
        pass
    return failed_entries(tests, "Autograder error, not your fault: the course's own tests could not run.")


def merge_instructor_tests(results: dict, extra: dict) -> None:
    """Put the instructor's tests beside the harness's checks; the total is their sum again."""
    results["tests"] = results.get("tests", []) + extra["tests"]
    if extra["leaderboard"]:
        results["leaderboard"] = results.get("leaderboard", []) + extra["leaderboard"]
    results["score"] = round(sum(float(t.get("score", 0.0)) for t in results["tests"]), 4)
    points = sum(t["score"] for t in extra["tests"])
    weight = sum(t["max_score"] for t in extra["tests"])
    results["output"] = results.get("output", "") + f"  Course tests {points:g}/{weight:g}."
    results.setdefault("extra_data", {})["instructor_tests"] = {"score": points, "max_score": weight}


def lock_down(root: Path, source: Path, data: Path) -> None:
    """As root: the grader's tree, the data, the results and the metadata become root-only.

    Student code runs as an unprivileged user (the sandbox drops to it); these modes are what keeps
    it from reading the grader, the test labels or earlier results, and from writing its own score.
    Folders outside AUTOGRADER_ROOT (a teacher's own data folder in tests) are never touched.
    """
    if os.geteuid() != 0:
        return
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    for path, mode in ((source, 0o700), (results, 0o700), (data, 0o700),
                       (root / "submission_metadata.json", 0o600)):
        if path.exists() and _inside(path, root):
            os.chown(path, 0, 0)
            os.chmod(path, mode)


def annotate(results: dict, upload: dict) -> dict:
    """Add what the channel knows: the upload notes, the container and the leaderboard."""
    from ... import resources

    if upload["notes"]:
        results["output"] = "About your upload: " + "; ".join(upload["notes"]) + ".\n\n" + results.get("output", "")
    extra = results.setdefault("extra_data", {})
    extra["upload"] = upload
    extra["container"] = resources.describe()
    by_check = {t.get("extra_data", {}).get("check"): t for t in results.get("tests", [])}
    board = []
    for check_id, column in LEADERBOARD:
        accuracy = by_check.get(check_id, {}).get("extra_data", {}).get("test_accuracy")
        if check_id in by_check:
            value = float(accuracy) * 100 if isinstance(accuracy, (int, float)) else 0.0
            board.append({"name": column, "value": round(value, 2), "order": "desc"})
    if board or results.get("leaderboard"):
        results["leaderboard"] = board + results.get("leaderboard", [])  # the instructor's columns after ours
    return results


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


if __name__ == "__main__":
    sys.exit(main())
