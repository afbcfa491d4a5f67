"""Probes for Q4b (mlp.py): two optimizer steps, evaluate(), and CIFAR-10 training."""
from __future__ import annotations

import time

import numpy as np

from datasets.torch_data import make_loader
from . import StudentFailure, Submission, as_array, as_float
from ...oracles.torch_oracle import linear_layers, linear_relu_forward
from .mlp import _torch

HISTORY_KEYS = ("loss", "train_acc", "val_acc")


def _history(stats, epochs: int) -> dict:
    if not isinstance(stats, dict):
        raise StudentFailure("bad_return", f"train_model() should return a dict, got {type(stats).__name__}")
    out = {}
    for key in HISTORY_KEYS:
        values = stats.get(key)
        if not isinstance(values, (list, tuple)):
            raise StudentFailure("bad_return", f"train_model()[{key!r}] should be a list with one entry per epoch")
        out[key] = np.array([as_float(v, f"an entry of train_model()[{key!r}]") for v in list(values)[:10_000]])
    return out


def _optimizer_description(optimizer, torch) -> dict:
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise StudentFailure("bad_return", "make_optimizer() should return a torch.optim optimizer, got "
                             f"{type(optimizer).__name__}")
    group = optimizer.param_groups[0]
    settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items()
                if k != "params" and isinstance(v, (int, float, bool, tuple)) and not isinstance(v, str)}
    return {"name": type(optimizer).__name__, "module": type(optimizer).__module__, "settings": settings}


def _grader_model(inputs: dict, torch):
    """The grader's own Linear/ReLU stack with the given weights; it counts forward passes that
    build a graph (training steps) while the model is in eval mode."""

    class GraderMLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linears = linear_layers(inputs)
            self.steps_in_eval_mode = 0

        def forward(self, x):
            if torch.is_grad_enabled() and not self.training:
                self.steps_in_eval_mode += 1
            return linear_relu_forward(self.linears, x)                   # (B, C)

    return GraderMLP()


def two_steps(inputs: dict, submission: Submission) -> dict:
    """The student's train_model, for 2 epochs over a loader holding one fixed batch, on the
    grader's own model: exactly two optimizer steps, whatever the student's architecture.

    Returns the optimizer's class and settings (make_optimizer on a copy), the Linear weights
    after training (w_<j>, b_<j>), the history, and how many steps ran in eval mode.
    """
    torch = _torch()
    module = submission.module("mlp")
    images = torch.tensor(inputs["images"], dtype=torch.float32)     # (B, 3, 32, 32)
    labels = torch.tensor(inputs["labels"].astype(np.int64))          # (B,)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels),
                                         batch_size=len(labels), shuffle=False)
    lr, wd = float(inputs["learning_rate"]), float(inputs["weight_decay"])
    out = {"optimizer": _optimizer_description(module.make_optimizer(_grader_model(inputs, torch), lr, wd), torch)}
    model = _grader_model(inputs, torch)
    stats = module.train_model(model, loader, loader, epochs=2, learning_rate=lr,
                               learning_rate_decay=float(inputs["learning_rate_decay"]),
                               weight_decay=wd, device="cpu")
    out.update({f"hist_{k}": v for k, v in _history(stats, 2).items()})
    for j, layer in enumerate(model.linears):
        out[f"w_{j}"] = layer.weight.detach().double().numpy()
        out[f"b_{j}"] = layer.bias.detach().double().numpy()
    out["steps_in_eval_mode"] = model.steps_in_eval_mode
    return out


def evaluation(inputs: dict, submission: Submission) -> dict:
    """evaluate() on the grader's own model, which predicts the class written in each image's
    first pixel and records whether it was called in training mode. Returns the accuracy, how
    many samples the model saw and how many forward calls were in training mode."""
    torch = _torch()
    module = submission.module("mlp")

    class Recorder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(()))
            self.seen, self.training_calls = 0, 0

        def forward(self, x):
            self.seen += int(x.shape[0])
            self.training_calls += int(self.training)
            predicted = x.reshape(x.shape[0], -1)[:, 0].round().long()     # (B,)
            return torch.nn.functional.one_hot(predicted, 10).float() * self.scale  # (B, 10)

    images = torch.tensor(inputs["images"], dtype=torch.float32)
    labels = torch.tensor(inputs["labels"].astype(np.int64))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels),
                                         batch_size=int(inputs["batch_size"]), shuffle=False)
    model = Recorder()
    model.train()
    accuracy = as_float(module.evaluate(model, loader, device="cpu"), "evaluate()")
    return {"accuracy": accuracy, "seen": model.seen, "training_calls": model.training_calls}


def cifar_training(inputs: dict, submission: Submission) -> dict:
    """Train the student's MLP on CIFAR-10 with the student's settings and training loop.

    Inputs: x_train uint8 (49000, 32, 32, 3), y_train (49000,), x_val uint8 (1000, 32, 32, 3),
    y_val (1000,), settings, seed, threads. No test image or label reaches this process: it
    returns the trained Linear layers in module order (w_<j> (out, in), b_<j> (out,)) and the
    history, and the parent scores them with its own Linear/ReLU stack.
    """
    torch = _torch()
    torch.set_num_threads(int(inputs["threads"]))
    module = submission.module("mlp")
    settings = inputs["settings"]
    batch = int(settings["batch_size"])
    torch.manual_seed(int(inputs["seed"]))
    # The given scaffolding's loaders (datasets/torch_data.py), the ones the parent's scoring mirrors.
    train_loader = make_loader(inputs.pop("x_train"), inputs.pop("y_train"), batch, shuffle=True,
                               seed=int(inputs["seed"]))
    val_loader = make_loader(inputs["x_val"], inputs["y_val"], 1000, shuffle=False)
    model = module.MultiLayerPerceptron(3072, list(settings["hidden_layers"]), 10,
                                        dropout=float(settings.get("dropout", 0.0)))
    started = time.perf_counter()
    stats = module.train_model(model, train_loader, val_loader, epochs=int(settings["epochs"]),
                               learning_rate=float(settings["learning_rate"]),
                               learning_rate_decay=float(settings["learning_rate_decay"]),
                               weight_decay=float(settings["weight_decay"]), device="cpu")
    train_seconds = time.perf_counter() - started
    out = {f"hist_{k}": v for k, v in _history(stats, int(settings["epochs"])).items()}
    if not isinstance(model, torch.nn.Module):
        raise StudentFailure("bad_return", "MultiLayerPerceptron must subclass torch.nn.Module")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    for j, layer in enumerate(linears):
        out[f"w_{j}"] = as_array(layer.weight.detach().cpu().float().numpy(), f"Linear {j} weight", ndim=2)
        bias = layer.bias.detach().cpu().float().numpy() if layer.bias is not None else np.zeros(layer.weight.shape[0])
        out[f"b_{j}"] = as_array(bias, f"Linear {j} bias", ndim=1)
    out["n_linear"] = len(linears)
    out["train_seconds"] = train_seconds
    return out
