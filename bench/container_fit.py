"""`make bench-container`: a full Gradescope grade of the solution under real container limits.

For each (vCPUs, memory) of --configs, the real zip is unpacked into a temporary /autograder, the
solution is uploaded, and run_autograder runs inside a child cgroup with that CPU quota and memory
limit (no swap), as Gradescope's container would. Printed per configuration: the score, wall time,
CPU-seconds (cpuacct), the cgroup's peak memory (RSS + page cache, what the container's limit
counts), the tree's peak PSS and its split by role (grading parent, oracle process, fork servers,
probe children), OOM kills and the two test accuracies; then one table of all runs. The
configurations run one after the other in one call; Gradescope's default (0.5 vCPU, 768 MB) runs
three times, and the table says whether its score was the same each time.

--python chooses the interpreter that grades (default: this one), e.g. a venv holding the CPU
build of torch that setup.sh installs on Gradescope. Needs root, cgroups and CIFAR-10
(HLCV_DATA_DIR): without the data it refuses to run (the trainings would score 0).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cgroup_limits import LimitedGroup  # noqa: E402
from process_memory import TreeSampler  # noqa: E402
from autograder.channels.gradescope import pack  # noqa: E402

SUBMISSION_PY = ("chain_rule.py", "two_layer_net.py", "hyperparams.py", "mlp.py")


def layout(base: Path, zip_path: Path) -> Path:
    root = base / "autograder"
    for name in ("source", "submission", "results"):
        (root / name).mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            zf.extract(info, root / "source")
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)
    for name in SUBMISSION_PY:
        shutil.copyfile(ROOT / "solution" / name, root / "submission" / name)
    return root


def one_grade(cpus: float, memory_mb: int, only: str, timeout: float, python: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="hlcv-container-") as tmp:
        root = layout(Path(tmp), pack.build(Path(tmp) / "autograder.zip"))
        env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": python}
        env.pop("AUTOGRADER_ONLY", None)
        if only:
            env["AUTOGRADER_ONLY"] = only
        with LimitedGroup(cpus, memory_mb) as group:
            started = time.perf_counter()
            process = subprocess.Popen(group.wrap([str(root / "source" / "run_autograder")]), cwd=root,
                                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            with TreeSampler(process.pid) as sampler:
                try:
                    output, _ = process.communicate(timeout=timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    output, _ = process.communicate()
            wall = time.perf_counter() - started
            usage = group.usage()
        results = json.loads((root / "results" / "results.json").read_text())
    return {"cpus": cpus, "memory_mb": memory_mb, "wall_s": wall, "cpu_s": usage.cpu_s,
            "cgroup_peak_mb": usage.peak_mb, "oom_kills": usage.oom_kills,
            "tree_peak_pss_mb": sampler.peak_total, "at_peak": sampler.at_peak,
            "peak_by_role": sampler.peak_by_role, "score": results["score"],
            "max_score": sum(t["max_score"] for t in results["tests"]),
            "leaderboard": {e["name"]: e["value"] for e in results.get("leaderboard", [])},
            "container": results.get("extra_data", {}).get("container"),
            "torch_in_grading_process": results.get("extra_data", {}).get("metadata", {}).get("torch_in_grading_process"),
            "not_passed": [f"{t['name']}: {t['output'][:120]}" for t in results["tests"]
                           if t["status"] != "passed" and t["max_score"] > 0],
            "output_tail": output[-1500:]}


def report(run: dict) -> None:
    print(f"\n== {run['cpus']:g} vCPU, {run['memory_mb']} MB: score {run['score']:g}/{run['max_score']:g}, "
          f"wall {run['wall_s']:.0f} s, {run['cpu_s']:.0f} CPU-s, OOM kills {run['oom_kills']}")
    print(f"   cgroup peak (RSS + page cache) {run['cgroup_peak_mb']:.0f} MB; "
          f"process tree peak PSS {run['tree_peak_pss_mb']:.0f} MB")
    print("   at the tree's peak: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(run["at_peak"].items())))
    print("   each role's own peak: " + ", ".join(f"{k} {v:.0f}" for k, v in sorted(run["peak_by_role"].items())))
    print(f"   chosen by the grader: {run['container']}; leaderboard {run['leaderboard']}; "
          f"torch in the grading process: {run['torch_in_grading_process']}")
    for line in run["not_passed"]:
        print(f"   not passed: {line}")


def grading_build(python: str) -> str:
    """The torch build the grading interpreter imports, and whether torchvision is installed there."""
    probe = ("import importlib.util, torch; print(torch.__version__, 'with torchvision installed' if "
             "importlib.util.find_spec('torchvision') else 'without torchvision')")
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    return done.stdout.strip() or f"torch not importable: {done.stderr.strip()[-300:]}"


def table(runs: list[dict]) -> None:
    print("\n| container | score | wall | CPU-s | cgroup peak | OOM kills |\n|---|---|---|---|---|---|")
    for run in runs:
        print(f"| {run['cpus']:g} vCPU, {run['memory_mb']} MB | {run['score']:g}/{run['max_score']:g} | "
              f"{run['wall_s']:.0f} s | {run['cpu_s']:.0f} | {run['cgroup_peak_mb']:.0f} MB | {run['oom_kills']} |")
    for setting in sorted({(r["cpus"], r["memory_mb"]) for r in runs}):
        scores = [r["score"] for r in runs if (r["cpus"], r["memory_mb"]) == setting]
        if len(scores) > 1:
            same = "the same score every time" if len(set(scores)) == 1 else "DIFFERENT scores"
            print(f"{setting[0]:g} vCPU, {setting[1]} MB, {len(scores)} runs: {same} ({scores})")


def settings(text: str) -> list[tuple[float, int]]:
    """"0.5:768x3,1:1536" -> [(0.5, 768), (0.5, 768), (0.5, 768), (1.0, 1536)]."""
    found = []
    for item in text.split(","):
        pair, _, times = item.partition("x")
        cpus, memory = pair.split(":")
        found += [(float(cpus), int(memory))] * int(times or 1)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="0.5:768x3,1:1536,1:2048",
                        help="comma-separated vCPUs:MB[xRUNS] (default: 0.5:768x3,1:1536,1:2048: Gradescope's "
                        "default container three times, then the README's advice and its headroom)")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter that grades, e.g. a venv with torch's CPU build (default: this one)")
    parser.add_argument("--only", default="", help="grade only these questions (default: all)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per grade (default: 900)")
    parser.add_argument("--json", type=Path, default=None, help="also write the runs as JSON here")
    args = parser.parse_args()
    from datasets.paths import npz_path

    if not npz_path().is_file():
        sys.exit(f"bench-container: CIFAR-10 is not set up ({npz_path()} is missing), so the trainings "
                 "would score 0 and the numbers would mean nothing. Run `make data`, or point "
                 "HLCV_DATA_DIR at a folder that holds cifar10/cifar10.npz.")
    print(f"grading interpreter: {args.python} (torch {grading_build(args.python)})")
    runs = []
    for cpus, memory in settings(args.configs):
        run = one_grade(cpus, memory, args.only, args.timeout, args.python)
        report(run)
        runs.append(run)
    table(runs)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
