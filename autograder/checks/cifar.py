"""What the two CIFAR-10 checks (Q3b, Q4b) share: read and vet the student's settings, hold them
to a compute budget, train in a child, and score the trained weights in the parent.

The child gets the training and validation arrays only, never a path to the data file and never
a test image or label; it returns the trained weights. The parent computes the validation and test
predictions with its own forward pass on those weights (predict() and forward() are graded in Q1a
and Q4a), so a submission that finds or fakes labels gains nothing.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from datasets.cifar10 import NUM_FEATURES as INPUT_SIZE, NUM_TRAINING
from ..catalogue import Outcome
from ..sandbox import TOY, TRAINING
from ..sandbox.exchange import CifarData, Nothing

NUM_CLASSES = 10


class WeightsProblem(ValueError):
    """The trained weights a child returned cannot be scored (wrong shapes, too few layers)."""


def two_layer_macs(settings: dict) -> float:
    """Multiply-accumulates of TwoLayerNet training: num_iters * batch_size * (D*H + H*C)."""
    H = settings["hidden_size"]
    return float(settings["num_iters"]) * settings["batch_size"] * (INPUT_SIZE * H + H * NUM_CLASSES)


def mlp_macs(settings: dict) -> float:
    """Multiply-accumulates of MLP training: epochs * 49,000 * sum of in*out over the Linear layers."""
    widths = [INPUT_SIZE, *settings["hidden_layers"], NUM_CLASSES]
    per_sample = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    return float(settings["epochs"]) * NUM_TRAINING * per_sample


def accuracy_fraction(accuracy: float, zero_at: float, full_at: float) -> float:
    """Linear partial credit: 0 at or below zero_at, 1 at or above full_at."""
    return float(np.clip((accuracy - zero_at) / (full_at - zero_at), 0.0, 1.0))


_SPLIT_LOCK = threading.Lock()


def cifar_split(folder: Path) -> dict[str, np.ndarray]:
    """The exercise's split as stored (uint8 images), memory-mapped from `folder` (the grade's
    private folder; written there on first use, streamed from the data file): x_train/y_train
    (49,000), x_val/y_val (training images 49,000-49,999), x_test/y_test (10,000) and the training
    mean image (3072,) float32.

    Memory-mapped, so the two trainings' checks share one copy and the parent holds the images
    in the page cache, which the kernel can reclaim, not in its own memory. Read by the parent only.
    """
    from datasets.cifar10 import split_files, write_split

    with _SPLIT_LOCK:
        files = split_files(folder)
        if not all(path.is_file() for path in files.values()):
            files = write_split(folder)
    return {k: np.load(path, mmap_mode="r") for k, path in files.items()}


def data_missing_outcome() -> Outcome | None:
    """None when CIFAR-10 is set up; else a 0 with the command that sets it up."""
    from datasets.paths import npz_path
    from datasets.store import not_found_message

    if npz_path().is_file():
        return None
    return Outcome.failed("CIFAR-10 is not set up on this machine, so the training could not run: "
                          "run `make data` first", not_found_message())


@dataclass(frozen=True)
class CifarTraining:
    """One CIFAR-10 training check: where the settings and the training come from, its limits."""

    settings_probe: str                     # e.g. "hyperparams.two_layer_net"
    training_probe: str                     # e.g. "two_layer_training.cifar_training"
    validate: Callable[[dict], list[str]]   # range checks beyond settings_problems': sentences, or []
    at_least_one: tuple[str, ...]           # settings that count something: >= 1
    non_negative: tuple[str, ...]           # settings that must be >= 0
    macs: Callable[[dict], float]           # the settings' multiply-accumulates of training
    budget_formula: str                     # how macs is computed, for the message
    max_macs: float
    zero_at: float                          # test accuracy worth no points ...
    full_at: float                          # ... and full points; linear in between
    time_limit_s: float
    # (the training probe's output message, settings, images uint8 (N, 32, 32, 3), the training
    # mean image (3072,)) -> predictions (N,) computed by the parent with the returned weights;
    # raises WeightsProblem
    predict: Callable[[Any, dict, np.ndarray, np.ndarray], np.ndarray]


def settings_problems(settings: dict, spec: CifarTraining) -> list[str]:
    """The spec's own range checks, then those both trainings share: one sentence per problem."""
    problems = spec.validate(settings)
    problems += [f"{key} must be at least 1, got {settings[key]}" for key in spec.at_least_one
                 if settings[key] < 1]
    if not 0 < settings["learning_rate"] < 10:
        problems.append(f"learning_rate must be in (0, 10), got {settings['learning_rate']}")
    if not 0 < settings["learning_rate_decay"] <= 1:
        problems.append(f"learning_rate_decay must be in (0, 1], got {settings['learning_rate_decay']}")
    problems += [f"{key} must be >= 0, got {settings[key]}" for key in spec.non_negative
                 if settings.get(key, 0.0) < 0]
    return problems


def train_and_score(ctx, spec: CifarTraining, threads: int = 1) -> tuple[Outcome, Any]:
    """Settings, budget, data, training, accuracy: the Outcome and the training probe's output
    message (None when the training did not run)."""
    settings = ctx.probe(spec.settings_probe, Nothing(), TOY, files=("hyperparams.py",)).values
    problems = settings_problems(settings, spec)
    if not problems and spec.macs(settings) > spec.max_macs:
        problems.append(f"these settings need {spec.macs(settings):.2e} multiply-adds of training, over "
                        f"the budget of {spec.max_macs:.1e} ({spec.budget_formula}); make the training "
                        "smaller")
    if problems:
        return Outcome.failed(problems[0], "\n".join(problems), settings=settings), None
    missing = data_missing_outcome()
    if missing is not None:
        return missing, None
    split = cifar_split(ctx.sandbox.private_dir)
    data = CifarData(split["x_train"], split["y_train"], split["x_val"], split["y_val"], settings,
                     seed=ctx.seed("init") % 2**31, threads=threads)
    got = ctx.probe(spec.training_probe, data, TRAINING.scaled(wall_s=spec.time_limit_s))
    del data
    try:
        val_pred = spec.predict(got, settings, split["x_val"], split["mean_image"])
        test_pred = spec.predict(got, settings, split["x_test"], split["mean_image"])
    except WeightsProblem as problem:
        return Outcome.failed(f"the trained weights cannot be scored: {problem}", str(problem),
                              settings=settings), got
    test_acc, val_acc = _accuracy(test_pred, split["y_test"]), _accuracy(val_pred, split["y_val"])
    details = (f"settings: {settings}\ntraining took {got.train_seconds:.1f} s; validation accuracy "
               f"{val_acc:.2%}; test accuracy {test_acc:.2%} (full points at {spec.full_at:.0%}, none "
               f"below {spec.zero_at:.0%})\nThe grader computed both accuracies with its own forward "
               "pass on the weights your training returned.")
    outcome = Outcome(accuracy_fraction(test_acc, spec.zero_at, spec.full_at),
                      f"test accuracy {test_acc:.2%} (validation {val_acc:.2%})", details,
                      {"test_accuracy": test_acc, "val_accuracy": val_acc,
                       "train_seconds": got.train_seconds, "settings": settings})
    return outcome, got


def _accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of matching labels; 0 when the prediction array is not one label per image."""
    return float(np.mean(predictions == labels)) if predictions.shape == labels.shape else 0.0
