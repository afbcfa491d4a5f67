"""Windows: a Job Object holds a probe's interpreter and everything it starts.

A process assigned to a job cannot leave it, nor can its children (no breakaway is allowed), so
however the student's code detaches a process, closing the job kills it: Windows' own answer to
what Linux's subreaper does. The job also caps the memory of all its processes together and how
many may run at once (a fork bomb's limit). Called through ctypes; `kernel32` can be replaced by
a stand-in, which is how the logic is tested on Linux (tests/test_portable_parts.py).
"""
from __future__ import annotations

import ctypes

JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x00000008
JOB_OBJECT_LIMIT_JOB_MEMORY = 0x00000200
JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x00000400  # no error dialog waiting for a click
JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000
JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS = 9


class IoCounters(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint64) for name in (
        "ReadOperationCount", "WriteOperationCount", "OtherOperationCount",
        "ReadTransferCount", "WriteTransferCount", "OtherTransferCount")]


class BasicLimitInformation(ctypes.Structure):
    _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                ("LimitFlags", ctypes.c_uint32), ("MinimumWorkingSetSize", ctypes.c_size_t),
                ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", ctypes.c_uint32),
                ("Affinity", ctypes.c_size_t), ("PriorityClass", ctypes.c_uint32),
                ("SchedulingClass", ctypes.c_uint32)]


class ExtendedLimitInformation(ctypes.Structure):
    _fields_ = [("BasicLimitInformation", BasicLimitInformation), ("IoInfo", IoCounters),
                ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]


def _kernel32():
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.CreateJobObjectW.restype = ctypes.c_void_p
    kernel32.SetInformationJobObject.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_uint32]
    kernel32.AssignProcessToJobObject.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    kernel32.TerminateJobObject.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    kernel32.CloseHandle.argtypes = [ctypes.c_void_p]
    return kernel32


class JobObject:
    """One job per probe: `assign` the interpreter right after it starts, `limit` when its probe
    arrives, `close` to kill everything in it."""

    def __init__(self, kernel32=None):
        self._kernel32 = kernel32 if kernel32 is not None else _kernel32()
        self.handle = self._kernel32.CreateJobObjectW(None, None)
        if not self.handle:
            raise OSError(f"CreateJobObjectW failed (error {ctypes.get_last_error()})")
        self.limit()

    def limit(self, memory_bytes: int | None = None, max_processes: int | None = None) -> None:
        """Kill everything when the job closes; cap the job's memory and process count when given."""
        info = ExtendedLimitInformation()
        flags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION
        if memory_bytes:
            flags |= JOB_OBJECT_LIMIT_JOB_MEMORY
            info.JobMemoryLimit = memory_bytes
        if max_processes:
            flags |= JOB_OBJECT_LIMIT_ACTIVE_PROCESS
            info.BasicLimitInformation.ActiveProcessLimit = max_processes
        info.BasicLimitInformation.LimitFlags = flags
        if not self._kernel32.SetInformationJobObject(self.handle, JOB_OBJECT_EXTENDED_LIMIT_INFORMATION_CLASS,
                                                      ctypes.byref(info), ctypes.sizeof(info)):
            raise OSError(f"SetInformationJobObject failed (error {ctypes.get_last_error()})")

    def assign(self, process_handle: int) -> None:
        """Put a process (subprocess.Popen's `_handle`) into the job; its children follow."""
        if not self._kernel32.AssignProcessToJobObject(self.handle, process_handle):
            raise OSError(f"AssignProcessToJobObject failed (error {ctypes.get_last_error()})")

    def close(self) -> None:
        """Kill every process in the job and release it (idempotent)."""
        if self.handle:
            self._kernel32.TerminateJobObject(self.handle, 1)
            self._kernel32.CloseHandle(self.handle)
            self.handle = None
