"""Resource limits for the child process that runs student code.

The child applies them to itself first thing, before it imports anything else (setting them
between fork and exec with `preexec_fn` is unsafe while the grader runs checks in threads), so they
bind the student's code and everything it starts. The wall-clock limit is enforced by the parent,
which cannot be fooled by code that swallows signals.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

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

    @property
    def effective_cpu_s(self) -> int:
        """RLIMIT_CPU: twice the wall-clock limit plus slack unless set (one thread per probe)."""
        return self.cpu_s if self.cpu_s is not None else int(self.wall_s * 2 + 10)

    def as_dict(self) -> dict:
        """The limits as the child applies them (cpu_s resolved)."""
        return {**asdict(self), "cpu_s": self.effective_cpu_s}


# Probes that train on CIFAR-10 or import torch need more room than the toy probes.
TOY = Limits()
TORCH = Limits(wall_s=60.0, memory_mb=3072)
TRAINING = Limits(wall_s=120.0, memory_mb=3072, output_mb=256)  # the trained weights come back


def shared_memory_mb() -> float:
    """The memory the grader and all its children share: the tightest cgroup limit (a container's),
    else the machine's RAM (autograder/resources.py reads it)."""
    from ..resources import memory_limit_mb

    return memory_limit_mb()


def memory_kill_message(limits: Limits) -> str:
    """Why a child killed by SIGKILL most likely died, naming the limit that applied: the probe's
    own (RLIMIT_DATA only ever refuses, it never kills), or the container's memory when smaller."""
    shared = shared_memory_mb()
    if shared < limits.memory_mb:
        return (f"was killed (signal SIGKILL) when the memory ran out: the limit that applied is this "
                f"container's {shared:.0f} MB, which the grader and your code share")
    return f"was killed (signal SIGKILL); most often this is running out of memory (limit {limits.memory_mb} MB)"


def memory_error_message(limits: Limits) -> str:
    """Why a child raised MemoryError: its own limit refused an allocation (and the container's
    memory, when smaller, is said too)."""
    shared = shared_memory_mb()
    extra = f"; this container holds {shared:.0f} MB in all, shared with the grader" if shared < limits.memory_mb else ""
    return f"ran out of memory (limit {limits.memory_mb} MB{extra})"
