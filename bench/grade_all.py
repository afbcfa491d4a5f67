"""`make bench-grade-all`: a class of 8 graded one at a time and then in parallel, in one run.

The class is 8 copies of the solution (the same work each, so the times compare). Printed: the wall
time of `--jobs 1` and of `--jobs N` (default 2), the speed-up, and the peak PSS of the whole
process tree of each run (batch driver, grader parents, fork servers, probe children), split by
role. By default the grades leave out the two CIFAR-10 trainings (--only below), which would make
the sequential half alone take ~15 minutes on 2 cores; pass --only "" to grade everything.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from process_memory import TreeSampler  # noqa: E402

QUICK = ("Q0,Q1a,Q1b,Q1c,Q2d,Q3a,Q4a,Q4b.two_training_steps,Q4b.evaluation,Q4c")
SUBMISSION_PY = ("chain_rule.py", "two_layer_net.py", "hyperparams.py", "mlp.py")


def make_class(folder: Path, size: int) -> Path:
    for i in range(size):
        student = folder / f"student{i:02d}"
        student.mkdir(parents=True)
        for name in SUBMISSION_PY:
            shutil.copyfile(ROOT / "solution" / name, student / name)
    return folder


def timed_batch(klass: Path, out: Path, jobs: int, only: str) -> dict:
    command = [sys.executable, "-m", "autograder.channels.batch", str(klass), "--out", str(out),
               "--jobs", str(jobs), "--no-html", "--force"] + (["--only", only] if only else [])
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with TreeSampler(process.pid, interval=0.2) as sampler:
        _, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"grade-all failed:\n{err}")
    rows = (out / "gradebook.csv").read_text().splitlines()[1:]
    return {"wall_s": wall, "peak_mb": sampler.peak_total, "at_peak": sampler.at_peak,
            "totals": sorted({row.split(",")[-3] for row in rows}), "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=8, help="submissions in the class (default: 8)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel grades to compare with 1 (default: 2)")
    parser.add_argument("--only", default=QUICK, help=f"questions graded (default: {QUICK}; '' = all)")
    args = parser.parse_args()
    print(f"{args.size} copies of the solution, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
          f"only {args.only or 'everything'}")
    with tempfile.TemporaryDirectory(prefix="hlcv-bench-class-") as tmp:
        klass = make_class(Path(tmp) / "class", args.size)
        runs = {jobs: timed_batch(klass, Path(tmp) / f"out{jobs}", jobs, args.only) for jobs in (1, args.jobs)}
    for jobs, run in runs.items():
        split = ", ".join(f"{k} {v:.0f}" for k, v in sorted(run["at_peak"].items()) if v >= 1)
        print(f"--jobs {jobs}: {run['wall_s']:.1f} s wall, peak PSS {run['peak_mb']:.0f} MB ({split}); "
              f"totals {run['totals']}; load after {run['load']:.2f}")
    print(f"speed-up of --jobs {args.jobs} over one at a time: "
          f"{runs[1]['wall_s'] / runs[args.jobs]['wall_s']:.2f}x")


if __name__ == "__main__":
    main()
