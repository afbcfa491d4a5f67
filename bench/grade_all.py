"""`make bench-grade-all`: a class of 8 graded one at a time and in parallel, side by side.

The class is 8 copies of the solution (the same work each, so the times compare). `--jobs 1` and
`--jobs N` (default 2) alternate for --repeats rounds; printed: the median wall time of each, the
speed-up (ratio of the medians), the CPU-seconds of each run (its own cgroup's cpuacct, so the
load of other users does not count), the load average around it, and the peak PSS of the whole
process tree (batch driver, grader parents, fork servers, probe children), split by role. By
default the grades leave out the two CIFAR-10 trainings (--only below), which would make the
sequential half alone take ~15 minutes on 2 cores; pass --only "" to grade everything.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cgroup_limits import LimitedGroup  # noqa: E402
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
    load_before = os.getloadavg()[0]
    # A cgroup with the whole machine's CPUs and no memory cap: only there to count CPU-seconds.
    with LimitedGroup(float(os.cpu_count()), 2**20) as group:
        started = time.perf_counter()
        process = subprocess.Popen(group.wrap(command), cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        with TreeSampler(process.pid, interval=0.2) as sampler:
            _, err = process.communicate()
        wall = time.perf_counter() - started
        cpu_s = group.usage().cpu_s
    if process.returncode != 0:
        raise SystemExit(f"grade-all failed:\n{err}")
    rows = (out / "gradebook.csv").read_text().splitlines()[1:]
    return {"wall_s": wall, "cpu_s": cpu_s, "peak_mb": sampler.peak_total, "at_peak": sampler.at_peak,
            "totals": sorted({row.split(",")[-3] for row in rows}),
            "load": (load_before + os.getloadavg()[0]) / 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=8, help="submissions in the class (default: 8)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel grades to compare with 1 (default: 2)")
    parser.add_argument("--only", default=QUICK, help=f"questions graded (default: {QUICK}; '' = all)")
    parser.add_argument("--repeats", type=int, default=3, help="alternating rounds of both (default: 3)")
    args = parser.parse_args()
    print(f"{args.size} copies of the solution, {os.cpu_count()} CPUs; only {args.only or 'everything'}")
    runs: dict[int, list[dict]] = {1: [], args.jobs: []}
    with tempfile.TemporaryDirectory(prefix="hlcv-bench-class-") as tmp:
        klass = make_class(Path(tmp) / "class", args.size)
        for round_ in range(args.repeats):
            for jobs in runs:
                run = timed_batch(klass, Path(tmp) / f"out{jobs}", jobs, args.only)
                runs[jobs].append(run)
                print(f"  round {round_ + 1} --jobs {jobs}: {run['wall_s']:.1f} s wall, {run['cpu_s']:.0f} "
                      f"CPU-s, load {run['load']:.1f}, totals {run['totals']}", flush=True)
    for jobs, rounds in runs.items():
        peak = max(rounds, key=lambda r: r["peak_mb"])
        split = ", ".join(f"{k} {v:.0f}" for k, v in sorted(peak["at_peak"].items()) if v >= 1)
        print(f"--jobs {jobs}: median {statistics.median(r['wall_s'] for r in rounds):.1f} s wall, "
              f"{statistics.median(r['cpu_s'] for r in rounds):.0f} CPU-s; peak PSS {peak['peak_mb']:.0f} MB "
              f"({split})")
    ratio = (statistics.median(r["wall_s"] for r in runs[1])
             / statistics.median(r["wall_s"] for r in runs[args.jobs]))
    print(f"speed-up of --jobs {args.jobs} over one at a time (ratio of the medians): {ratio:.2f}x")


if __name__ == "__main__":
    main()
