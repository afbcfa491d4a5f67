"""`make bench-container`: a full Gradescope grade of the solution under real container limits.

For each (vCPUs, memory) of --configs, the real zip is unpacked into a temporary /autograder, the
solution is uploaded, and run_autograder runs inside a child cgroup with that CPU quota and memory
limit (no swap), as Gradescope's container would. Printed per configuration: wall time, CPU-seconds
(cpuacct), the cgroup's peak memory (RSS + page cache, what the container's limit counts), the
tree's peak PSS and its split by role (grading parent, fork servers, probe children), OOM kills,
the score and the two test accuracies. The configurations run one after the other in one call.
Needs root, cgroups and CIFAR-10 (HLCV_DATA_DIR).
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


def one_grade(cpus: float, memory_mb: int, only: str, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="hlcv-container-") as tmp:
        root = layout(Path(tmp), pack.build(Path(tmp) / "autograder.zip"))
        env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
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
    print(f"   chosen by the grader: {run['container']}; leaderboard {run['leaderboard']}")
    for line in run["not_passed"]:
        print(f"   not passed: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default="1:1536,0.5:768",
                        help="comma-separated vCPUs:MB pairs (default: 1:1536,0.5:768, Gradescope's "
                        "ceiling to hold and its default container)")
    parser.add_argument("--only", default="", help="grade only these questions (default: all)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per grade (default: 900)")
    parser.add_argument("--json", type=Path, default=None, help="also write the runs as JSON here")
    args = parser.parse_args()
    runs = []
    for pair in args.configs.split(","):
        cpus, memory = pair.split(":")
        run = one_grade(float(cpus), int(memory), args.only, args.timeout)
        report(run)
        runs.append(run)
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
