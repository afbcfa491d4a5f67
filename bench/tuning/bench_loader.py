"""What the MLP's data path costs per epoch: per-sample transform versus solution/mlp.py's cached tensor.

On one CPU thread (as in the grader), over the 49,000 training images, it times
(a) the textbook loader: build_transform() in __getitem__, default collate, one pass;
(b) building the cache image by image (torch.stack of 49,000 transform calls);
(c) solution/mlp.py's make_loader: build (the transform on chunks of images), then one pass;
(d) one training epoch of an MLP on (c), for scale.

    python bench/tuning/bench_loader.py --hidden 200 200 --batch 200
"""
from __future__ import annotations

import common  # first: one CPU thread, then sys.path and the project's data

import argparse
import time

import torch
from torch.utils.data import DataLoader, Dataset

from mlp import MultiLayerPerceptron, build_transform, make_loader, train_model


class PerSampleArrays(Dataset):
    """The uncached variant: the transform runs on every __getitem__."""

    def __init__(self, images, labels):
        self.images, self.labels, self.transform = images, torch.as_tensor(labels), build_transform()

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return self.transform(self.images[index]), self.labels[index]


def timed(fn) -> tuple[float, object]:
    """(CPU seconds, result) of fn(); CPU time is robust to other processes sharing the cores."""
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def one_pass(loader) -> int:
    return sum(len(labels) for _images, labels in loader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[200, 200], help="hidden widths (default %(default)s)")
    parser.add_argument("--batch", type=int, default=200, help="batch size (default %(default)s)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    raw = common.raw_split()
    x, y = raw["x_train"], raw["y_train"]

    per_sample = DataLoader(PerSampleArrays(x, y), batch_size=args.batch, shuffle=True,
                            generator=torch.Generator().manual_seed(0))
    print(f"(a) per-sample transform, one pass:       {timed(lambda: one_pass(per_sample))[0]:6.2f} s")
    transform = build_transform()
    print(f"(b) cache built image by image:           {timed(lambda: torch.stack([transform(i) for i in x]))[0]:6.2f} s")
    build_s, cached = timed(lambda: make_loader(x, y, args.batch, shuffle=True))
    print(f"(c) make_loader: build {build_s:5.2f} s, then one pass {timed(lambda: one_pass(cached))[0]:5.2f} s")
    model = MultiLayerPerceptron(3072, args.hidden, 10)
    val = make_loader(raw["x_val"], raw["y_val"], 1000, shuffle=False)
    epoch_s, _ = timed(lambda: train_model(model, cached, val, 1, 1e-3, 0.95, 0.0, device=torch.device("cpu")))
    print(f"(d) one training epoch, hidden {args.hidden}, batch {args.batch}, on (c): {epoch_s:6.2f} s")


if __name__ == "__main__":
    main()
