"""What the sandbox and red-team tests share: the isolation levels this machine reaches, a Python
that other users can read (as Gradescope's system Python is), and a scan for processes left behind."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

from autograder.sandbox import isolation

REPO = Path(__file__).resolve().parents[1]
ROOT = os.geteuid() == 0


def reachable_levels() -> list[str]:
    """The isolation levels this machine reaches from this interpreter."""
    levels = []
    for level in isolation.LEVELS:
        try:
            isolation.resolve(level)
        except isolation.IsolationUnavailable:
            continue
        levels.append(level)
    return levels


def level_param(level: str):
    """A pytest param for `level`, skipped with the reason where this machine cannot reach it."""
    try:
        isolation.resolve(level)
        marks = []
    except isolation.IsolationUnavailable as exc:
        marks = [pytest.mark.skip(reason=f"isolation level {level!r} unavailable here: {exc}")]
    return pytest.param(level, id=level, marks=marks)


def world_readable_python(folder: Path) -> Path | None:
    """A venv of the system's /usr/bin/python3 that imports this project's packages: a Python the
    unprivileged sandbox user can read (the project's own may live under /root). None when the
    system Python is not the same minor version as this one (its compiled packages would not load)."""
    system = shutil.which("python3", path="/usr/bin")
    if system is None:
        return None
    version = subprocess.run([system, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True).stdout.strip()
    if version != str(tuple(sys.version_info[:2])):
        return None
    venv = folder / "system-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True)
        site = subprocess.run([str(venv / "bin" / "python"), "-c",
                               "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
        Path(site, "hlcv-project.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin" / "python"


@pytest.fixture(scope="session")
def open_folder():
    """A temporary folder every user can read and enter (pytest's own are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="hlcv-open-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def processes_with(token: str) -> list[int]:
    """Pids of live (not zombie) processes whose command line contains `token`."""
    if not os.path.isdir("/proc"):  # macOS, Windows: ask psutil
        import psutil
        return [p.pid for p in psutil.process_iter(["cmdline", "status"]) if p.pid != os.getpid()
                and token in " ".join(p.info["cmdline"] or []) and p.info["status"] != psutil.STATUS_ZOMBIE]
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token in cmdline and state != "Z":
            found.append(int(entry))
    return found


def wait_until_gone(token: str, seconds: float = 3.0) -> list[int]:
    """Processes with `token` still alive after `seconds` (the fork server sweeps every 20 ms)."""
    deadline = time.monotonic() + seconds
    while True:
        left = processes_with(token)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)
