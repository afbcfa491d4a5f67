"""Probes for Q4b (mlp.py): two optimizer steps, evaluate(), and CIFAR-10 training."""
from __future__ import annotations

import time

import numpy as np

from datasets.torch_data import make_loader
from ...torchnet import layers_of, linear_layers, linear_relu_forward, torch_module
from ..exchange import CifarData, Evaluation, EvaluationOut, MlpHistory, TrainedMlp, TwoSteps, TwoStepsOut
from . import StudentFailure, Submission, as_float
from .mlp import linears


def _history(stats) -> MlpHistory:
    if not isinstance(stats, dict):
        raise StudentFailure("bad_return", f"train_model() should return a dict, got {type(stats).__name__}")
    out = {}
    for key in ("loss", "train_acc", "val_acc"):
        values = stats.get(key)
        if not isinstance(values, (list, tuple)):
            raise StudentFailure("bad_return", f"train_model()[{key!r}] should be a list with one entry per epoch")
        out[key] = np.array([as_float(v, f"an entry of train_model()[{key!r}]") for v in list(values)[:10_000]])
    return MlpHistory(**out)


def _optimizer_description(optimizer, torch) -> dict:
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise StudentFailure("bad_return", "make_optimizer() should return a torch.optim optimizer, got "
                             f"{type(optimizer).__name__}")
    group = optimizer.param_groups[0]
    settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items()
                if k != "params" and isinstance(v, (int, float, bool, tuple)) and not isinstance(v, str)}
    return {"name": type(optimizer).__name__, "module": type(optimizer).__module__, "settings": settings}


def _grader_model(inputs: TwoSteps, torch):
    """The grader's own Linear/ReLU stack with the given weights; it counts forward passes that
    build a graph (training steps) while the model is in eval mode."""

    class GraderMLP(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linears = linear_layers(inputs.layers)
            self.steps_in_eval_mode = 0

        def forward(self, x):
            if torch.is_grad_enabled() and not self.training:
                self.steps_in_eval_mode += 1
            return linear_relu_forward(self.linears, x)                   # (B, C)

    return GraderMLP()


def two_steps(inputs: TwoSteps, submission: Submission) -> TwoStepsOut:
    """The student's train_model, for 2 epochs over a loader holding one fixed batch, on the
    grader's own model: exactly two optimizer steps, whatever the student's architecture.

    Returns the optimizer's class and settings (make_optimizer on a copy), the history, the Linear
    layers after training and how many steps ran in eval mode.
    """
    torch = torch_module()
    module = submission.module("mlp")
    images = torch.tensor(inputs.images, dtype=torch.float32)        # (B, 3, 32, 32)
    labels = torch.tensor(inputs.labels.astype(np.int64))            # (B,)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels),
                                         batch_size=len(labels), shuffle=False)
    lr, wd = inputs.learning_rate, inputs.weight_decay
    optimizer = _optimizer_description(module.make_optimizer(_grader_model(inputs, torch), lr, wd), torch)
    model = _grader_model(inputs, torch)
    stats = module.train_model(model, loader, loader, epochs=2, learning_rate=lr,
                               learning_rate_decay=inputs.learning_rate_decay, weight_decay=wd, device="cpu")
    return TwoStepsOut(optimizer, _history(stats), layers_of(model.linears), model.steps_in_eval_mode)


def evaluation(inputs: Evaluation, submission: Submission) -> EvaluationOut:
    """evaluate() on the grader's own model, which predicts the class written in each image's
    first pixel and records whether it was called in training mode: the accuracy, how many samples
    the model saw and how many forward calls were in training mode."""
    torch = torch_module()
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

    images = torch.tensor(inputs.images, dtype=torch.float32)
    labels = torch.tensor(inputs.labels.astype(np.int64))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels),
                                         batch_size=inputs.batch_size, shuffle=False)
    model = Recorder()
    model.train()
    accuracy = as_float(module.evaluate(model, loader, device="cpu"), "evaluate()")
    return EvaluationOut(accuracy, model.seen, model.training_calls)


def cifar_training(inputs: CifarData, submission: Submission) -> TrainedMlp:
    """Train the student's MLP on CIFAR-10 with the student's settings and training loop.

    No test image or label reaches this process: it returns the trained Linear layers in module
    order and the history, and the parent scores them with its own Linear/ReLU stack.
    """
    torch = torch_module(inputs.threads)
    torch.manual_seed(inputs.seed)
    module = submission.module("mlp")
    settings = inputs.settings
    # The given scaffolding's loaders (datasets/torch_data.py), the ones the parent's scoring mirrors.
    train_loader = make_loader(inputs.x_train, inputs.y_train, int(settings["batch_size"]), shuffle=True,
                               seed=inputs.seed)
    # The loaders keep the memory-mapped uint8 images and normalise each batch as it is taken.
    val_loader = make_loader(inputs.x_val, inputs.y_val, 1000, shuffle=False)
    model = module.MultiLayerPerceptron(3072, list(settings["hidden_layers"]), 10,
                                        dropout=float(settings.get("dropout", 0.0)))
    started = time.perf_counter()
    stats = module.train_model(model, train_loader, val_loader, epochs=int(settings["epochs"]),
                               learning_rate=float(settings["learning_rate"]),
                               learning_rate_decay=float(settings["learning_rate_decay"]),
                               weight_decay=float(settings["weight_decay"]), device="cpu")
    train_seconds = time.perf_counter() - started
    history = _history(stats)
    return TrainedMlp(history, layers_of(linears(model, torch)), train_seconds)
