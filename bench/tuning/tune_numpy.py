"""Train solution/two_layer_net.py on CIFAR-10 the way the grader does, single-threaded, and time it.

float32 mean-subtracted (49000, 3072) training data, float32 params std*randn, test accuracy on all
10,000 test images. Defaults are the settings of solution/hyperparams.py:two_layer_net().

    python bench/tuning/tune_numpy.py                        # the chosen settings
    python bench/tuning/tune_numpy.py --hidden 50 --lr 1e-4 --reg 0.25 --iters 1000   # the baseline
"""
from __future__ import annotations

import common  # first: one CPU thread, then sys.path and the project's data

import argparse
import json
import time

import numpy as np

from hyperparams import two_layer_net
from two_layer_net import TwoLayerNet


def main() -> None:
    hp = two_layer_net()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=hp["hidden_size"], help="hidden units H (default %(default)s)")
    parser.add_argument("--lr", type=float, default=hp["learning_rate"], help="learning rate (default %(default)s)")
    parser.add_argument("--decay", type=float, default=hp["learning_rate_decay"], help="lr decay per epoch (default %(default)s)")
    parser.add_argument("--reg", type=float, default=hp["reg"], help="L2 strength (default %(default)s)")
    parser.add_argument("--iters", type=int, default=hp["num_iters"], help="SGD steps (default %(default)s)")
    parser.add_argument("--batch", type=int, default=hp["batch_size"], help="batch size (default %(default)s)")
    parser.add_argument("--std", type=float, default=hp.get("std", 1e-4), help="init std (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="numpy seed (default %(default)s)")
    args = parser.parse_args()

    data = common.load_cifar10()
    np.random.seed(args.seed)
    net = TwoLayerNet(data["X_train"].shape[1], args.hidden, 10, std=args.std)
    net.params = {k: v.astype(np.float32) for k, v in net.params.items()}
    start, cpu_start = time.perf_counter(), time.process_time()
    stats = net.train(data["X_train"], data["y_train"], data["X_val"], data["y_val"],
                      learning_rate=args.lr, learning_rate_decay=args.decay, reg=args.reg,
                      num_iters=args.iters, batch_size=args.batch)
    train_s, train_cpu_s = time.perf_counter() - start, time.process_time() - cpu_start
    test_acc = float((net.predict(data["X_test"]) == data["y_test"]).mean())
    total_s = time.perf_counter() - start
    assert all(v.dtype == np.float32 for v in net.params.values()), "params left float32"
    print(json.dumps(dict(vars(args), val_acc=float(stats["val_acc_history"][-1]),
                          best_val=float(max(stats["val_acc_history"])), test_acc=test_acc,
                          final_loss=round(float(np.mean(stats["loss_history"][-50:])), 4),
                          train_s=round(train_s, 2), train_cpu_s=round(train_cpu_s, 2), total_s=round(total_s, 2),
                          imgs_per_cpu_s=round(args.iters * args.batch / train_cpu_s))))


if __name__ == "__main__":
    main()
