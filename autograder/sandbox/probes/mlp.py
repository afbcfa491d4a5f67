"""Probes for Q4a (mlp.py): the architecture, and torch-equivalence with the numpy TwoLayerNet."""
from __future__ import annotations

import numpy as np

from . import StudentFailure, Submission, as_array, describe_exception


def _torch():
    import torch
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    return torch


def _linears(model, torch) -> list:
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def _logits(model, x, what: str) -> np.ndarray:
    out = model(x)
    if not hasattr(out, "detach"):
        raise StudentFailure("bad_return", f"forward({what}) should return a tensor, got {type(out).__name__}")
    return as_array(out.detach().cpu().double().numpy(), f"forward({what})", ndim=2)


def architecture(inputs: dict, submission: Submission) -> dict:
    """For each hidden_layers config: Linear weights/biases in module order and the logits of
    images (N, 3, 32, 32) and of the same images flattened (N, 3072), in eval mode."""
    torch = _torch()
    module = submission.module("mlp")
    images = torch.tensor(inputs["images"], dtype=torch.float32)       # (N, 3, 32, 32)
    out: dict = {"configs": inputs["configs"]}
    for i, hidden in enumerate(inputs["configs"]):
        model = module.MultiLayerPerceptron(3072, list(hidden), int(inputs["num_classes"]))
        if not isinstance(model, torch.nn.Module):
            raise StudentFailure("bad_return", "MultiLayerPerceptron must subclass torch.nn.Module")
        model.eval()
        linears = _linears(model, torch)
        out[f"n_linear_{i}"] = len(linears)
        for j, layer in enumerate(linears):
            out[f"w_{i}_{j}"] = layer.weight.detach().double().numpy()
            out[f"b_{i}_{j}"] = (layer.bias.detach().double().numpy() if layer.bias is not None
                                 else np.zeros(layer.weight.shape[0]))
        with torch.no_grad():
            out[f"logits_images_{i}"] = _logits(model, images, "images (N, 3, 32, 32)")
            out[f"logits_flat_{i}"] = _logits(model, images.reshape(len(images), -1), "flat (N, 3072)")
    return out


def equivalence(inputs: dict, submission: Submission) -> dict:
    """One set of weights in both the student's TwoLayerNet and MultiLayerPerceptron(D, [H], C).

    Returns the MLP side (mlp_probs, mlp_loss, mlp_grad_<k>; loss = cross-entropy of the logits
    + reg * (|W1|^2 + |W2|^2), gradients by autograd) and the numpy side (np_probs, np_loss,
    np_grad_<k>), or np_error when the numpy side cannot run. All float64.
    """
    torch = _torch()
    W1, b1, W2, b2 = (inputs[k] for k in ("W1", "b1", "W2", "b2"))
    X, y, reg = inputs["X"], inputs["y"], float(inputs["reg"])
    D, H = W1.shape
    C = W2.shape[1]
    model = submission.module("mlp").MultiLayerPerceptron(D, [H], C).double()
    linears = _linears(model, torch)
    if len(linears) != 2:
        raise StudentFailure("bad_return", f"MultiLayerPerceptron({D}, [{H}], {C}) has {len(linears)} "
                             "Linear layers; expected 2")
    with torch.no_grad():
        for layer, W, b in ((linears[0], W1, b1), (linears[1], W2, b2)):
            if tuple(layer.weight.shape) != (W.shape[1], W.shape[0]):
                raise StudentFailure("bad_return", f"a Linear layer has weight shape {tuple(layer.weight.shape)}; "
                                     f"expected {(W.shape[1], W.shape[0])}")
            layer.weight.copy_(torch.tensor(W.T))
            layer.bias.copy_(torch.tensor(b))
    model.eval()
    logits = model(torch.tensor(X))
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y.astype(np.int64))) + reg * (
        (linears[0].weight ** 2).sum() + (linears[1].weight ** 2).sum())
    loss.backward()
    out = {
        "mlp_probs": torch.softmax(logits, dim=1).detach().numpy(),
        "mlp_loss": float(loss.item()),
        "mlp_grad_W1": linears[0].weight.grad.numpy().T.copy(),
        "mlp_grad_b1": linears[0].bias.grad.numpy().copy(),
        "mlp_grad_W2": linears[1].weight.grad.numpy().T.copy(),
        "mlp_grad_b2": linears[1].bias.grad.numpy().copy(),
    }
    try:
        from .two_layer_net import loss_and_grads, probabilities
        out["np_probs"] = probabilities(inputs, submission)["probs"]
        numpy_side = loss_and_grads(inputs, submission)
        out["np_loss"] = numpy_side["loss"]
        out.update({f"np_{k}": v for k, v in numpy_side.items() if k.startswith("grad_")})
    except BaseException as exc:  # the numpy side is only reported here, never scored
        info = describe_exception(exc, submission.folder)
        out["np_error"] = getattr(exc, "message", None) or info["message"]
    return out


def depth_study(inputs: dict, submission: Submission) -> dict:
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
    return {"rows": rows, "notes": notes if isinstance(notes, str) else ""}
