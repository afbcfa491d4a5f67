"""Training throughput (images/s) of the same 2-layer network in numpy and in PyTorch on one CPU thread.

Both train D=3072 -> H -> C=10 in float32 with SGD on the same minibatches (batch B, sampled with
replacement from mean-subtracted CIFAR-10), so the numbers compare the frameworks, not the data path;
torch also runs with solution/mlp.py's make_optimizer (fused Adam), as the MLP trains.
The two are timed in alternating rounds so that load from other processes hits both alike.

    python bench/tuning/bench_throughput.py --hidden 100 --batch 200
"""
from __future__ import annotations

import common  # first: one CPU thread, then sys.path and the project's data

import argparse
import time

import numpy as np
import torch

from mlp import MultiLayerPerceptron, make_optimizer
from two_layer_net import TwoLayerNet


def numpy_steps(net: TwoLayerNet, X: np.ndarray, y: np.ndarray, batches: np.ndarray, lr: float, reg: float) -> None:
    for idx in batches:
        _, grads = net.loss(X[idx], y[idx], reg=reg)
        for name, grad in grads.items():
            net.params[name] -= lr * grad


def torch_steps(model, optimizer, X: torch.Tensor, y: torch.Tensor, batches: np.ndarray) -> None:
    criterion = torch.nn.CrossEntropyLoss()
    for idx in batches:
        idx = torch.from_numpy(idx)
        loss = criterion(model(X.index_select(0, idx)), y.index_select(0, idx))  # as CIFARArrays gathers
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=100, help="hidden units H (default %(default)s)")
    parser.add_argument("--batch", type=int, default=200, help="batch size B (default %(default)s)")
    parser.add_argument("--steps", type=int, default=300, help="SGD steps per timed round (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(1)

    data = common.load_cifar10()
    X, y = data["X_train"], data["y_train"]
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    np.random.seed(0)
    net = TwoLayerNet(X.shape[1], args.hidden, 10, std=1e-4)
    net.params = {k: v.astype(np.float32) for k, v in net.params.items()}
    torch.manual_seed(0)
    model = MultiLayerPerceptron(X.shape[1], [args.hidden], 10)
    optimizers = {"torch SGD": torch.optim.SGD(model.parameters(), lr=1e-3, weight_decay=0.2),
                  "torch Adam": make_optimizer(model, learning_rate=1e-5, weight_decay=0.0)}  # fused
    rng = np.random.RandomState(0)
    rates: dict[str, list[float]] = {"numpy SGD": [], **{name: [] for name in optimizers}}
    for _ in range(args.rounds):
        batches = rng.choice(len(y), (args.steps, args.batch))  # (steps, B), with replacement
        start = time.perf_counter()
        numpy_steps(net, X, y, batches, lr=1e-3, reg=0.1)
        rates["numpy SGD"].append(args.steps * args.batch / (time.perf_counter() - start))
        for name, optimizer in optimizers.items():
            start = time.perf_counter()
            torch_steps(model, optimizer, Xt, yt, batches)
            rates[name].append(args.steps * args.batch / (time.perf_counter() - start))
    print(f"D=3072 H={args.hidden} C=10 B={args.batch} float32, 1 thread, {args.rounds} x {args.steps} steps")
    for name, values in rates.items():
        print(f"  {name:11s} median {np.median(values):8.0f} images/s  (rounds: {', '.join(f'{v:.0f}' for v in values)})")


if __name__ == "__main__":
    main()
