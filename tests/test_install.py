"""The light install: what `pip install .` brings, and where `make venv` (python -m
autograder.install) takes torch from on each kind of machine."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from autograder import install
from grading_helpers import REPO

STAFF_AND_TEST_TOOLS = ("nbgrader", "gradescope-utils", "pytest", "vermin")


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() for r in requirements}


@pytest.mark.skipif(sys.version_info < (3, 11), reason="reads pyproject.toml with tomllib (Python 3.11+)")
def test_pip_install_dot_brings_no_staff_or_test_tool():
    """Do the base dependencies (what `pip install .` installs) leave out nbgrader,
    gradescope-utils, pytest and vermin, and do the optional groups hold them?"""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = _names(project["dependencies"])
    groups = {name: _names(reqs) for name, reqs in project["optional-dependencies"].items()}
    assert not base & set(STAFF_AND_TEST_TOOLS), base
    assert {"numpy", "torch", "torchvision", "matplotlib", "pillow", "psutil"} <= base
    assert {"nbgrader", "gradescope-utils"} <= groups["instructor"]
    assert {"pytest", "vermin"} <= groups["test"]


@pytest.mark.parametrize("system, gpu, override, expected", [
    ("Linux", False, None, install.CPU_INDEX),        # a laptop without an NVIDIA GPU: CPU builds
    ("Linux", True, None, None),                      # a GPU (or make venv GPU=1): CUDA from pip's index
    ("Darwin", False, None, None),                    # PyPI's macOS builds are CPU/MPS builds
    ("Windows", False, None, None),                   # PyPI's Windows builds are CPU builds
    ("Linux", False, "https://example.org/whl", "https://example.org/whl"),  # TORCH_INDEX=<url>
    ("Linux", False, "default", None),                # TORCH_INDEX=default: pip's own index (CI here)
])
def test_torch_comes_from_the_right_index(system, gpu, override, expected):
    """Does `make venv` take torch from PyTorch's CPU index exactly on Linux without a GPU, unless
    GPU=1 or TORCH_INDEX says otherwise?"""
    assert install.torch_index(system, gpu, override) == expected


def test_torch_is_pinned_as_in_pyproject():
    """Are torch and torchvision installed with pyproject.toml's pins (so that pip install . then
    finds them satisfied, whichever build was taken)?"""
    pins = install.torch_pins(REPO / "pyproject.toml")
    assert [p.split("==")[0] for p in pins] == ["torch", "torchvision"] and all("==" in p for p in pins), pins


def test_the_venv_interpreter_path(tmp_path):
    """Is the venv's interpreter looked for where venv puts it on this OS?"""
    expected = Path("Scripts", "python.exe") if sys.platform == "win32" else Path("bin", "python")
    assert install.venv_python(tmp_path / ".venv") == tmp_path / ".venv" / expected
