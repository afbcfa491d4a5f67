"""The two kinds of warm process a probe starts from: "numpy" for the numpy half, "torch" for the
PyTorch half. A fork server (Linux) or a spare interpreter (the portable level) of a kind has
imported these libraries and the modules that hold the probes it may run (the grade names them:
autograder/course.py's check-and-probe modules), never any student code. Which kind a probe needs
is the grade's to say; this module knows only what each kind preloads.
"""
from __future__ import annotations

import importlib

KINDS = ("numpy", "torch")
# torchvision is not preloaded: nothing of the grader's needs it, and a submission that imports it
# pays its import (and its memory) itself.
PRELOADS = {"numpy": ("numpy",), "torch": ("numpy", "torch")}


def warm_imports(kind: str, modules) -> None:
    """Import what a process of `kind` preloads: the libraries, the grader's child-side modules, then
    `modules` (the grader's own, e.g. "autograder.checks.q1_forward")."""
    for name in PRELOADS[kind]:
        importlib.import_module(name)
    from autograder.sandbox import codec, probe, probe_process, student_code, transport  # noqa: F401
    for name in modules:
        if name.startswith(probe.GRADER_PACKAGES):
            importlib.import_module(name)
