"""The Gradescope zip itself: its layout, no solution code, Python 3.10, pinned CPU builds."""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.channels.gradescope import pack
from gradescope_layout import build_zip
from grading_helpers import REPO, SOLUTION

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
VERMIN = Path(sys.executable).with_name("vermin")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("zip")
    with zipfile.ZipFile(build_zip(folder)) as zf:
        zf.extractall(folder / "source")
    return folder / "source"


def _solution_lines() -> dict[str, set[str]]:
    """Per solution/ file, its distinctive lines: long lines inside the solution regions, and every
    long line that the generated student/ copy does not have."""
    lines: dict[str, set[str]] = {}
    for path in sorted(p for p in SOLUTION.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        student = REPO / "student" / path.relative_to(SOLUTION)
        known = set(student.read_text().splitlines()) if student.is_file() else set()
        text = path.read_text(errors="replace")
        region = re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", text, flags=re.S)
        candidates = {line.strip() for block in region for line in block.splitlines()}
        candidates |= {line.strip() for line in text.splitlines() if line not in known}
        lines[path.name] = {c for c in candidates if len(c) >= 24 and not c.startswith("#")}
    return lines


def test_setup_and_run_autograder_at_the_root(tmp_path):
    """Are setup.sh and run_autograder at the zip's root, executable, next to the grader's packages?"""
    with zipfile.ZipFile(build_zip(tmp_path)) as zf:
        infos = {i.filename: i for i in zf.infolist()}
    for name in ("setup.sh", "run_autograder"):
        assert name in infos, sorted(infos)
        assert (infos[name].external_attr >> 16) & 0o111, f"{name} is not executable in the zip"
    assert "autograder/channels/gradescope/run.py" in infos and "datasets/official.py" in infos
    assert not [n for n in infos if n.split("/")[0] in ("solution", "student", "tests", "bench")]


def test_no_solution_code_in_the_zip(unpacked):
    """Does no file of the zip hold a solution marker or a distinctive line of any solution/ file?"""
    solution_lines = _solution_lines()
    assert sum(len(v) for v in solution_lines.values()) > 50, "too few solution lines to search for"
    leaks = []
    for path in unpacked.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        leaks += [f"{path.name}: marker {m}" for m in MARKERS if m in text]
        shipped = {line.strip() for line in text.splitlines()}
        leaks += [f"{path.name}: line of solution/{name}: {line}"
                  for name, lines in solution_lines.items() for line in lines & shipped]
    assert not leaks, "\n".join(leaks[:20])


def test_search_would_find_a_leak(tmp_path):
    """Would the search above find a solution file that slipped into the zip (it can fail)?"""
    solution_lines = _solution_lines()["two_layer_net.py"]
    shipped = {line.strip() for line in (SOLUTION / "two_layer_net.py").read_text().splitlines()}
    assert solution_lines & shipped


def test_shipped_python_runs_on_3_10(unpacked, tmp_path):
    """Does vermin find every shipped .py file compatible with Python 3.10 (Gradescope's image)?"""
    proc = subprocess.run([str(VERMIN), "-t=3.10-", "--no-tips", "--violations", "--eval-annotations",
                           str(unpacked)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    too_new = tmp_path / "too_new.py"
    too_new.write_text("import tomllib\n")
    proc = subprocess.run([str(VERMIN), "-t=3.10-", "--no-tips", "--violations", str(too_new)],
                          capture_output=True, text=True)
    assert proc.returncode != 0, "vermin accepted a 3.11-only module; the check above proves nothing"


def test_setup_pins_cpu_builds_like_the_project(unpacked):
    """Does requirements.txt pin the project's torch/torchvision as CPU builds, and are the shell
    scripts valid bash?"""
    pins = dict(line.split("==") for line in (unpacked / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    project = (REPO / "pyproject.toml").read_text()
    for name in ("torch", "torchvision"):
        version = re.search(rf'"{name}==([^"]+)"', project).group(1)
        assert pins[name] == f"{version}+cpu", (name, pins)
    assert "numpy" in pins
    for script in ("setup.sh", "run_autograder"):
        proc = subprocess.run(["bash", "-n", str(unpacked / script)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    assert "-m datasets get" in (unpacked / "setup.sh").read_text()


def test_zip_is_reproducible(tmp_path):
    """Do the same sources give the same zip, byte for byte?"""
    first = pack.build(tmp_path / "a.zip").read_bytes()
    assert first == pack.build(tmp_path / "b.zip").read_bytes()
