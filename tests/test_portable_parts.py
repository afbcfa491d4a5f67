"""The parts of the portable level and of the other laptops' support that can be tested alone: how
the level is chosen, the Windows Job Object's calls (against a stand-in kernel32), the psutil
sweep, files read and written as UTF-8, paths with either separator, plain terminal output."""
from __future__ import annotations

import ast
import ctypes
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.reporters import terminal
from autograder.sandbox import features, isolation, winjob
from autograder.sandbox.proctree import TOKEN_VAR, ProcessTree
from grading_helpers import REPO

# What runs on a student's machine: the grader, the data loader, the handout's bootstrap.
STUDENT_SIDE = [REPO / "autograder", REPO / "datasets"]


@pytest.fixture
def no_linux_features(monkeypatch):
    """This machine as macOS or Windows look to the grader: no Linux supervisor."""
    monkeypatch.setattr(features, "linux_supervisor_problem", lambda: "this is darwin, not Linux")
    monkeypatch.delenv(isolation.REQUEST_VAR, raising=False)


def test_auto_picks_portable_without_linux_features(no_linux_features):
    """Without prctl and fork, does "auto" choose the portable level, saying why and what student
    code can still reach, and does asking for a Linux level say what to use instead?"""
    chosen = isolation.resolve("auto")
    assert chosen.level == "portable" and chosen.portable
    assert "darwin" in chosen.notes[0] and "read and write" in chosen.notes[0]
    for level in ("namespaces", "user", "none"):
        with pytest.raises(isolation.IsolationUnavailable, match="--isolation portable"):
            isolation.resolve(level)


def test_portable_is_forced_by_the_environment_but_not_chosen_on_linux(monkeypatch):
    """On Linux with its features, does auto keep a Linux level, HLCV_ISOLATION=portable force the
    portable one, and a misspelt HLCV_ISOLATION say where the bad value came from?"""
    if features.linux_supervisor_problem() is not None:
        pytest.skip(f"no Linux supervisor here: {features.linux_supervisor_problem()}")
    monkeypatch.delenv(isolation.REQUEST_VAR, raising=False)
    assert isolation.resolve("auto").level != "portable"
    monkeypatch.setenv(isolation.REQUEST_VAR, "portable")
    assert isolation.resolve("auto").level == "portable"
    assert isolation.resolve("none").level == "none"  # an explicit request wins over the variable
    monkeypatch.setenv(isolation.REQUEST_VAR, "portble")
    with pytest.raises(ValueError, match=isolation.REQUEST_VAR):
        isolation.resolve("auto")


def test_windows_environment_keeps_what_a_process_needs(monkeypatch):
    """On Windows, does a child's scrubbed environment keep SYSTEMROOT and TEMP (Python cannot
    start without them), and nothing on POSIX?"""
    env = {"SYSTEMROOT": r"C:\Windows", "TEMP": r"C:\Temp", "SECRET": "x"}
    monkeypatch.setattr(features, "WINDOWS", True)
    assert features.platform_env(env) == {"SYSTEMROOT": r"C:\Windows", "TEMP": r"C:\Temp"}
    monkeypatch.setattr(features, "WINDOWS", False)
    assert features.platform_env(env) == {}


class FakeKernel32:
    """The smallest stand-in for kernel32: records each call and the limits it was given."""

    def __init__(self):
        self.calls: list[tuple] = []
        self.limits: list[winjob.ExtendedLimitInformation] = []

    def CreateJobObjectW(self, attributes, name):
        self.calls.append(("create",))
        return 1234

    def SetInformationJobObject(self, handle, info_class, info_ref, size):
        info = ctypes.cast(info_ref, ctypes.POINTER(winjob.ExtendedLimitInformation)).contents
        self.limits.append(winjob.ExtendedLimitInformation.from_buffer_copy(info))
        self.calls.append(("set", handle, info_class, size))
        return 1

    def AssignProcessToJobObject(self, handle, process):
        self.calls.append(("assign", handle, process))
        return 1

    def TerminateJobObject(self, handle, code):
        self.calls.append(("terminate", handle))
        return 1

    def CloseHandle(self, handle):
        self.calls.append(("close", handle))
        return 1


def test_job_object_kills_on_close_and_caps_memory_and_processes():
    """Does the Job Object ask Windows to kill every process in it when it closes, cap the job's
    memory and process count once the probe's limits are known, and terminate it exactly once?"""
    kernel32 = FakeKernel32()
    job = winjob.JobObject(kernel32)
    job.assign(777)
    job.limit(memory_bytes=2048 * 2**20, max_processes=64)
    job.close()
    job.close()
    first, last = kernel32.limits
    kill = winjob.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
    assert first.BasicLimitInformation.LimitFlags & kill and not first.JobMemoryLimit
    assert last.BasicLimitInformation.LimitFlags & winjob.JOB_OBJECT_LIMIT_JOB_MEMORY
    assert last.BasicLimitInformation.LimitFlags & winjob.JOB_OBJECT_LIMIT_ACTIVE_PROCESS
    assert (last.JobMemoryLimit, last.BasicLimitInformation.ActiveProcessLimit) == (2048 * 2**20, 64)
    assert [c[0] for c in kernel32.calls] == ["create", "set", "assign", "set", "terminate", "close"]
    assert kernel32.calls[1][2:] == (9, ctypes.sizeof(winjob.ExtendedLimitInformation))
    # The size Windows expects on 64 bits (JOBOBJECT_EXTENDED_LIMIT_INFORMATION is 144 bytes).
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert ctypes.sizeof(winjob.ExtendedLimitInformation) == 144


@pytest.mark.skipif(not features.POSIX, reason="starts a detached daemon the POSIX way")
def test_the_sweep_finds_a_detached_process_by_its_token(tmp_path):
    """Does the psutil sweep kill a process that left the probe's session and was re-parented
    (double fork + setsid), found only by the token in its environment?"""
    script = ("import os, sys, time\n"
              "if os.fork() == 0:\n"
              "    os.setsid()\n"
              "    if os.fork() == 0:\n"
              "        open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(60)\n"
              "    os._exit(0)\n")
    token = f"sweep-{os.getpid()}"
    marker = tmp_path / "daemon.pid"
    root = subprocess.Popen([sys.executable, "-c", script, str(marker)], env={**os.environ, TOKEN_VAR: token},
                            start_new_session=True)
    tree = ProcessTree(root.pid, token)
    root.wait(timeout=10)
    for _ in range(100):
        if marker.exists() and marker.read_text(encoding="utf-8"):
            break
        time.sleep(0.05)
    daemon = int(marker.read_text(encoding="utf-8"))
    assert tree.kill_all() >= 1
    time.sleep(0.1)
    with pytest.raises(ProcessLookupError):
        os.kill(daemon, 0)


def _text_file_calls_without_encoding(path: Path) -> list[str]:
    """open()/read_text()/write_text() calls in text mode that do not name an encoding."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in ("open", "read_text", "write_text", "fdopen", "TextIOWrapper"):
            continue
        if isinstance(node.func, ast.Attribute) and name == "open" and getattr(node.func.value, "id", "") in (
                "os", "tarfile", "zipfile", "Image", "zf", "tar", "archive"):
            continue  # os.open takes flags; archive members and images are bytes
        keywords = {k.arg for k in node.keywords}
        modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)] + \
                [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
        if "encoding" in keywords or any("b" in str(m) for m in modes):
            continue
        found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    return found


def test_every_text_file_is_read_and_written_as_utf8():
    """Does every file the grader and the data loader open as text name its encoding (Windows
    would otherwise use its code page, and a comment in Greek would break the grade)?"""
    offenders = [hit for folder in STUDENT_SIDE for path in sorted(folder.rglob("*.py"))
                 for hit in _text_file_calls_without_encoding(path)]
    assert offenders == [], "add encoding='utf-8' to: " + ", ".join(offenders)


def test_a_folder_named_with_backslashes_is_graded(tmp_path):
    """Does `python -m autograder grade solution\\ --isolation portable` (Windows style) find the
    folder on any OS and grade at the level asked for?"""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "solution\\", "--only", "Q0.values",
                           "--results", str(out / "r.json"), "--no-html", "--report", str(out),
                           "--isolation", "portable"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Total: 0.5/0.5" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    level = json.loads((out / "r.json").read_text(encoding="utf-8"))["extra_data"]["isolation"]["level"]
    assert level == "portable"


class Stream:
    def __init__(self, tty: bool):
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.mark.parametrize("tty, env, windows_vt, expected", [
    (True, {"TERM": "xterm-256color"}, None, True),
    (False, {"TERM": "xterm-256color"}, None, False),           # a pipe or a file
    (True, {"TERM": "xterm", "NO_COLOR": "1"}, None, False),    # https://no-color.org
    (True, {"TERM": "dumb"}, None, False),
    (True, {}, False, False),                                   # an old Windows console
    (True, {}, True, True),                                     # Windows 10+: VT mode switched on
])
def test_colour_only_where_the_terminal_supports_it(monkeypatch, tty, env, windows_vt, expected):
    """Are PASS/FAIL coloured only on a terminal that shows colours, and the output plain under
    NO_COLOR, in a pipe, on a dumb terminal or a Windows console without VT support?"""
    monkeypatch.setattr(features, "WINDOWS", windows_vt is not None)
    monkeypatch.setattr(features, "enable_windows_vt", lambda stream: bool(windows_vt))
    assert terminal.supports_colour(Stream(tty), env) is expected
    line = terminal.mark("passed", colour=terminal.supports_colour(Stream(tty), env))
    assert ("\x1b[" in line) is expected and "PASS" in line
