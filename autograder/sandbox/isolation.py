"""What a child that runs student code may see and touch: decided once per grade, here only.

Four levels, strongest first; `resolve("auto")` picks the first this machine allows
(`HLCV_ISOLATION` in the environment, or `--isolation`, asks for one):

- "namespaces": the children (and the fork servers they are forked from) run inside bubblewrap
  (`bwrap`, the sandbox Flatpak uses: maintained, small, no daemon, works without root where
  unprivileged user namespaces exist). Each sandbox has its own mount, PID, network, IPC and UTS
  namespaces and sees a read-only system (/usr, /etc, the Python installation), the grader's
  child-side code at GRADER_MOUNT, and one read-write folder, the grade's work root; nothing of
  the home folders, the course folder, the data file or the results; no network. When the grader
  runs as root, the probe process also drops to the unprivileged sandbox user (no capabilities).
- "user": the grader runs as root but namespaces cannot be created (a container whose seccomp
  profile forbids them, as Gradescope's may): every child drops to the unprivileged sandbox user
  after the grader's own modules are imported and before any student code is. The data folder,
  solution/ and the results folder lose their "other" permission bits, so that user cannot read or
  write them. (This level needs a Python installation other users can read, as the system's is.)
- "none": neither is possible (not root, no namespaces). Children still run with rlimits, in their
  own session, under a subreaper that kills whatever they leave behind; the grader says that it
  could not isolate further.
- "portable": Linux's features are missing (macOS, Windows, a Linux without prctl): see
  portable.py. Spawned interpreters (no fork servers), a watchdog in the grader (wall clock,
  memory, output, process count), rlimits where the OS has them, a Job Object on Windows, and a
  psutil sweep that kills whatever a check started. On Linux "none" comes first: its subreaper
  catches every detached process and its fork servers are faster; "portable" is chosen there
  only when asked for (to prove on Linux the code path macOS and Windows take).

Test labels never reach any child at any level (see checks/cifar.py): the level only decides who
else's files student code could read.
"""
from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..paths import REPO_ROOT
from . import features

LEVELS = ("namespaces", "user", "none", "portable")
REQUESTS = ("auto", *LEVELS)
REQUEST_VAR = "HLCV_ISOLATION"           # asks for a level when the grader is called with "auto"
SANDBOX_USER_VAR = "HLCV_SANDBOX_USER"   # the unprivileged user children run as when root
DEFAULT_SANDBOX_USER = "nobody"
GRADER_MOUNT = Path("/opt/hlcv-grader")  # where the child-side grader code appears in a namespace
CHILD_SIDE_PACKAGES = ("autograder", "datasets")  # code only: the data lives in data/, never mounted
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt/conda")


class IsolationUnavailable(RuntimeError):
    """An explicitly requested level cannot be reached on this machine."""


@dataclass(frozen=True)
class Isolation:
    """The level a grade runs at and what it needs to start children that way."""

    level: str                       # one of LEVELS
    uid: int | None = None           # the probe process drops to this user (set when the grader is root)
    gid: int | None = None
    user: str | None = None
    bwrap: str | None = None         # path of bubblewrap at the "namespaces" level
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def drops_privileges(self) -> bool:
        """True when the probe process changes to `uid` itself (whenever the grader is root)."""
        return self.uid is not None

    @property
    def portable(self) -> bool:
        """True at the "portable" level: spawned children watched by the grader (portable.py), no
        Linux supervisor."""
        return self.level == "portable"

    @property
    def grader_root(self) -> Path:
        """The folder holding the grader's packages as the child sees it."""
        return GRADER_MOUNT if self.level == "namespaces" else REPO_ROOT

    def describe(self) -> dict:
        """Plain data for results.json's extra_data and the report header."""
        mechanism = {"namespaces": "bubblewrap: own mount, PID, network, IPC and UTS namespaces",
                     "user": "an unprivileged user", "none": "rlimits and a subreaper only",
                     "portable": "spawned processes, limits watched by the grader, a process-tree sweep"
                                 + ("; a Job Object" if features.WINDOWS else "")}[self.level]
        if self.level == "namespaces" and self.user:
            mechanism += f"; student code runs as the unprivileged user {self.user}"
        elif self.level == "user":
            mechanism += f" ({self.user})"
        return {"level": self.level, "mechanism": mechanism, "user": self.user, "notes": list(self.notes)}

    def command(self, work_root: Path, argv: list[str]) -> list[str]:
        """`argv` wrapped for this level: inside bubblewrap at "namespaces", unchanged otherwise."""
        if self.level != "namespaces":
            return argv
        return [*bwrap_prefix(self.bwrap, work_root, privileged=self.uid is not None), *argv]


def resolve(requested: str = "auto") -> Isolation:
    """The Isolation for a request: "auto" (the first level available; HLCV_ISOLATION, when set,
    stands for it) or one level, which must work."""
    if requested == "auto" and os.environ.get(REQUEST_VAR, "auto") != "auto":
        requested = os.environ[REQUEST_VAR]
    if requested not in REQUESTS:
        raise ValueError(f"unknown isolation {requested!r}; choose from {', '.join(REQUESTS)}"
                         + (f" (check {REQUEST_VAR})" if os.environ.get(REQUEST_VAR) == requested else ""))
    if requested == "portable":
        return _portable("requested")
    linux_problem = features.linux_supervisor_problem()
    if linux_problem is not None:
        if requested != "auto":
            raise IsolationUnavailable(f"the {requested!r} level needs Linux's features: {linux_problem}; "
                                       "use --isolation portable (or auto)")
        return _portable(linux_problem)
    root = features.is_root()
    user, uid, gid = _sandbox_account() if root else (None, None, None)
    problem = "not requested"
    if requested in ("auto", "namespaces"):
        problem = namespaces_problem(uid, gid)
        if problem is None:
            return Isolation("namespaces", uid, gid, user, shutil.which("bwrap"))
        if requested == "namespaces":
            raise IsolationUnavailable(f"namespaces requested but not available: {problem}")
    if root and requested in ("auto", "user"):
        unreadable = [p for p in _python_folders() if not readable_by_others(Path(p))]
        if not unreadable:
            return Isolation("user", uid, gid, user, notes=(f"no namespaces ({problem})",))
        why = (f"the sandbox user {user} cannot read the Python installation ({unreadable[0]}); "
               "install Python where other users can read it")
        if requested == "user":
            raise IsolationUnavailable(f"the 'user' level is not available: {why}")
        problem += f"; no unprivileged user: {why}"
    elif requested == "user":
        raise IsolationUnavailable("the 'user' level needs the grader to run as root")
    return Isolation("none", notes=(f"could not isolate further: {problem}; student code can read "
                                    "and write what the grader's own user can",))


def _portable(why: str) -> Isolation:
    return Isolation("portable", notes=(f"portable level ({why}): student code can read and write what "
                                        "the grader's own user can, and reach the network",))


def _sandbox_account() -> tuple[str, int, int]:
    import pwd  # POSIX only; the grader is root only there

    name = os.environ.get(SANDBOX_USER_VAR) or DEFAULT_SANDBOX_USER
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise IsolationUnavailable(f"the sandbox user {name!r} does not exist; create it or set "
                                   f"{SANDBOX_USER_VAR} to an unprivileged user") from None
    if entry.pw_uid == 0:
        raise IsolationUnavailable(f"the sandbox user {name!r} is root; choose an unprivileged user")
    return name, entry.pw_uid, entry.pw_gid


# What the trial sandbox runs: drop to the sandbox user when root, then import from the stdlib and
# numpy after the drop (lazy imports are what breaks when the installation is out of reach).
TRIAL = ("import os, sys\n"
         "if len(sys.argv) > 1:\n"
         "    uid, gid = int(sys.argv[1]), int(sys.argv[2])\n"
         "    os.setgroups([]); os.setresgid(gid, gid, gid); os.setresuid(uid, uid, uid)\n"
         "import zipfile, numpy\n"
         "print('ok')")


@functools.lru_cache(maxsize=None)
def namespaces_problem(uid: int | None, gid: int | None) -> str | None:
    """None when bubblewrap starts a working sandbox here (dropping to uid/gid when given)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    ids = [str(uid), str(gid)] if uid is not None else []
    argv = [*bwrap_prefix(bwrap, Path("/"), privileged=uid is not None), sys.executable, "-I", "-c", TRIAL, *ids]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap could not start ({exc})"
    if done.returncode != 0 or done.stdout.strip() != "ok":
        return f"bwrap failed: {(done.stderr or done.stdout).strip().splitlines()[-1:] or '?'}"
    return None


def bwrap_prefix(bwrap: str, work_root: Path, privileged: bool, binds: Sequence[tuple[str, Path, Path]] = (),
                 chdir: Path = Path("/"), writable_tmp: bool = False) -> list[str]:
    """bubblewrap's arguments: a read-only system, the grader's child-side code, the work root.

    privileged (the grader is root): no user namespace; the sandbox keeps only the capabilities
    the supervisor needs to drop the probe process to the sandbox user and to kill what it leaves.
    Otherwise bubblewrap makes a user namespace and everything inside runs as the grader's user.
    binds: more (option, source, target) mounts, option "--bind" or "--ro-bind" (the notebook
    kernels of `make autograde`: channels/nbgrader/kernel_sandbox.py); chdir: where it starts;
    writable_tmp: the sandbox's own /tmp (a tmpfs) is writable by every user in it (mode 1777).
    """
    if privileged:
        args = [bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",
                "--cap-add", "CAP_KILL"]
    else:
        args = [bwrap, "--unshare-all"]
    args += ["--die-with-parent", "--new-session", "--dev", "/dev", "--proc", "/proc",
             *(["--perms", "1777"] if writable_tmp else []), "--tmpfs", "/tmp"]
    made: set[str] = {"/", "/dev", "/proc", "/tmp"}
    mounted: list[str] = []

    def parents_of(path: str) -> list[str]:
        # bwrap would create missing parents as 0700, out of the sandbox user's reach
        out = []
        for parent in reversed(Path(path).parents):
            text = str(parent)
            if text not in made and not any(text == m or text.startswith(m + "/") for m in mounted):
                out += ["--perms", "0755", "--dir", text]
                made.add(text)
        return out

    for folder in (*SYSTEM_DIRS, sys.base_prefix, sys.prefix, *_site_dirs(work_root)):
        if folder in SYSTEM_DIRS and os.path.islink(folder):  # /lib -> usr/lib on merged-/usr systems
            args += ["--symlink", os.readlink(folder), folder]
            made.add(folder)
            continue
        path = os.path.realpath(folder)
        if not os.path.isdir(path) or any(path == m or path.startswith(m + "/") for m in mounted):
            continue
        args += [*parents_of(path), "--ro-bind", path, path]
        mounted.append(path)
        made.add(path)
        if folder != path and folder not in made:  # a venv's python reached through a link
            args += [*parents_of(folder), "--symlink", path, folder]
            made.add(folder)
    for package in CHILD_SIDE_PACKAGES:
        target = str(GRADER_MOUNT / package)
        args += [*parents_of(target), "--ro-bind", str(REPO_ROOT / package), target]
    if str(work_root) != "/":
        args += [*parents_of(str(work_root)), "--bind", str(work_root), str(work_root)]
    for option, source, target in binds:
        args += [*parents_of(str(target)), option, str(source), str(target)]
    return [*args, "--remount-ro", "/", "--chdir", str(chdir)]


def _site_dirs(work_root: Path) -> list[str]:
    """sys.path folders outside the prefixes (e.g. a user site), which the child also imports from.

    Left out: the checkout itself (sys.path[0] when run from it; only its packages are mounted),
    and /tmp or any folder holding the work root (a script run from /tmp puts it on sys.path):
    mounted read-only, it would hide the sandbox's own writable /tmp, and torch cannot import
    without a temporary folder (the fork server then failed and every probe was spawned).
    """
    prefixes = (os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix))
    work = os.path.realpath(work_root)
    found = []
    for entry in sys.path:
        real = os.path.realpath(entry) if entry else ""
        if (not real or not os.path.isdir(real) or real.startswith(prefixes) or real == str(REPO_ROOT)
                or real == "/tmp" or work == real or work.startswith(real.rstrip("/") + "/")):
            continue
        found.append(os.path.abspath(entry))  # as Python spells it; a link is recreated inside
    return found


def _python_folders() -> list[str]:
    """The folders a child imports from lazily: the standard library and site-packages."""
    import numpy
    return [os.path.dirname(os.__file__), os.path.dirname(os.path.dirname(numpy.__file__))]


def imports_from_grader_tree() -> bool:
    """Whether Python imports packages from inside the grader's tree (a .venv in the checkout):
    then the tree must stay readable for the lazy imports of a child that dropped its privileges."""
    root = str(REPO_ROOT) + "/"
    paths = [entry for entry in (*sys.path, sys.prefix) if entry]
    # Both spellings: a path may reach the tree through a link (a .venv linked into a checkout).
    return any(os.path.abspath(p).startswith(root) or os.path.realpath(p).startswith(root) for p in paths)


def readable_by_others(path: Path) -> bool:
    """Whether a user with no special rights can reach and read `path` (its "other" bits and its
    parents' search bits)."""
    try:
        if not path.stat().st_mode & 0o004:
            return False
        return all(parent.stat().st_mode & 0o001 for parent in path.resolve().parents)
    except OSError:
        return False


def protect(paths: list[Path]) -> list[str]:
    """At the "user" level: remove the "other" permission bits of each existing path, so that the
    sandbox user can neither read nor write it. Returns one sentence per path it changed."""
    changed = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if mode & 0o007:
            path.chmod(stat.S_IMODE(mode) & ~0o007)
            changed.append(f"{path}: removed access for other users")
    return changed
