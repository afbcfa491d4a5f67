"""One grade's sandbox, from start to end: its isolation level, its work root, its warm processes.

Used as a context manager around a grade (the engine) or around the instructor's tests
(extra_tests): it resolves the isolation level once, makes the work root that holds every probe's
working folder (not listable by the sandbox user: mode 0711, or 0311 when the grader is that
user, so a child cannot find the folders of the others), a private scratch folder of the grader's
own, and the launcher (fork servers, or the portable level's spare interpreters) that preloads
what the caller names. At the "user" level the data, solution/ and results folders lose their
"other" permissions first (isolation.protect). At the end everything is removed. It knows
processes and folders; which probes run and which kind of process they need, the caller says.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..paths import REPO_ROOT
from . import isolation
from .features import posix_permissions
from .launcher import launcher_for
from .runner import child_env, remove_tree


class Session:
    """Where one grade's children run (see the module's docstring)."""

    def __init__(self, isolation_request: str = "auto", threads_per_probe: int = 1, fork_server: bool = True,
                 protected: tuple[str, ...] = (), preloads: dict[str, tuple[str, ...]] | None = None):
        self.isolation = isolation.resolve(isolation_request)
        self.protected = self._protect(protected) if self.isolation.level == "user" else []
        self.work_root = Path(tempfile.mkdtemp(prefix="hlcv-grade-"))
        if posix_permissions():
            self.work_root.chmod(0o711 if self.isolation.uid is not None else 0o311)
        # The grader's own scratch folder (mode 0700, outside the work root that children see):
        # checks keep per-grade caches there, e.g. the CIFAR-10 split as memory-mapped files.
        self.private_dir = Path(tempfile.mkdtemp(prefix="hlcv-grader-"))
        env = child_env(self.work_root, threads_per_probe)
        self.launcher = launcher_for(env, self.isolation, self.work_root, preloads) if fork_server else None

    @staticmethod
    def _protect(protected: tuple[str, ...]) -> list[str]:
        from datasets.paths import cifar10_dir

        folders = [cifar10_dir(), REPO_ROOT / "solution", REPO_ROOT / "reports", *(Path(p) for p in protected)]
        if not isolation.imports_from_grader_tree():
            folders.append(REPO_ROOT)  # children import nothing from it after the drop
        return isolation.protect(folders)

    def warm(self, kinds) -> None:
        """Start now, side by side, the warm processes of these kinds ("numpy", "torch")."""
        if self.launcher is not None:
            self.launcher.warm(kinds)

    def expect(self, kinds: set[str]) -> None:
        """Tell the launcher which kinds of process the work not started yet will use (the
        portable level then starts no spare interpreter that nothing would take)."""
        if self.launcher is not None:
            self.launcher.expect(kinds)

    def starting(self, kind: str) -> bool:
        """Whether the warm process of `kind` is still starting (a probe would wait for it)."""
        return self.launcher is not None and not self.launcher.started(kind)

    def describe(self) -> dict[str, Any]:
        described = self.isolation.describe()
        described["notes"] = described["notes"] + self.protected
        return described

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.launcher is not None:
                self.launcher.__exit__(*exc)
        finally:
            if posix_permissions():
                self.work_root.chmod(0o700)
            remove_tree(self.work_root)
            remove_tree(self.private_dir)
