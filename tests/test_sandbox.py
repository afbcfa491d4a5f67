"""The sandbox on its own: spawned and forked children, and the fork server's fallbacks."""
from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from autograder.sandbox import TOY, ProbeFailure, run_probe
from autograder.sandbox.launcher import Launcher
from autograder.sandbox.runner import child_env
from autograder.oracles.reference_values import toy_problem
from grading_helpers import copy_solution

FILES = ("two_layer_net.py",)


def _toy_inputs() -> dict:
    params, X, _ = toy_problem()
    return {**params, "X": X}


def _hostile(tmp_path, body: str):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "two_layer_net.py").write_text(
        "import os, sys, time\n"
        "class TwoLayerNet:\n"
        "    def __init__(self, *args, **kwargs):\n"
        "        self.params = {}\n"
        "    def loss(self, X, y=None, reg=0.0):\n"
        f"        {body}\n")
    return folder


@pytest.fixture
def launcher(tmp_path):
    with Launcher(child_env(tmp_path, 1)) as warm:
        yield warm


@pytest.mark.parametrize("mode", ["spawn", "fork"])
def test_probe_returns_plain_arrays(tmp_path, launcher, mode):
    """Does a probe of the solution come back as a plain float array, spawned or forked?"""
    run = run_probe(copy_solution(tmp_path / "sub"), FILES, "two_layer_net.probabilities",
                    _toy_inputs(), TOY, launcher=launcher if mode == "fork" else None)
    probs = run.outputs["probs"]
    assert type(probs) is np.ndarray and probs.shape == (5, 3)
    assert np.allclose(probs.sum(axis=1), 1.0)


@pytest.mark.parametrize("mode", ["spawn", "fork"])
@pytest.mark.parametrize("body, kind, words", [
    ("os._exit(0)", "crash", "exit code 0"),
    ("while True: pass", "timeout", "timed out"),
    ("os.kill(os.getpid(), 11)", "crash", "SIGSEGV"),
    ("raise NotImplementedError('Q1a: forward pass')", "not_implemented", "Q1a"),
    ("sys.stdout.write('x' * 2**26)", "crash", "wrote more than"),
])
def test_every_ending_is_reported(tmp_path, launcher, mode, body, kind, words):
    """Does each way a child can end become a ProbeFailure of the right kind, in both modes?"""
    with pytest.raises(ProbeFailure) as caught:
        run_probe(_hostile(tmp_path, body), FILES, "two_layer_net.probabilities", _toy_inputs(),
                  TOY.scaled(wall_s=3.0), launcher=launcher if mode == "fork" else None)
    assert caught.value.kind == kind and words in caught.value.message, caught.value


def test_timeout_kills_the_childs_whole_session(tmp_path, launcher):
    """After a timeout, is a grandchild the student started gone too?"""
    marker = tmp_path / "grandchild.pid"
    body = (f"pid = os.fork()\n        if pid == 0:\n            time.sleep(60); os._exit(0)\n"
            f"        open({str(marker)!r}, 'w').write(str(pid)); time.sleep(60)")
    with pytest.raises(ProbeFailure):
        run_probe(_hostile(tmp_path, body), FILES, "two_layer_net.probabilities", _toy_inputs(),
                  TOY.scaled(wall_s=2.0), launcher=launcher)
    pid = int(marker.read_text())
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        import time
        time.sleep(0.1)
    pytest.fail(f"grandchild {pid} still runs after the timeout")


def test_dead_fork_server_falls_back_to_spawning(tmp_path, launcher):
    """When the fork server dies, do later probes still run (spawned) with the same result?"""
    submission = copy_solution(tmp_path / "sub")
    first = run_probe(submission, FILES, "two_layer_net.probabilities", _toy_inputs(), TOY, launcher=launcher)
    server = launcher._servers["numpy"]
    os.killpg(server._process.pid, signal.SIGKILL)
    server._process.wait()
    second = run_probe(submission, FILES, "two_layer_net.probabilities", _toy_inputs(), TOY, launcher=launcher)
    assert np.array_equal(first.outputs["probs"], second.outputs["probs"])
