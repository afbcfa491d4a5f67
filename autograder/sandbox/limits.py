"""Resource limits for the child process that runs student code.

Applied in the child between fork and exec (`preexec_fn`), so they bind the student's code and
everything it starts. The wall-clock limit is enforced by the parent, which cannot be fooled by
code that swallows signals.
"""
from __future__ import annotations

import resource
from dataclasses import dataclass, replace

MIB = 2**20


@dataclass(frozen=True)
class Limits:
    """Per-probe limits. Defaults suit a numpy probe on toy data."""

    wall_s: float = 20.0        # parent kills the process group after this many seconds
    memory_mb: int = 2048       # RLIMIT_DATA: heap + private mappings. RLIMIT_AS would refuse torch,
                                # whose CUDA build reserves ~3.4 GB of address space just to import.
    output_mb: int = 16         # RLIMIT_FSIZE: caps stdout/stderr files and anything the code writes
    open_files: int = 512
    cpu_s: int | None = None    # RLIMIT_CPU; default: wall time x threads + slack

    def scaled(self, **changes) -> "Limits":
        return replace(self, **changes)

    def apply_in_child(self) -> None:
        """Set the rlimits of the current process (called in the child before exec)."""
        cpu = self.cpu_s if self.cpu_s is not None else int(self.wall_s * 2 + 10)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        data = self.memory_mb * MIB
        resource.setrlimit(resource.RLIMIT_DATA, (data, data))
        out = self.output_mb * MIB
        resource.setrlimit(resource.RLIMIT_FSIZE, (out, out))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (self.open_files, self.open_files))


# Probes that train on CIFAR-10 or import torch need more room than the toy probes.
TOY = Limits()
TORCH = Limits(wall_s=60.0, memory_mb=3072)
TRAINING = Limits(wall_s=120.0, memory_mb=3072)
