"""Q4c for the reference solution: train the solution's MLP with 2, 3, 4 and 5 layers.

"Layers" counts the Linear layers: 2 is one hidden layer. Every depth uses the solution's
hyperparams.mlp() settings with hidden widths of its first layer repeated; one CPU thread, the
grader's seed. Prints the table that solution/mlp.py's depth_study() reports.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from autograder import pin_threads  # noqa: E402

pin_threads(os.environ)


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "solution" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    from autograder.torchnet import torch_module
    from datasets import load_raw
    from datasets.cifar10 import NUM_TRAINING

    torch = torch_module()
    mlp, settings = load("mlp"), load("hyperparams").mlp()
    raw = load_raw()
    x_train, y_train = raw["x_train"][:NUM_TRAINING], raw["y_train"][:NUM_TRAINING]
    x_val, y_val = raw["x_train"][NUM_TRAINING:], raw["y_train"][NUM_TRAINING:]
    width = settings["hidden_layers"][0]
    print(f"settings: {settings}; hidden width {width} repeated")
    for layers in (2, 3, 4, 5):
        torch.manual_seed(0)
        train_loader = mlp.make_loader(x_train, y_train, settings["batch_size"], shuffle=True, seed=0)
        val_loader = mlp.make_loader(x_val, y_val, 1000, shuffle=False)
        model = mlp.MultiLayerPerceptron(3072, [width] * (layers - 1), 10, dropout=settings.get("dropout", 0.0))
        start = time.perf_counter()
        history = mlp.train_model(model, train_loader, val_loader, epochs=settings["epochs"],
                                  learning_rate=settings["learning_rate"],
                                  learning_rate_decay=settings["learning_rate_decay"],
                                  weight_decay=settings["weight_decay"], device="cpu")
        train_acc = mlp.evaluate(model, mlp.make_loader(x_train, y_train, 1000, shuffle=False), "cpu")
        print(f"{layers} layers: train {train_acc:.3f}, val {history['val_acc'][-1]:.3f} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
