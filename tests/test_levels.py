"""Each isolation level this machine reaches, through the real CLI: what a spying submission can
read and write, which user its code runs as, and what results.json records.

- "user": the grader as root on a Python other users can read (Gradescope's case: its system
  Python, no namespaces), forced with --isolation user;
- "namespaces" as a normal user: the grader itself runs as the unprivileged user `nobody`;
- the strongest level as root is what every other grading test uses (see test_redteam.py).
"""
from __future__ import annotations

import ast
import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from autograder.sandbox import isolation
from datasets.paths import npz_path
from grading_helpers import REPO, SOLUTION, copy_solution, mutate, strict_json
from sandbox_helpers import ROOT, open_folder, world_readable_python  # noqa: F401 (fixture)

NET = "two_layer_net.py"
LOSS_DEF = "        W1, b1 = self.params[\"W1\"], self.params[\"b1\"]\n"
SPY = """import os
        def can_read(path):
            try:
                open(path, 'rb').read(1)
                return True
            except OSError:
                return False
        def can_write(folder):
            try:
                open(os.path.join(folder, 'spy-was-here'), 'w').write('x')
                return True
            except OSError:
                return False
        seen = dict(uid=os.getuid(), solution=can_read({solution!r}), data=can_read({data!r}),
                    canary=can_write({canary!r}), results=can_write({results!r}))
        raise ValueError('SEEN' + repr(seen))"""


def _spy(folder: Path, canary: Path, results_dir: Path) -> Path:
    code = SPY.format(solution=str(SOLUTION / NET), data=str(npz_path()), canary=str(canary),
                      results=str(results_dir))
    submission = copy_solution(folder)
    mutate(submission, NET, [(LOSS_DEF, f"        {code}\n{LOSS_DEF}")])
    return submission


def _grade(python: Path, submission: Path, out: Path, *extra: str, user: str | None = None) -> tuple[dict, dict]:
    """Run the CLI; returns (results.json, what the spy saw)."""
    env = {"PATH": os.environ["PATH"], "HOME": str(out), "MPLCONFIGDIR": str(out / ".mpl"),
           "HLCV_DATA_DIR": str(npz_path().parents[1])}
    prefix = ["setpriv", f"--reuid={user}", f"--regid={pwd.getpwnam(user).pw_gid}", "--clear-groups"] if user else []
    done = subprocess.run([*prefix, str(python), "-m", "autograder", "grade", str(submission), "--only", "Q0,Q1a",
                           "--results", str(out / "results.json"), "--report", str(out / "report"), "--no-html",
                           *extra], cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    results = strict_json((out / "results.json").read_text())
    output = next(t["output"] for t in results["tests"] if t["extra_data"]["check"] == "Q1a.toy_probabilities")
    seen = re.search(r"SEEN(\{[^}]*\})", output)
    assert seen, output
    return results, ast.literal_eval(seen.group(1))


@pytest.fixture
def python(open_folder):  # noqa: F811
    found = world_readable_python(open_folder)
    if found is None:
        pytest.skip("no system Python of this interpreter's version to run the grader as other users")
    if not isolation.readable_by_others(REPO / "autograder" / "__init__.py"):
        pytest.skip(f"the checkout {REPO} is not readable by other users")
    return found


@pytest.fixture
def restore_modes():
    """The 'user' level removes other users' access to solution/, data/ and reports/; put it back."""
    paths = [SOLUTION, npz_path().parent, REPO / "reports", REPO]
    modes = {p: p.stat().st_mode for p in paths if p.exists()}
    yield
    for path, mode in modes.items():
        path.chmod(mode)


@pytest.mark.skipif(not ROOT, reason="the 'user' level is the grader running as root")
def test_user_level_as_root(tmp_path, python, open_folder, restore_modes):  # noqa: F811
    """As root without namespaces: does student code run as the sandbox user, unable to read
    solution/ or the data file and to write the results folder or the grader's temporary files,
    while the solution's other checks pass and results.json records the level?"""
    out = Path(open_folder) / "user-level"
    out.mkdir()
    canary = tmp_path / "canary"
    canary.mkdir()
    results, seen = _grade(python, _spy(Path(open_folder) / "spy-user", canary, out), out, "--isolation", "user")
    assert results["extra_data"]["isolation"]["level"] == "user"
    assert seen["uid"] == pwd.getpwnam("nobody").pw_uid, seen
    assert not (seen["solution"] or seen["data"] or seen["canary"] or seen["results"]), seen
    assert all(t["score"] == t["max_score"] for t in results["tests"] if t["extra_data"]["question"] == "Q0")


@pytest.mark.skipif(not ROOT or shutil.which("setpriv") is None, reason="needs root to become another user")
def test_namespaces_as_a_normal_user(tmp_path, python, open_folder):  # noqa: F811
    """With the grader itself running as an unprivileged user: does it reach the namespaces level,
    and does student code see neither solution/ nor the data, nor write outside its folder?"""
    if isolation.namespaces_problem(None, None) is not None:
        pytest.skip("no bubblewrap here")
    nobody = pwd.getpwnam("nobody")
    out = Path(open_folder) / "normal-user"
    out.mkdir()
    os.chown(out, nobody.pw_uid, nobody.pw_gid)
    canary = Path(open_folder) / "canary"
    canary.mkdir()
    os.chown(canary, nobody.pw_uid, nobody.pw_gid)  # the grader's own user may write here
    results, seen = _grade(python, _spy(Path(open_folder) / "spy-nobody", canary, out), out, user="nobody")
    level = results["extra_data"]["isolation"]["level"]
    if level != "namespaces":
        pytest.skip(f"unprivileged user namespaces are not available here ({level})")
    assert seen["uid"] == nobody.pw_uid, seen
    assert not (seen["solution"] or seen["data"] or seen["canary"] or seen["results"]), seen
    assert not (canary / "spy-was-here").exists()
