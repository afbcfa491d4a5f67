"""grade-all on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
localhost, one of them killed in the middle of a grade; every row must equal the embedded cluster's.

The class: the solution, the skeleton, a mutant that loses Q0's gradient, and a submission whose
gradient hangs (it sleeps, so the hang costs wall time, not the test machine's CPU; both Q0 checks
call it, and time out). Q0 only,
limits scaled down, as the other hang tests; the embedded run goes on beside the cluster's.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from grading_helpers import REPO, STUDENT, copy_solution, mutate

ONLY, TIME_SCALE = "Q0", "0.5"   # Q0's two checks: 10 s each for the hang
COLUMNS = ("Q0", "total", "max", "status")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _dask(*args: str, log: Path) -> subprocess.Popen:
    """A `dask ...` command as a process of its own (its own session, so it can be killed whole)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=REPO, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded workers without nannies (a killed worker stays dead)."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    processes = [_dask("scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                       "--no-dashboard", log=tmp_path / "scheduler.log")]
    workers = [_dask("worker", address, "--nthreads", "1", "--nworkers", "1", "--no-nanny", "--no-dashboard",
                     "--name", f"w{i}", log=tmp_path / f"worker{i}.log") for i in range(2)]
    processes += workers
    from dask.distributed import Client
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            addresses = {info["name"]: addr for addr, info in client.scheduler_info()["workers"].items()}
        yield address, workers, addresses
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
            process.wait()


def _make_class(folder: Path) -> Path:
    copy_solution(folder / "ada")
    shutil.copytree(STUDENT, folder / "bob")
    mutant = copy_solution(folder / "eve")
    mutate(mutant, "chain_rule.py", [("return 4.0 * x * (W.T @ y)", "return 2.0 * x * (W.T @ y)")])
    hang = copy_solution(folder / "cyd")
    mutate(hang, "chain_rule.py", [("y = g(W, x)  # (P,)", "__import__('time').sleep(3600)\n    y = g(W, x)")])
    return folder


def _command(klass: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "autograder.channels.batch", str(klass), "--out", str(out), "--only", ONLY,
            "--time-scale", TIME_SCALE, "--no-html", "--no-similarity", *extra]


def _rows(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len({r["student"] for r in rows}), f"a student has two rows: {rows}"
    return {r["student"]: {c: r[c] for c in COLUMNS} for r in rows}


def _grader_running_under(worker: subprocess.Popen) -> bool:
    try:
        children = psutil.Process(worker.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return False
    for child in children:
        try:
            if "autograder" in child.cmdline() and "grade" in child.cmdline():
                return True
        except psutil.Error:
            continue
    return False


def test_a_worker_killed_mid_grade_loses_nothing(tmp_path, cluster):
    """With one of two workers killed while it grades, does every student still get exactly one
    row, graded by the surviving worker, equal to the embedded cluster's row?"""
    address, workers, addresses = cluster
    klass = _make_class(tmp_path / "class")
    local = subprocess.Popen(_command(klass, tmp_path / "local", "--jobs", "1"), cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    out = tmp_path / "remote"
    run = subprocess.Popen(_command(klass, out, "--scheduler", address), cwd=REPO, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    victim = workers[0]
    deadline = time.monotonic() + 120
    while not _grader_running_under(victim):
        assert run.poll() is None and time.monotonic() < deadline, "worker w0 never started a grade"
        time.sleep(0.05)
    os.killpg(victim.pid, signal.SIGKILL)  # mid-grade: its grader dies with it (PR_SET_PDEATHSIG)
    _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err
    _, local_err = local.communicate(timeout=300)
    assert local.returncode == 0, local_err
    expected = _rows(tmp_path / "local")
    assert expected["ada"] == {"Q0": "2", "total": "2", "max": "2", "status": "graded"}, expected
    assert expected["bob"]["total"] == expected["cyd"]["total"] == "0", expected
    assert expected["eve"]["total"] == "0.5", "the mutant keeps Q0's values and loses its gradient"
    assert "on the Dask cluster at" in err and "4/4" in err, err  # the progress bar's last line
    assert _rows(out) == expected, err
    survivor = addresses["w1"]
    graded_by = {s: json.loads((out / s / "graded.json").read_text())["worker"] for s in expected}
    assert set(graded_by.values()) == {survivor}, f"the killed worker's grade was not redone: {graded_by}"
    for student, row in expected.items():
        assert json.loads((out / student / "results.json").read_text())["score"] == float(row["total"])


def test_an_unreachable_scheduler_is_named(tmp_path):
    """Does --scheduler at an address where nothing listens exit 3 and say how to start one?"""
    klass = tmp_path / "class"
    copy_solution(klass / "ada")
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"}
    done = subprocess.run(_command(klass, tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{_free_port()}"),
                          cwd=REPO, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 3 and "dask scheduler" in done.stderr, done.stderr
