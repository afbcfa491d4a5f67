"""The notebook kernels of `make autograde`: each one runs sandboxed, at the run's isolation level.

`nbgrader autograde` executes every submitted notebook in a Jupyter kernel, and a student can add
any cell to the notebook. `make autograde` (autograde.py) gives nbgrader a kernel spec
(`write_run`) whose command is this module's `launch`, not ipykernel. The launcher is trusted
code with the instructor's rights, outside any sandbox. For each notebook it:

1. copies the kernel's folder (nbgrader starts the kernel in autograded/<student>/<assignment>/)
   into a private folder of the run, in which the kernel works; the copy is thrown away at the
   end. nbgrader writes the notebook's outputs into autograded/ itself, after the kernel ended,
   following links: a kernel that could write that folder could plant a link there
   (exercise2.ipynb -> ../../../gradebook.db) through which nbgrader's own write, or the
   gradebook writer's, would land in another file;
2. starts ipykernel through a small trusted shim (SHIM: rlimits, the drop to the sandbox user
   when root, no new privileges), wrapped for the level:
   - "namespaces": inside bubblewrap (isolation.bwrap_prefix): a read-only system and Python, the
     private copy mounted at the autograded folder's own path (so paths in the notebook look the
     same), the rest of its private folder at KERNEL_MOUNT (connection file, HOME), a /tmp of its
     own, CIFAR-10's npz read-only (the demo cells train on it; nothing the kernel computes is a
     grade: `make gradebook` grades the submitted .py files), and the run's socket folder. No
     network at all: the kernel's channels are unix sockets (KernelManager.transport = "ipc").
     Its own PID namespace: whatever it starts dies with it;
   - "user" and any other level: `Isolation.command` wraps it as it wraps a probe; it runs in the
     private copy, as the sandbox user when the launcher is root;
3. passes nbgrader's interrupts (SIGINT, at its per-cell Execute.timeout) on to the kernel's
   process group, holds the whole notebook to a wall-clock limit (KernelLimits.wall_s), and when
   the kernel ends, is killed at the limit, or nbgrader stops the launcher (SIGTERM, or its own
   death), kills everything the kernel left (a subreaper catches whatever detached). It records
   the level before the kernel starts and how it ended afterwards, in the run folder; `make
   autograde` keeps those records in the course for the gradebook writer's summary.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ... import THREAD_VARS
from ...jsonfile import write_json
from ...paths import REPO_ROOT
from ...sandbox import isolation
from .kernel_watch import die_with_nbgrader, supervise

KERNEL_NAME = "hlcv-sandboxed"
SETTINGS = "settings.json"
KERNEL_MOUNT = Path("/opt/hlcv-kernel")   # inside bubblewrap: the kernel's private folder (connection file, HOME)
DATA_MOUNT = Path("/opt/hlcv-data")       # inside bubblewrap: HLCV_DATA_DIR (cifar10/cifar10.npz only)
# What of nbgrader's environment reaches the kernel (never the instructor's tokens, agents or paths).
PASSED_ENV = ("LANG", "LANGUAGE", "TZ", "TERM", "PYTHONHASHSEED", "MPLBACKEND", *THREAD_VARS)
PASSED_PREFIXES = ("LC_", "NBGRADER_", "HLCV_")


@dataclass(frozen=True)
class KernelLimits:
    """Limits of one notebook's kernel. Its hard limits must stay above those the grader's probes
    set on themselves (sandbox/limits.py: 3072 MB, 256 MB of output, 512 files, 250 s of CPU),
    since the test cells grade in the kernel and a process cannot raise a hard limit."""

    wall_s: float = 900.0     # the whole notebook; the solution's takes ~80 s on 2 cores
    memory_mb: int = 8192     # RLIMIT_DATA of each process: the notebook loads CIFAR-10 and torch
    output_mb: int = 512      # RLIMIT_FSIZE
    open_files: int = 1024
    max_processes: int = 1024  # RLIMIT_NPROC, set only when the kernel runs as the sandbox user

    @property
    def cpu_s(self) -> int:
        """RLIMIT_CPU: every core busy for the whole wall-clock limit, and at least 300 s."""
        return max(300, int(self.wall_s * (os.cpu_count() or 1)) + 60)

    def rlimits(self) -> list[tuple[str, int]]:
        mib = 2**20
        return [("RLIMIT_CPU", self.cpu_s), ("RLIMIT_DATA", self.memory_mb * mib),
                ("RLIMIT_FSIZE", self.output_mb * mib), ("RLIMIT_NOFILE", self.open_files), ("RLIMIT_CORE", 0)]


# Runs first in the kernel's process, stdlib only, with -I: the rlimits, the drop to the sandbox
# user (bubblewrap keeps CAP_SETUID for it when the launcher is root), no way back to privileges,
# death with the launcher; then exec ipykernel. argv: settings (JSON), then the kernel's command.
SHIM = """import ctypes, json, os, sys
settings = json.loads(sys.argv[1])
try:
    import resource
except ImportError:  # Windows: no rlimits
    resource = None
for name, value in settings["rlimits"] if resource else ():
    if hasattr(resource, name):
        resource.setrlimit(getattr(resource, name), (value, value))
try:
    with open("/proc/self/oom_score_adj", "w") as f:
        f.write("1000")
except OSError:
    pass
if settings["drop"]:
    uid, gid = settings["drop"]
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (settings["max_processes"],) * 2)
if sys.platform.startswith("linux"):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, 9, 0, 0, 0)
    if libc.prctl(38, 1, 0, 0, 0) != 0:
        sys.exit("could not set no_new_privs")
if os.name == "posix":
    os.execv(sys.argv[2], sys.argv[2:])
import subprocess
sys.exit(subprocess.call(sys.argv[2:]))  # Windows has no exec that keeps the process
"""


@dataclass(frozen=True)
class Run:
    """One `make autograde` run: what every kernel launcher of the run reads from SETTINGS."""

    folder: Path              # private to the run: sockets/, kernels/, records/, the kernel spec
    course: Path
    isolation: isolation.Isolation
    limits: KernelLimits
    data_file: Path | None    # cifar10.npz, shown read-only to the kernel (None: not set up)

    @property
    def sockets(self) -> Path:
        return self.folder / "sockets"

    @property
    def socket_prefix(self) -> Path:
        """KernelManager.ip with transport "ipc": the channels are the unix sockets <this>-1 ... -5."""
        return self.sockets / "kernel"

    @property
    def kernels_path(self) -> Path:
        """JUPYTER_PATH entry that holds the kernel spec."""
        return self.folder / "share"

    def save(self) -> None:
        data = {"course": str(self.course), "isolation": asdict(self.isolation), "limits": asdict(self.limits),
                "data_file": str(self.data_file) if self.data_file else None}
        write_json(data, self.folder / SETTINGS, indent=1)

    @classmethod
    def load(cls, folder: Path) -> "Run":
        data = json.loads((folder / SETTINGS).read_text(encoding="utf-8"))
        fields = data["isolation"]
        level = isolation.Isolation(**{**fields, "notes": tuple(fields.get("notes", ()))})
        return cls(folder, Path(data["course"]), level, KernelLimits(**data["limits"]),
                   Path(data["data_file"]) if data["data_file"] else None)


def write_run(folder: Path, course: Path, level: isolation.Isolation, limits: KernelLimits,
              data_file: Path | None) -> Run:
    """Lay out a run in `folder` (empty, private to the instructor): settings, kernel spec, socket folder."""
    run = Run(folder, course.resolve(), level, limits, data_file)
    for sub in ("sockets", "kernels", "records"):
        (folder / sub).mkdir()
    if level.uid is not None:  # the kernel, as the sandbox user, creates its sockets there
        os.chown(run.sockets, level.uid, level.gid)
        folder.chmod(0o711)       # and reaches its private folder under kernels/ at the "user" level
        (folder / "kernels").chmod(0o711)
    run.save()
    spec = run.kernels_path / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    # -I: the launcher imports nothing from the working folder or the environment; the environment
    # is read before `autograder` is imported (which pins the BLAS thread counts of its own process).
    boot = (f"import os, sys; env = dict(os.environ); sys.path.insert(0, {str(REPO_ROOT)!r}); "
            "from autograder.channels.nbgrader.kernel_sandbox import launch; sys.exit(launch(sys.argv[1:], env))")
    write_json({
        "argv": [sys.executable, "-I", "-c", boot, str(folder), "{connection_file}"],
        "display_name": "Python 3 (sandboxed by make autograde)", "language": "python",
        # nbgrader's per-cell timeout interrupts with SIGINT to the launcher's process group; the
        # launcher passes it on to the kernel's (as a plain kernel gets it).
        "interrupt_mode": "signal", "metadata": {"debugger": False}}, spec / "kernel.json", indent=1)
    return run


def launch(argv: list[str], environ: dict[str, str]) -> int:
    """The kernel spec's command: run one kernel sandboxed (see the module's docstring).

    argv: the run folder, the connection file nbgrader wrote, then ipykernel's extra arguments.
    """
    run = Run.load(Path(argv[0]))
    connection, extra = Path(argv[1]), argv[2:]
    folder = Path.cwd().resolve()
    student = folder.parent.name if folder.parent.parent == run.course / "autograded" else folder.name
    die_with_nbgrader(run.isolation)
    # The level first: should this launcher be killed outright, the level is still on record.
    record = {"student": student, "folder": str(folder), **run.isolation.describe(), "timed_out": False,
              "ended": "unknown: the launcher was killed before it could say (SIGKILL from nbgrader)"}
    path = run.folder / "records" / f"{student}.json"
    write_json(record, path, indent=1)
    private = Path(tempfile.mkdtemp(prefix=f"{student}-", dir=run.folder / "kernels"))
    try:
        work, connection_file = _private_copy(run, folder, connection, private)
        command, cwd = kernel_command(run, folder, work, connection_file, private, extra)
        env = kernel_env(run, environ, private)
        record.update(supervise(command, cwd, env, run.limits.wall_s, run.isolation))
        write_json(record, path, indent=1)
    finally:
        shutil.rmtree(private, ignore_errors=True)
    if record["timed_out"]:
        print(f"make autograde: {student}: the notebook ran past its limit of {run.limits.wall_s:g} s; "
              "its kernel was killed", file=sys.stderr)
    return 0


def _private_copy(run: Run, folder: Path, connection: Path, private: Path) -> tuple[Path, Path]:
    """The kernel's working copy of `folder` and its copy of the connection file, owned by the
    sandbox user when the kernel drops to it."""
    work = private / "work"
    shutil.copytree(folder, work, symlinks=True)
    (private / "home").mkdir()
    (private / "tmp").mkdir()
    connection_file = private / "connection.json"
    shutil.copyfile(connection, connection_file)
    level = run.isolation
    if level.uid is not None:
        for path in (private, *private.rglob("*")):
            os.chown(path, level.uid, level.gid, follow_symlinks=False)
    return work, connection_file


def kernel_command(run: Run, folder: Path, work: Path, connection_file: Path, private: Path,
                   extra: list[str]) -> tuple[list[str], Path]:
    """(argv, cwd) of the kernel at the run's level."""
    level = run.isolation
    inside = KERNEL_MOUNT if level.level == "namespaces" else private
    inside_connection = inside / connection_file.name
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", str(inside_connection),
              "--HistoryManager.hist_file=:memory:", *extra]
    settings = {"rlimits": run.limits.rlimits(), "max_processes": run.limits.max_processes,
                "drop": [level.uid, level.gid] if level.uid is not None else None}
    shim = [sys.executable, "-I", "-c", SHIM, json.dumps(settings), *kernel]
    if level.level != "namespaces":
        return level.command(private, shim), work
    binds = [("--bind", work, folder), ("--bind", private, KERNEL_MOUNT)]
    if run.data_file is not None and run.data_file.is_file():
        binds.append(("--ro-bind", run.data_file, DATA_MOUNT / "cifar10" / run.data_file.name))
    # A /tmp the sandbox user can write: the grader's probes that the test cells start get a
    # scrubbed environment without TMPDIR, and torch does not import without a temporary folder.
    prefix = isolation.bwrap_prefix(level.bwrap, run.sockets, privileged=level.uid is not None,
                                    binds=binds, chdir=folder, writable_tmp=True)
    return [*prefix, *shim], private


def kernel_env(run: Run, environ: dict[str, str], private: Path) -> dict[str, str]:
    """nbgrader's environment, reduced to what a notebook needs; HOME and the data folder set."""
    env = {k: v for k, v in environ.items() if k in PASSED_ENV or k.startswith(PASSED_PREFIXES)}
    inside = run.isolation.level == "namespaces"
    # JPY_PARENT_PID=1: ipykernel then neither polls its parent (in the PID namespace its parent
    # is pid 1; the launcher's death kills the kernel anyway) nor prints its console banner.
    env.update(JPY_PARENT_PID="1", PATH=os.pathsep.join((str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin")),
               HOME=str((KERNEL_MOUNT if inside else private) / "home"),
               TMPDIR="/tmp" if inside else str(private / "tmp"), PYTHONNOUSERSITE="1")
    env.pop("HLCV_DATA_DIR", None)
    if run.data_file is not None:
        env["HLCV_DATA_DIR"] = str(DATA_MOUNT if inside else run.data_file.parents[1])
    return env
