"""`make bench-grade-all`: a class of 8 on 1 and 2 Dask workers, and Dask against a plain pool.

The class is 8 copies of the solution (the same work each, so the times compare). Three ways to
grade it alternate for --repeats rounds, side by side:

- `dask-1`: `python -m autograder.channels.batch --jobs 1` (an embedded LocalCluster, 1 worker);
- `dask-N`: the same with --jobs N (default 2): the speed-up is median(dask-1) / median(dask-N);
- `pool-N`: a minimal copy of the path grade-all had before Dask (`pool_grade_all` below: a thread
  pool of N that stages each upload, runs `python -m autograder grade` in its own process and
  copies results.json out), run as a process of its own like the others. Dask's overhead is
  median(dask-N) / median(pool-N) - 1.

Both batch runs pass --no-similarity (the similarity report is not Dask's cost; it is timed by
`make bench-similarity`). Printed: the median wall time of each, the CPU-seconds (the run's own
cgroup), the load average around it and the peak PSS of the whole process tree. By default the
grades leave out the two CIFAR-10 trainings (--only below); pass --only "" to grade everything.
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
from concurrent.futures import ThreadPoolExecutor
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


def pool_grade_all(klass: Path, out: Path, jobs: int, only: str) -> None:
    """The pre-Dask path, reduced to its work: stage, grade in a process, keep results.json."""
    from autograder.channels.stage import stage

    def grade_one(upload: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="hlcv-bench-pool-") as tmp:
            staged = stage(upload, Path(tmp) / "submission")
            private = Path(tmp) / "grader"
            private.mkdir(mode=0o700)
            command = [sys.executable, "-m", "autograder", "grade", str(staged.folder), "--results",
                       str(private / "results.json"), "--report", str(private), "--workers", "1",
                       "--time-scale", "1.0", "--isolation", "auto", "--no-html"] + (["--only", only] if only else [])
            subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, start_new_session=True, check=True)
            (out / upload.name).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(private / "results.json", out / upload.name / "results.json")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(grade_one, sorted(p for p in klass.iterdir() if p.is_dir())))


def command_for(way: str, jobs: int, klass: Path, out: Path, only: str) -> list[str]:
    if way == "pool":
        return [sys.executable, __file__, "--pool-run", str(klass), str(out), str(jobs), only]
    return [sys.executable, "-m", "autograder.channels.batch", str(klass), "--out", str(out), "--jobs", str(jobs),
            "--no-html", "--no-similarity", "--force"] + (["--only", only] if only else [])


def timed(command: list[str]) -> dict:
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
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{err}")
    return {"wall_s": wall, "cpu_s": cpu_s, "peak_mb": sampler.peak_total, "at_peak": sampler.at_peak,
            "load": (load_before + os.getloadavg()[0]) / 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=8, help="submissions in the class (default: 8)")
    parser.add_argument("--jobs", type=int, default=2, help="workers to compare with 1 (default: 2)")
    parser.add_argument("--only", default=QUICK, help=f"questions graded (default: {QUICK}; '' = all)")
    parser.add_argument("--repeats", type=int, default=3, help="alternating rounds of all three (default: 3)")
    parser.add_argument("--pool-run", nargs=4, metavar=("CLASS", "OUT", "JOBS", "ONLY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pool_run:
        klass, out, jobs, only = args.pool_run
        pool_grade_all(Path(klass), Path(out), int(jobs), only)
        return
    print(f"{args.size} copies of the solution, {os.cpu_count()} CPUs; only {args.only or 'everything'}")
    ways = [("dask", 1), ("dask", args.jobs), ("pool", args.jobs)]
    runs: dict[str, list[dict]] = {f"{w}-{j}": [] for w, j in ways}
    with tempfile.TemporaryDirectory(prefix="hlcv-bench-class-") as tmp:
        klass = make_class(Path(tmp) / "class", args.size)
        for round_ in range(args.repeats):
            for way, jobs in ways:
                name = f"{way}-{jobs}"
                run = timed(command_for(way, jobs, klass, Path(tmp) / name, args.only))
                runs[name].append(run)
                print(f"  round {round_ + 1} {name}: {run['wall_s']:.1f} s wall, {run['cpu_s']:.0f} CPU-s, "
                      f"load {run['load']:.1f}", flush=True)
    median = {name: statistics.median(r["wall_s"] for r in rounds) for name, rounds in runs.items()}
    for name, rounds in runs.items():
        peak = max(rounds, key=lambda r: r["peak_mb"])
        split = ", ".join(f"{k} {v:.0f}" for k, v in sorted(peak["at_peak"].items()) if v >= 1)
        print(f"{name}: median {median[name]:.1f} s wall, {statistics.median(r['cpu_s'] for r in rounds):.0f} "
              f"CPU-s; peak PSS {peak['peak_mb']:.0f} MB ({split})")
    jobs = args.jobs
    print(f"speed-up of {jobs} Dask workers over 1 (ratio of the medians): "
          f"{median['dask-1'] / median[f'dask-{jobs}']:.2f}x (target >= 1.8x on 2 cores)")
    print(f"Dask's overhead against a plain pool of {jobs}: "
          f"{(median[f'dask-{jobs}'] / median[f'pool-{jobs}'] - 1) * 100:+.1f}% (target <= 5%)")


if __name__ == "__main__":
    main()
