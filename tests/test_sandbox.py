"""The sandbox on its own, at every isolation level this machine reaches: spawned and forked
children, how each ending is reported, that nothing a probe starts outlives it, and what a child
can see."""
from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

import numpy as np
import pytest

from autograder.oracles.reference_values import toy_problem
from autograder.sandbox import TOY, ProbeFailure, isolation, run_probe
from autograder.sandbox.exchange import Net
from autograder.sandbox.launcher import launcher_for
from autograder.sandbox.runner import child_env, remove_tree
from grading_helpers import copy_solution
from sandbox_helpers import ROOT, level_param, reachable_levels, wait_until_gone

FILES = ("two_layer_net.py",)
LEVELS = [level_param(level) for level in isolation.LEVELS]


def _toy_inputs() -> Net:
    params, X, _ = toy_problem()
    return Net(params, X)


def _hostile(tmp_path, body: str):
    folder = tmp_path / "hostile"
    folder.mkdir(exist_ok=True)
    (folder / "two_layer_net.py").write_text(
        "import os, sys, time\n"
        "class TwoLayerNet:\n"
        "    def __init__(self, *args, **kwargs):\n"
        "        self.params = {}\n"
        "    def loss(self, X, y=None, reg=0.0):\n"
        f"        {body}\n")
    return folder


class Box:
    """One grade's sandbox, as the engine builds it: a level, a work root, warm fork servers."""

    def __init__(self, level: str):
        self.isolation = isolation.resolve(level)
        self.work_root = Path(tempfile.mkdtemp(prefix="hlcv-test-grade-"))
        self.work_root.chmod(0o711)
        self.launcher = launcher_for(child_env(self.work_root, 1), self.isolation, self.work_root)

    def run(self, submission: Path, limits=TOY, mode: str = "fork"):
        return run_probe(submission, FILES, "two_layer_net.probabilities", _toy_inputs(),
                         limits, launcher=self.launcher if mode == "fork" else None,
                         isolation=self.isolation, work_root=self.work_root)

    def close(self) -> None:
        self.launcher.__exit__(None, None, None)
        remove_tree(self.work_root)


@pytest.fixture(params=LEVELS)
def box(request):
    sandbox = Box(request.param)
    yield sandbox
    sandbox.close()


@pytest.fixture
def best_box():
    """The strongest level this machine reaches (what `make grade` uses)."""
    sandbox = Box("auto")
    yield sandbox
    sandbox.close()


@pytest.mark.parametrize("probe", ["two_layer_net.probabilities", "mlp.architecture"])
def test_fork_servers_come_up(box, probe, monkeypatch):
    """Does each kind of fork server start at this level, even with /tmp on sys.path (a script run
    from /tmp)? A server that fails is replaced by spawning without a word, ~4 s slower per torch
    probe: mounted read-only over the sandbox's /tmp, /tmp once left torch unable to import."""
    monkeypatch.syspath_prepend("/tmp")
    assert box.launcher.ready(probe)


@pytest.mark.parametrize("mode", ["spawn", "fork"])
def test_probe_returns_plain_arrays(tmp_path, box, mode):
    """Does a probe of the solution come back as a plain float array, spawned or forked, at this level?"""
    run = box.run(copy_solution(tmp_path / "sub"), mode=mode)
    probs = run.outputs.probs
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
def test_every_ending_is_reported(tmp_path, best_box, mode, body, kind, words):
    """Does each way a child can end become a ProbeFailure of the right kind, in both modes? (The
    portable level's endings: tests/test_portable.py, through the engine.)"""
    with pytest.raises(ProbeFailure) as caught:
        best_box.run(_hostile(tmp_path, body), TOY.scaled(wall_s=3.0), mode=mode)
    assert caught.value.kind == kind and words in caught.value.message, caught.value


DETACHING = {
    "double_fork_and_setsid": ("if os.fork() == 0:\n            os.setsid()\n            if os.fork() == 0:\n"
                               "                os.execvp('sleep', ['sleep', '{token}'])\n            os._exit(0)\n"
                               "        time.sleep(0.3)\n        raise ValueError('left a daemon')"),
    "new_process_group": ("if os.fork() == 0:\n            os.setpgid(0, 0)\n"
                          "            os.execvp('sleep', ['sleep', '{token}'])\n"
                          "        time.sleep(0.3)\n        raise ValueError('left a process group')"),
    "kills_its_supervisor": ("if os.fork() == 0:\n            os.setsid()\n"
                             "            os.execvp('sleep', ['sleep', '{token}'])\n"
                             "        time.sleep(0.3)\n        os.kill(os.getppid(), 9)\n        time.sleep(5)"),
    "timeout_with_a_grandchild": ("if os.fork() == 0:\n            os.execvp('sleep', ['sleep', '{token}'])\n"
                                  "        while True: pass"),
}


@pytest.mark.parametrize("mode", ["spawn", "fork"])
@pytest.mark.parametrize("name", sorted(DETACHING))
def test_nothing_outlives_the_probe(tmp_path, box, mode, name):
    """However the student's code detaches a process, is it gone once the probe has ended?"""
    if (name, mode, box.isolation.level) == ("kills_its_supervisor", "spawn", "none"):
        pytest.skip("known limit of the 'none' level: a spawned child that kills its own supervisor "
                    "leaves orphans to init (forked children go to the fork server, which kills them)")
    if (name, box.isolation.level) == ("kills_its_supervisor", "portable"):
        pytest.skip("known limit of the 'portable' level (README): there is no supervisor, the probe's "
                    "parent is the grader itself, which code of the same user can kill")
    if (mode, box.isolation.level) == ("spawn", "portable"):
        pytest.skip("at the portable level both modes spawn: the pool's path (fork) is the one graded")
    token = f"{70000 + sum(map(ord, name + mode + box.isolation.level)) % 9999}.{os.getpid()}"
    with pytest.raises(ProbeFailure):
        box.run(_hostile(tmp_path, DETACHING[name].format(token=token)), TOY.scaled(wall_s=2.0), mode=mode)
    assert wait_until_gone(token) == [], f"{name}: a process outlived its probe at {box.isolation.level}"


def test_dead_fork_server_falls_back_to_spawning(tmp_path, best_box):
    """When the fork server dies, do later probes still run (spawned) with the same result?"""
    submission = copy_solution(tmp_path / "sub")
    first = best_box.run(submission)
    server = best_box.launcher._servers["numpy"]
    os.killpg(server._process.pid, signal.SIGKILL)
    server._process.wait()
    second = best_box.run(submission)
    assert np.array_equal(first.outputs.probs, second.outputs.probs)


SEE = ("import os, pwd\n"
       "        seen = dict(uid=os.getuid(), home=os.path.exists({home!r}), repo=os.path.exists({repo!r}),"
       " solution=os.path.exists({solution!r}), data=os.path.exists({data!r}), ls=sorted(os.listdir('/')))\n"
       "        raise ValueError(repr(seen))")


def _what_a_child_sees(tmp_path, box) -> dict:
    """uid, and whether a canary file in the home folder, the README of the course folder,
    solution/ and the data folder exist for the child."""
    from datasets.paths import cifar10_dir
    repo = Path(__file__).resolve().parents[1]
    canary = Path.home() / f".hlcv-canary-{os.getpid()}"
    canary.write_text("the instructor's\n")
    try:
        body = SEE.format(home=str(canary), repo=str(repo / "README.md"), solution=str(repo / "solution"),
                          data=str(cifar10_dir()))
        with pytest.raises(ProbeFailure) as caught:
            box.run(_hostile(tmp_path, body))
    finally:
        canary.unlink()
    return eval(caught.value.message.split("ValueError: ", 1)[1])  # our own repr of plain values


@pytest.mark.skipif("namespaces" not in reachable_levels(), reason="no namespaces on this machine")
def test_child_in_namespaces_sees_no_course_folder(tmp_path):
    """At the namespaces level, does a child see neither the home folder, nor the course folder,
    solution/ or the data, and run as the sandbox user when the grader is root?"""
    box = Box("namespaces")
    try:
        seen = _what_a_child_sees(tmp_path, box)
    finally:
        box.close()
    assert not (seen["home"] or seen["repo"] or seen["solution"] or seen["data"]), seen
    if ROOT:
        assert seen["uid"] == box.isolation.uid != 0, seen


def test_a_starting_server_holds_one_worker_only():
    """While the torch server imports torch, does a second check that needs it stay pending (its
    worker takes other work), and go once the server is ready?"""
    from autograder.catalogue import all_checks
    from autograder.engine import GradeConfig, Sandbox

    torch_checks = [c for c in all_checks() if "mlp.py" in c.files]
    numpy_check = next(c for c in all_checks() if c.files == ("two_layer_net.py",))
    with Sandbox(GradeConfig()) as sandbox:
        sandbox.warm_servers({"mlp.py", "two_layer_net.py"})
        assert sandbox.server_starting(torch_checks[1], [torch_checks[0]])  # torch takes seconds
        assert not sandbox.server_starting(torch_checks[1], [])             # the first one goes
        assert not sandbox.server_starting(numpy_check, [torch_checks[0]])
        assert sandbox.launcher.ready("mlp.architecture")
        assert not sandbox.server_starting(torch_checks[1], [torch_checks[0]])
