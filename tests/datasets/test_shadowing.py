"""Our top-level ``datasets`` folder vs. a foreign ``datasets`` package (HuggingFace's).

A fake HuggingFace-like package is put first on PYTHONPATH; the project's normal invocations must
still import ours. They work because Python puts the script's folder (``-m``/``-c``: the current
folder) at sys.path[0], ahead of PYTHONPATH and site-packages, and pytest's ``pythonpath = ["."]``
inserts the repository root at the front. The test fails if any of them would get the fake.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import datasets

REPO = Path(__file__).resolve().parents[2]
OURS = REPO / "datasets" / "__init__.py"
PROBE = "import datasets; print(datasets.__file__); print(getattr(datasets, 'HLCV_LOCAL_DATASETS', 'FOREIGN'))"


@pytest.fixture
def foreign_env(tmp_path):
    """Environment with a fake HuggingFace ``datasets`` first on PYTHONPATH."""
    site = tmp_path / "site"
    fake = site / "datasets"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        '"""Stands in for HuggingFace datasets."""\n__version__ = "99.0.0"\n'
        "def load_dataset(*args, **kwargs):\n    raise RuntimeError('fake HuggingFace datasets')\n"
    )
    (fake / "__main__.py").write_text("print('FOREIGN datasets __main__')\nraise SystemExit(3)\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}  # -P would drop sys.path[0]
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env, tmp_path


def run(args, cwd, env):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_fake_really_would_shadow(foreign_env):
    """Control: away from the repository the fake is what ``import datasets`` finds."""
    env, elsewhere = foreign_env
    done = run([sys.executable, "-c", PROBE], elsewhere, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(elsewhere / "site" / "datasets" / "__init__.py"), "FOREIGN"]


def test_python_c_from_the_repo_root_gets_ours(foreign_env):
    env, _ = foreign_env
    done = run([sys.executable, "-c", PROBE], REPO, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(OURS), "True"]


def test_python_m_datasets_from_the_repo_root_runs_ours(foreign_env):
    env, tmp_path = foreign_env
    done = run([sys.executable, "-m", "datasets", "info", "--data-dir", str(tmp_path / "none")], REPO, env)
    assert "FOREIGN" not in done.stdout + done.stderr
    assert done.returncode == 1 and "make data" in done.stderr  # our `info`, no data there


def test_sys_path_insert_of_the_repo_gets_ours(foreign_env):
    """Scripts run from elsewhere (bench/, notebooks) put the repo root first themselves."""
    env, elsewhere = foreign_env
    code = f"import sys; sys.path.insert(0, {str(REPO)!r}); {PROBE}"
    done = run([sys.executable, "-c", code], elsewhere, env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(OURS), "True"]


def test_pytest_with_the_project_config_gets_ours(foreign_env):
    """pytest reads pyproject.toml (pythonpath = ["."]) and must import ours in test files."""
    env, tmp_path = foreign_env
    probe = tmp_path / "probe_tests" / "test_probe_datasets.py"
    probe.parent.mkdir()
    probe.write_text(
        "import datasets\n\n"
        "def test_ours():\n"
        f"    assert datasets.__file__ == {str(OURS)!r}\n"
        "    assert datasets.HLCV_LOCAL_DATASETS is True\n"
    )
    done = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(REPO / "pyproject.toml"),
         "--rootdir", str(REPO), str(probe)],
        REPO,
        env,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_this_test_run_got_ours():
    assert Path(datasets.__file__) == OURS and datasets.HLCV_LOCAL_DATASETS is True
