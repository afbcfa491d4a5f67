"""`make autograde`: nbgrader's autograde with every student's kernel sandboxed (kernel_sandbox.py).

The bare `nbgrader autograde` runs each submitted notebook in a kernel with the instructor's
rights: a cell the student added can rewrite the grader before `make gradebook` runs it, edit
gradebook.db, read or change other students' folders and the home folder, use the network and
leave a process running. This command runs the same nbgrader, from the course folder, with:

- `--Execute.kernel_name=hlcv-sandboxed`: the kernel spec of a private run folder (JUPYTER_PATH),
  whose launcher starts each kernel sandboxed at the level this machine allows;
- `--KernelManager.transport=ipc` and `--KernelManager.ip=<run>/sockets/kernel`: the kernel's
  channels are unix sockets in that folder, so the kernel needs no network at all (nbclient
  creates its KernelManager with nbgrader's config, which holds both settings);
- JUPYTER_RUNTIME_DIR in the run folder: the connection files (their keys) stay private.

Afterwards, the level each kernel ran at and how it ended are kept in the course's KERNELS_FILE,
which the gradebook writer shows in its summary.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ...jsonfile import write_json
from ...paths import REPO_ROOT
from ...sandbox import isolation
from .kernel_sandbox import KERNEL_NAME, KernelLimits, write_run

KERNELS_FILE = "autograde_kernels.json"   # in the course folder: {student: the record of its kernel}


def autograde(course: Path, assignment: str, student: str | None = None, request: str = "auto",
              limits: KernelLimits = KernelLimits(), data_file: Path | None = None,
              nbgrader_args: tuple[str, ...] = ()) -> int:
    """Run `nbgrader autograde` in `course` with sandboxed kernels; returns nbgrader's exit code."""
    level = isolation.resolve(request)
    print(f"make autograde: student kernels run at the isolation level {level.level!r} "
          f"({level.describe()['mechanism']})", flush=True)
    if level.level in ("none", "portable"):  # rlimits, a wall clock and a sweep only
        print("warning: " + "; ".join(level.notes) + ". The notebooks' cells can reach everything your user "
              "can: grade untrusted submissions on Linux with bubblewrap, or as root.", flush=True)
    if level.level == "user":  # the sandbox user must not reach the gradebook, the submissions, solution/
        for line in isolation.protect([course, REPO_ROOT / "solution"]):
            print(line)
    folder = Path(tempfile.mkdtemp(prefix="hlcv-autograde-"))
    try:
        run = write_run(folder, course, level, limits, data_file)
        argv = [sys.executable, "-m", "nbgrader", "autograde", assignment,
                *(["--student", student] if student else []),
                f"--Execute.kernel_name={KERNEL_NAME}", "--KernelManager.transport=ipc",
                f"--KernelManager.ip={run.socket_prefix}", *nbgrader_args]
        done = subprocess.run(argv, cwd=course, env=_nbgrader_env(run.kernels_path, folder / "runtime"))
        records = _keep_records(course, folder / "records")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for name, record in sorted(records.items()):
        left = record.get("killed_left_behind")
        print(f"  {name}: {describe_kernel(record)}" + (f"; {left} process(es) it left were killed" if left else ""))
    if not records:
        print("  no kernel was started (nothing new to autograde? nbgrader skips students it already "
              "autograded: add `--force` after `--` to grade them again)")
    return done.returncode


def _nbgrader_env(kernels_path: Path, runtime: Path) -> dict[str, str]:
    """nbgrader's environment: the run's kernel spec found first, its runtime folder, the venv's
    bin/ first on PATH (nbgrader runs `alembic` from PATH)."""
    runtime.mkdir(mode=0o700)
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(kernels_path), env.get("JUPYTER_PATH", "")) if p)
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    return env


def _keep_records(course: Path, records: Path) -> dict[str, dict]:
    """Merge this run's kernel records into the course's KERNELS_FILE; returns this run's."""
    new = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(records.glob("*.json"))}
    if new:
        kept = kernel_records(course)
        kept.update(new)
        write_json(dict(sorted(kept.items())), course / KERNELS_FILE, indent=1)
    return new


def kernel_records(course: Path) -> dict[str, dict]:
    """{student: record of the kernel that last autograded it} (empty when none was recorded)."""
    path = course / KERNELS_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def describe_kernel(record: dict | None) -> str:
    """One line for the gradebook writer's summary: where this student's notebook ran."""
    if record is None:
        return ("kernel: no record of `make autograde` (the bare `nbgrader autograde` runs the notebook "
                "with your rights): run `make autograde` before trusting this course's files")
    line = f"kernel: {record.get('level')} ({record.get('mechanism')}), {record.get('ended')}"
    return line + (f" after {record['wall_s']:g} s" if "wall_s" in record else "")
