"""`make bench`: how fast the grade and the trainings are, measured side by side in one run.

Prints, on this machine:
1. training throughput of the solution's numpy TwoLayerNet against the same network trained
   with PyTorch on the CPU (float32, one thread each, same batches; medians of interleaved
   repeats, and their ratio);
2. the PyTorch MLP's training throughput with the solution's hyperparams.mlp() widths;
3. wall time and peak memory (PSS summed over the grader and its children, sampled every 50 ms) of
   grading the solution: the numpy half, then the whole assignment; with the test accuracies the
   solution's settings reached within the time limits.
Numbers only; no pass/fail.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from autograder import pin_threads  # noqa: E402
from autograder.torchnet import torch_module  # noqa: E402

pin_threads(os.environ)  # before numpy/torch load: one thread, as in the grader's children

import numpy as np  # noqa: E402

NUMPY_HALF = "Q0,Q1a,Q1b,Q1c,Q2d,Q3a,Q3b"


def load_solution(name: str):
    import importlib.util
    spec = importlib.util.spec_from_file_location(f"solution_{name}", ROOT / "solution" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def throughput(iterations: int, repeats: int) -> dict:
    """Images/s of numpy vs PyTorch SGD on the same two-layer net and the same CIFAR batches."""
    from datasets import load_cifar10

    torch = torch_module()

    settings = load_solution("hyperparams").two_layer_net()
    H, B = settings["hidden_size"], settings["batch_size"]
    data = load_cifar10(dtype=np.float32)
    X, y = data["X_train"], data["y_train"]
    rng = np.random.RandomState(0)
    batches = [rng.choice(len(X), B) for _ in range(iterations)]
    net = load_solution("two_layer_net").TwoLayerNet(X.shape[1], H, 10, std=1e-4)
    net.params = {k: v.astype(np.float32) for k, v in net.params.items()}
    model = torch.nn.Sequential(torch.nn.Linear(X.shape[1], H), torch.nn.ReLU(), torch.nn.Linear(H, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))

    def run_numpy() -> float:
        start = time.perf_counter()
        for idx in batches:
            _, grads = net.loss(X[idx], y[idx], reg=0.1)
            for k in net.params:
                net.params[k] -= 1e-4 * grads[k]
        return len(batches) * B / (time.perf_counter() - start)

    def run_torch() -> float:
        start = time.perf_counter()
        for idx in batches:
            index = torch.from_numpy(idx)
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(Xt[index]), yt[index])
            loss.backward()
            optimizer.step()
        return len(batches) * B / (time.perf_counter() - start)

    numpy_rates, torch_rates = [], []
    for _ in range(repeats):
        numpy_rates.append(run_numpy())
        torch_rates.append(run_torch())
    return {"hidden_size": H, "batch_size": B, "numpy": statistics.median(numpy_rates),
            "torch": statistics.median(torch_rates),
            "ratio": statistics.median(n / t for n, t in zip(numpy_rates, torch_rates))}


def mlp_throughput(batches: int) -> dict:
    """Training images/s of the solution's MLP training loop (its widths, its loader, one thread).

    train_model also evaluates its validation loader once per epoch; that loader holds a single
    batch here, so the rate counts the training images and (almost) only the training work.
    """
    from datasets import load_raw

    torch_module()
    settings = load_solution("hyperparams").mlp()
    mlp = load_solution("mlp")
    raw = load_raw()
    n = batches * settings["batch_size"]
    loader = mlp.make_loader(raw["x_train"][:n], raw["y_train"][:n], settings["batch_size"], shuffle=True)
    val_loader = mlp.make_loader(raw["x_train"][n:n + settings["batch_size"]],
                                 raw["y_train"][n:n + settings["batch_size"]], settings["batch_size"], shuffle=False)
    model = mlp.MultiLayerPerceptron(3072, settings["hidden_layers"], 10, dropout=settings.get("dropout", 0.0))
    start = time.perf_counter()
    mlp.train_model(model, loader, val_loader, epochs=1, learning_rate=settings["learning_rate"],
                    learning_rate_decay=1.0, weight_decay=settings["weight_decay"], device="cpu")
    return {"hidden_layers": settings["hidden_layers"], "images_per_s": n / (time.perf_counter() - start)}


def process_tree_memory(root_pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes, summed over root_pid and all its descendants (from /proc).

    RSS counts pages shared by a fork server and its children once per process; PSS splits each
    shared page among the processes that map it, so its sum is the memory the tree really holds.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    rss = pss = 0
    stack = [root_pid]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith(("Rss:", "Pss:")):
                        value = int(line.split()[1]) * 1024
                        if line.startswith("Rss:"):
                            rss += value
                        else:
                            pss += value
        except OSError:
            continue
    return rss, pss


def timed_grade(only: str | None, *extra: str) -> dict:
    """Grade solution/ in a subprocess (extra CLI arguments appended); wall time, peak summed RSS
    and PSS of its process tree, and the results."""
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.json"
        command = [sys.executable, "-m", "autograder", "grade", "solution", "--no-html",
                   "--results", str(results), "--report", tmp, *extra]
        if only:
            command += ["--only", only]
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        peak_rss = peak_pss = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_rss, peak_pss
            while not done.is_set():
                rss, pss = process_tree_memory(process.pid)
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        process.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        report = json.loads(results.read_text())
    return {"wall_s": wall, "peak_rss_mb": peak_rss / 2**20, "peak_pss_mb": peak_pss / 2**20, "report": report}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=150, help="SGD iterations per throughput run (default: 150)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved throughput repeats (default: 5)")
    parser.add_argument("--skip-grade", action="store_true", help="only the throughput measurements")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; numpy {np.__version__}")
    rates = throughput(args.iterations, args.repeats)
    print(f"\n1. two-layer net training, H={rates['hidden_size']}, batch {rates['batch_size']}, float32, 1 thread "
          f"(median of {args.repeats} interleaved runs of {args.iterations} iterations)")
    print(f"   numpy (solution):  {rates['numpy']:9.0f} images/s")
    print(f"   PyTorch on CPU:    {rates['torch']:9.0f} images/s")
    print(f"   numpy / PyTorch:   {rates['ratio']:9.2f}x   (target >= 0.8x)")
    mlp = mlp_throughput(batches=60)
    print(f"\n2. PyTorch MLP training, hidden_layers={mlp['hidden_layers']}, 1 thread: "
          f"{mlp['images_per_s']:.0f} images/s")
    if args.skip_grade:
        return
    for label, only in (("numpy half", NUMPY_HALF), ("whole assignment", None)):
        run = timed_grade(only)
        report = run["report"]
        accuracies = {t["extra_data"]["check"]: t["extra_data"].get("test_accuracy")
                      for t in report["tests"] if "test_accuracy" in t["extra_data"]}
        trainings = {t["extra_data"]["check"]: t["extra_data"].get("train_seconds")
                     for t in report["tests"] if "train_seconds" in t["extra_data"]}
        print(f"\n3. grading the solution ({label}): {run['wall_s']:.1f} s wall (target <= 60 s), "
              f"score {report['score']:g}/{report['extra_data']['max_score']:g}")
        print(f"   peak memory of the grader and its children: {run['peak_pss_mb']:.0f} MB PSS "
              f"(target <= 1536 MB); {run['peak_rss_mb']:.0f} MB if shared pages count once per process")
        for check, accuracy in accuracies.items():
            seconds = trainings.get(check)
            print(f"   {check}: test accuracy {accuracy:.2%}" + (f", training {seconds:.1f} s" if seconds else ""))


if __name__ == "__main__":
    main()
