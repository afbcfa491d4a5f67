"""What the CIFAR-10 checks share: compute budgets, partial credit, labels, missing data."""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome

INPUT_SIZE, NUM_CLASSES, TRAIN_SIZE = 3072, 10, 49_000


def two_layer_macs(settings: dict) -> float:
    """Multiply-accumulates of TwoLayerNet training: num_iters * batch_size * (D*H + H*C)."""
    H = settings["hidden_size"]
    return float(settings["num_iters"]) * settings["batch_size"] * (INPUT_SIZE * H + H * NUM_CLASSES)


def mlp_macs(settings: dict) -> float:
    """Multiply-accumulates of MLP training: epochs * 49,000 * sum of in*out over the Linear layers."""
    widths = [INPUT_SIZE, *settings["hidden_layers"], NUM_CLASSES]
    per_sample = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    return float(settings["epochs"]) * TRAIN_SIZE * per_sample


def accuracy_fraction(accuracy: float, zero_at: float, full_at: float) -> float:
    """Linear partial credit: 0 at or below zero_at, 1 at or above full_at."""
    return float(np.clip((accuracy - zero_at) / (full_at - zero_at), 0.0, 1.0))


def cifar_labels() -> dict[str, np.ndarray]:
    """y_val (1,000) and y_test (10,000) read by the parent from the data file, never from the child."""
    from datasets.paths import npz_path

    with np.load(npz_path(), allow_pickle=False) as npz:
        y_train, y_test = npz["y_train"], npz["y_test"]
    return {"y_val": y_train[49_000:50_000].astype(np.int64), "y_test": y_test.astype(np.int64)}


def data_missing_outcome() -> Outcome | None:
    """None when CIFAR-10 is set up; else a 0 with the command that sets it up."""
    from datasets.paths import npz_path
    from datasets.store import not_found_message

    if npz_path().is_file():
        return None
    return Outcome.failed("CIFAR-10 is not set up on this machine, so the training could not run: "
                          "run `make data` first", not_found_message())
