"""Probes for Q4a (mlp.py): the architecture, and torch-equivalence with the numpy TwoLayerNet."""
from __future__ import annotations

import numpy as np

from dataclasses import dataclass

from ..sandbox.codec import Nothing, Params
from ..sandbox.probe import probe
from ..sandbox.student_code import StudentFailure, Submission, as_array, describe_exception
from ..torchnet import Layer, layers_of, torch_module
from .two_layer_net import NetLoss

@dataclass
class Architecture:
    images: np.ndarray                        # (N, 3, 32, 32)
    configs: list                             # hidden_layers lists
    num_classes: int


@dataclass
class BuiltModel:
    layers: list[Layer]                       # nn.Linear modules in module order
    logits_images: np.ndarray                 # (N, C) of images (N, 3, 32, 32)
    logits_flat: np.ndarray                   # (N, C) of the same images flattened


@dataclass
class Architectures:
    models: list[BuiltModel]                  # one per config


@dataclass
class Side:
    probs: np.ndarray | None = None
    loss: float | None = None
    grads: Params | None = None


@dataclass
class Equivalence:
    mlp: Side                                 # MultiLayerPerceptron(D, [H], C) with autograd
    numpy: Side                               # the student's TwoLayerNet
    numpy_error: str | None = None            # why the numpy side could not run


@dataclass
class DepthStudy:
    rows: dict                                # {layers: {"train_acc": a, "val_acc": b}}
    notes: str



def linears(model, torch) -> list:
    """The nn.Linear modules of the student's model, in module order."""
    if not isinstance(model, torch.nn.Module):
        raise StudentFailure("bad_return", "MultiLayerPerceptron must subclass torch.nn.Module")
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def _logits(model, x, what: str) -> np.ndarray:
    out = model(x)
    if not hasattr(out, "detach"):
        raise StudentFailure("bad_return", f"forward({what}) should return a tensor, got {type(out).__name__}")
    return as_array(out.detach().cpu().double().numpy(), f"forward({what})", ndim=2)


@probe
def architecture(inputs: Architecture, submission: Submission) -> Architectures:
    """For each hidden_layers config: the Linear layers in module order and the logits of images
    (N, 3, 32, 32) and of the same images flattened (N, 3072), in eval mode."""
    torch = torch_module()
    module = submission.module("mlp")
    images = torch.tensor(inputs.images, dtype=torch.float32)         # (N, 3, 32, 32)
    models = []
    for hidden in inputs.configs:
        model = module.MultiLayerPerceptron(3072, list(hidden), inputs.num_classes)
        layers = layers_of(linears(model, torch))
        model.eval()
        with torch.no_grad():
            models.append(BuiltModel(layers, _logits(model, images, "images (N, 3, 32, 32)"),
                                     _logits(model, images.reshape(len(images), -1), "flat (N, 3072)")))
    return Architectures(models)


@probe
def equivalence(inputs: NetLoss, submission: Submission) -> Equivalence:
    """One set of weights in both the student's TwoLayerNet and MultiLayerPerceptron(D, [H], C).

    The MLP side: softmax of its logits, loss = cross-entropy + reg * (|W1|^2 + |W2|^2) and the
    gradients by autograd; the numpy side: the student's probabilities, loss and gradients, or
    why it could not run. All float64.
    """
    torch = torch_module()
    params, X, y, reg = inputs.net.params, inputs.net.X, inputs.net.y, float(inputs.reg)
    D, H = params["W1"].shape
    C = params["W2"].shape[1]
    model = submission.module("mlp").MultiLayerPerceptron(D, [H], C).double()
    pair = linears(model, torch)
    if len(pair) != 2:
        raise StudentFailure("bad_return", f"MultiLayerPerceptron({D}, [{H}], {C}) has {len(pair)} "
                             "Linear layers; expected 2")
    with torch.no_grad():
        for layer, W, b in ((pair[0], params["W1"], params["b1"]), (pair[1], params["W2"], params["b2"])):
            if tuple(layer.weight.shape) != (W.shape[1], W.shape[0]):
                raise StudentFailure("bad_return", f"a Linear layer has weight shape {tuple(layer.weight.shape)}; "
                                     f"expected {(W.shape[1], W.shape[0])}")
            layer.weight.copy_(torch.tensor(W.T))
            layer.bias.copy_(torch.tensor(b))
    model.eval()
    logits = model(torch.tensor(X))
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y.astype(np.int64))) + reg * (
        (pair[0].weight ** 2).sum() + (pair[1].weight ** 2).sum())
    loss.backward()
    grads = {"W1": pair[0].weight.grad.numpy().T.copy(), "b1": pair[0].bias.grad.numpy().copy(),
             "W2": pair[1].weight.grad.numpy().T.copy(), "b2": pair[1].bias.grad.numpy().copy()}
    out = Equivalence(Side(torch.softmax(logits, dim=1).detach().numpy(), float(loss.item()), grads), Side())
    try:
        from .two_layer_net import loss_and_grads, probabilities
        out.numpy.probs = probabilities(inputs.net, submission).probs
        numpy_side = loss_and_grads(inputs, submission)
        out.numpy.loss, out.numpy.grads = numpy_side.loss, numpy_side.grads
    except BaseException as exc:  # the numpy side is only reported here, never scored
        info = describe_exception(exc, submission.folder)
        out.numpy_error = getattr(exc, "message", None) or info["message"]
    return out


@probe
def depth_study(inputs: Nothing, submission: Submission) -> DepthStudy:
    """mlp.depth_study() as plain data: {layers: {"train_acc": x, "val_acc": y}} plus notes."""
    table = submission.module("mlp").depth_study()
    if not isinstance(table, dict):
        raise StudentFailure("bad_return", f"depth_study() should return a dict, got {type(table).__name__}")
    rows = {}
    for key, row in table.items():
        if key == "notes":
            continue
        if not isinstance(row, dict):
            raise StudentFailure("bad_return", f"depth_study()[{key!r}] should be a dict with train_acc and val_acc")
        rows[str(key)] = {name: float(as_array(row.get(name), f"depth_study()[{key!r}][{name!r}]"))
                          for name in ("train_acc", "val_acc")}
    notes = table.get("notes", "")
    return DepthStudy(rows, notes if isinstance(notes, str) else "")
