"""Q3b (hyperparams.py + TwoLayerNet.train): train on CIFAR-10 with the student's settings.

The training must fit a compute budget (checked before it starts, so the score never depends on
how busy the machine is) and a generous wall-clock limit (a safety net). Test accuracy on all
10,000 test images earns the points: full at >= 48%, linear down to 0 at 40%.
"""
from __future__ import annotations

import numpy as np

from ..catalogue import Outcome, check
from ..sandbox import TRAINING, TOY
from .budget import accuracy_fraction, cifar_labels, data_missing_outcome, two_layer_macs

FILES = ("two_layer_net.py", "hyperparams.py")
FULL_AT, ZERO_AT = 0.48, 0.40
# Multiply-accumulates of one training: num_iters * batch_size * (D*H + H*C). The solution's
# settings (H=100, 5000 x 200) use 3.1e11, ~27 s on one core of the course machine; the cap leaves
# a little room while both trainings, running side by side, keep the whole grade near a minute.
MAX_MACS = 3.5e11
TIME_LIMIT_S = 150.0


@check("Q3b", points=5.0, files=FILES, time_limit_s=TIME_LIMIT_S,
       depends_on=("Q3a.toy_training",))
def cifar_accuracy(ctx) -> Outcome:
    """Your hyperparams.two_layer_net() reach >= 48% test accuracy on CIFAR-10 (partial from 40%)"""
    settings = ctx.probe("hyperparams.two_layer_net", {}, TOY, files=("hyperparams.py",))
    problems = _validate(settings)
    if problems:
        return Outcome.failed(problems[0], "\n".join(problems), settings=settings)
    missing = data_missing_outcome()
    if missing is not None:
        return missing
    got = ctx.probe("two_layer_training.cifar_training",
                    {"settings": settings, "seed": ctx.seed("init")},
                    TRAINING.scaled(wall_s=TIME_LIMIT_S))
    labels = cifar_labels()
    test_acc = float(np.mean(got["test_pred"] == labels["y_test"])) if got["test_pred"].shape == labels["y_test"].shape else 0.0
    val_acc = float(np.mean(got["val_pred"] == labels["y_val"])) if got["val_pred"].shape == labels["y_val"].shape else 0.0
    fraction = accuracy_fraction(test_acc, ZERO_AT, FULL_AT)
    details = (f"settings: {settings}\ntraining took {got['train_seconds']:.1f} s; "
               f"validation accuracy {val_acc:.2%}; test accuracy {test_acc:.2%} "
               f"(full points at {FULL_AT:.0%}, none below {ZERO_AT:.0%})")
    if fraction < 1:
        details += ("\nHint: plot the loss and accuracies (see the report): a slowly falling loss means a "
                    "learning rate too low; no gap between train and validation accuracy means too "
                    "little capacity (more hidden units); a large gap means too little regularisation.")
    artifacts = {key: got[key] for key in ("loss_history", "train_acc_history", "val_acc_history", "W1")}
    outcome = Outcome(fraction, f"test accuracy {test_acc:.2%} (validation {val_acc:.2%})", details,
                      {"test_accuracy": test_acc, "val_accuracy": val_acc,
                       "train_seconds": float(got["train_seconds"]), "settings": settings})
    outcome.artifacts = {k: v.tolist() if k != "W1" else v for k, v in artifacts.items()}
    return outcome


def _validate(settings: dict) -> list[str]:
    problems = []
    for key in ("hidden_size", "num_iters", "batch_size"):
        if settings[key] < 1:
            problems.append(f"{key} must be at least 1, got {settings[key]}")
    if not 0 < settings["learning_rate"] < 10:
        problems.append(f"learning_rate must be in (0, 10), got {settings['learning_rate']}")
    if not 0 < settings["learning_rate_decay"] <= 1:
        problems.append(f"learning_rate_decay must be in (0, 1], got {settings['learning_rate_decay']}")
    if settings["reg"] < 0:
        problems.append(f"reg must be >= 0, got {settings['reg']}")
    if problems:
        return problems
    macs = two_layer_macs(settings)
    if macs > MAX_MACS:
        problems.append(f"these settings need {macs:.2e} multiply-adds of training, over the budget of "
                        f"{MAX_MACS:.1e} (num_iters * batch_size * (3072*H + H*10)); lower num_iters, "
                        "batch_size or hidden_size")
    return problems
