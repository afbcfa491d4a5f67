"""Q3b (hyperparams.py + TwoLayerNet.train): train on CIFAR-10 with the student's settings.

The training must fit a compute budget (checked before it starts, so the score never depends on
how busy the machine is) and a generous wall-clock limit (a safety net). Test accuracy on all
10,000 test images earns the points: full at >= 48%, linear down to 0 at 40% (autograder/course.py).
"""
from __future__ import annotations

import numpy as np

from ..catalogue import check
from ..course import COURSE
from ..oracles.reference_net import PARAM_NAMES, layers
from ..outcome import Outcome
from ..probes import hyperparams as settings_probes
from ..probes import two_layer_training as training_probes
from ..probes.two_layer_training import TrainedNet
from .cifar import CifarTraining, WeightsProblem, train_and_score, two_layer_macs

FILES = ("two_layer_net.py", "hyperparams.py")
SETTINGS = COURSE.question("Q3b").cifar  # thresholds, the budget, the time limit (autograder/course.py)


def _predict(got: TrainedNet, settings: dict, images: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The grader's forward pass (its reference net, float32) on the trained params: argmax of
    ReLU(X W1 + b1) W2 + b2, (N,), 1,000 images at a time (features of all 10,000 would hold 120 MB
    at once)."""
    from datasets.cifar10 import features

    H = settings["hidden_size"]
    expected = {"W1": (3072, H), "b1": (H,), "W2": (H, 10), "b2": (10,)}
    params = got.params
    for name, shape in expected.items():
        if params[name].shape != shape:
            raise WeightsProblem(f"params[{name!r}] has shape {params[name].shape} after training; "
                                 f"expected {shape}")
        if not np.all(np.isfinite(params[name])):
            raise WeightsProblem(f"params[{name!r}] holds NaN or inf after training: the training "
                                 "diverged (a learning rate too high, or a wrong gradient?)")
    weights = {k: params[k].astype(np.float32) for k in PARAM_NAMES}
    mean = np.asarray(mean)
    return np.concatenate([np.argmax(layers(weights, features(images[i:i + 1000], mean))[2], axis=1)
                           for i in range(0, len(images), 1000)])                # (N,)


SPEC = CifarTraining(settings_probes.two_layer_net, training_probes.cifar_training,
                     validate=lambda settings: [], at_least_one=("hidden_size", "num_iters", "batch_size"),
                     non_negative=("reg",), macs=two_layer_macs,
                     budget_formula="num_iters * batch_size * (3072*H + H*10)", settings=SETTINGS,
                     predict=_predict)


@check("Q3b", files=FILES, time_limit_s=SETTINGS.time_limit_s,
       title=f"Your hyperparams.two_layer_net() reach >= {SETTINGS.full_at:.0%} test accuracy on CIFAR-10 "
             f"(partial from {SETTINGS.zero_at:.0%})",
       depends_on=("Q3a.toy_training",))
def cifar_accuracy(ctx) -> Outcome:
    """Your hyperparams.two_layer_net() reach the test accuracy of course.py on CIFAR-10 (the title above)"""
    outcome, got = train_and_score(ctx, SPEC)
    if got is None:
        return outcome
    if outcome.fraction < 1:
        outcome.hint = ("plot the loss and accuracies (see the report): a slowly falling loss "
                            "means a learning rate too low; no gap between train and validation accuracy "
                            "means too little capacity (more hidden units); a large gap means too little "
                            "regularisation.")
    outcome.artifacts = {key: getattr(got.histories, key).tolist()
                         for key in ("loss_history", "train_acc_history", "val_acc_history")}
    outcome.artifacts["W1"] = got.params["W1"].astype(np.float32)
    return outcome
