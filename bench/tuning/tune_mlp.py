"""Train solution/mlp.py on CIFAR-10 the way the grader does, on one CPU thread, and time it.

make_loader over the uint8 images (train shuffled with seed 0), train_model on the CPU, then
evaluate() on all 10,000 test images. Defaults are the settings of solution/hyperparams.py:mlp().

    python bench/tuning/tune_mlp.py                               # the chosen settings
    python bench/tuning/tune_mlp.py --hidden 512 256 --epochs 4   # another setting
"""
from __future__ import annotations

import common  # first: one CPU thread, then sys.path and the project's data

import argparse
import json
import time

import torch

from hyperparams import mlp
from mlp import MultiLayerPerceptron, evaluate, make_loader, train_model


def main() -> None:
    hp = mlp()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=hp["hidden_layers"], help="hidden widths (default %(default)s)")
    parser.add_argument("--epochs", type=int, default=hp["epochs"], help="epochs (default %(default)s)")
    parser.add_argument("--batch", type=int, default=hp["batch_size"], help="batch size (default %(default)s)")
    parser.add_argument("--lr", type=float, default=hp["learning_rate"], help="learning rate (default %(default)s)")
    parser.add_argument("--decay", type=float, default=hp["learning_rate_decay"], help="lr decay per epoch (default %(default)s)")
    parser.add_argument("--wd", type=float, default=hp["weight_decay"], help="weight decay (default %(default)s)")
    parser.add_argument("--dropout", type=float, default=hp["dropout"], help="dropout (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="torch seed (default %(default)s)")
    parser.add_argument("--device", default="cpu", help="device (default %(default)s)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    raw = common.raw_split()
    start = time.perf_counter()
    train_loader = make_loader(raw["x_train"], raw["y_train"], args.batch, shuffle=True, seed=args.seed)
    val_loader = make_loader(raw["x_val"], raw["y_val"], 1000, shuffle=False)
    test_loader = make_loader(raw["x_test"], raw["y_test"], 1000, shuffle=False)
    loaders_s = time.perf_counter() - start  # wall time; includes the cached transform
    torch.manual_seed(args.seed)
    model = MultiLayerPerceptron(3 * 32 * 32, args.hidden, 10, dropout=args.dropout)
    start, cpu_start = time.perf_counter(), time.process_time()
    history = train_model(model, train_loader, val_loader, args.epochs, args.lr, args.decay, args.wd,
                          device=torch.device(args.device))
    train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    test_acc = evaluate(model, test_loader, torch.device(args.device))
    test_s = time.perf_counter() - start - train_s
    print(json.dumps(dict(vars(args), val_acc=history["val_acc"], train_acc=[round(a, 3) for a in history["train_acc"]],
                          loss=[round(x, 3) for x in history["loss"]], test_acc=test_acc,
                          loaders_s=round(loaders_s, 2), train_s=round(train_s, 2), train_cpu_s=round(train_cpu_s, 2), test_s=round(test_s, 2),
                          imgs_per_cpu_s=round(args.epochs * len(raw["y_train"]) / train_cpu_s))))


if __name__ == "__main__":
    main()
