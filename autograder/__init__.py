"""Auto-grader for Exercise 2 (two-layer net in numpy, MLP in PyTorch). See docs/architecture.md."""
import os

# Every BLAS/OpenMP thread-count variable: the grader (here) and its children (sandbox/runner.py)
# set all of them, so that results do not depend on how many cores a machine has.
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS")


def pin_threads(env: dict, threads: int = 1, overwrite: bool = True) -> dict:
    """`env` with every THREAD_VARS entry set to `threads` (kept where set unless `overwrite`)."""
    for name in THREAD_VARS:
        if overwrite or name not in env:
            env[name] = str(threads)
    return env


# The grading process itself runs BLAS on one thread. Its own numbers (oracles) are then the same
# on every machine, and it never holds OpenBLAS worker threads while it starts child processes
# (forking a process whose OpenBLAS pool is busy can hang the fork). Set before numpy loads.
pin_threads(os.environ, 1, overwrite=False)
