"""The two kinds of warm process a probe starts from: "numpy" for the numpy half, "torch" for the
PyTorch half. A fork server (Linux) or a spare interpreter (the portable level) of a kind has
imported these modules and the grader's probe modules, never any student code."""
from __future__ import annotations

import importlib
from pathlib import Path

# torchvision is not preloaded: nothing of the grader's needs it, and a submission that imports it
# pays its import (and its memory) itself.
PRELOADS = {"numpy": ("numpy",), "torch": ("numpy", "torch")}
TORCH_PROBE_MODULES = ("mlp", "mlp_training")


def kind_of_probe(probe: str) -> str:
    """"torch" for a probe of the PyTorch half ("mlp.architecture"), else "numpy"."""
    return "torch" if probe.split(".")[0] in TORCH_PROBE_MODULES else "numpy"


def kind_of_files(files) -> str:
    """The kind that probes of these submission files use: torch for the PyTorch half."""
    return "torch" if any(Path(name).stem in TORCH_PROBE_MODULES for name in files) else "numpy"


def warm_imports(kind: str) -> None:
    """Import what a process of `kind` preloads: the libraries, then the grader's probe modules."""
    for name in PRELOADS[kind]:
        importlib.import_module(name)
    from autograder.sandbox import probes, transport  # noqa: F401  (warm the grader's modules)
    for name in probes.MODULES:
        if kind == "torch" or name not in TORCH_PROBE_MODULES:
            importlib.import_module(f"autograder.sandbox.probes.{name}")
