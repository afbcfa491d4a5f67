"""Auto-grader for Exercise 2 (two-layer net in numpy, MLP in PyTorch). See docs/architecture.md."""
import os

# The grading process itself runs BLAS on one thread. Its own numbers (oracles) are then the same
# on every machine, and it never holds OpenBLAS worker threads while it starts child processes
# (forking a process whose OpenBLAS pool is busy can hang the fork). Set before numpy loads.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
