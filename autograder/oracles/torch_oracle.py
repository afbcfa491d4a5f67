"""Torch autograd in float64 as the oracle for the numpy half (forward, loss and gradients)."""
from __future__ import annotations

import numpy as np

PARAM_NAMES = ("W1", "b1", "W2", "b2")


def _torch():
    import torch  # imported on first use: the parent pays for it only when a check needs it
    torch.set_num_threads(1)
    return torch


def two_layer_net(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray | None = None,
                  reg: float = 0.0) -> dict[str, object]:
    """The exercise's net: softmax(ReLU(X W1 + b1) W2 + b2).

    Inputs: params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); X (N, D); y (N,) or None.
    Returns {"probs": (N, C)} and, with y, also "loss" (mean cross-entropy + reg * (|W1|^2 +
    |W2|^2)) and "grads" {name: array shaped like params[name]}, all float64.
    """
    torch = _torch()
    tensors = {k: torch.tensor(np.asarray(params[k], dtype=np.float64), requires_grad=True)
               for k in PARAM_NAMES}
    x = torch.tensor(np.asarray(X, dtype=np.float64))
    hidden = torch.relu(x @ tensors["W1"] + tensors["b1"])          # (N, H)
    scores = hidden @ tensors["W2"] + tensors["b2"]                   # (N, C)
    out: dict[str, object] = {"probs": torch.softmax(scores, dim=1).detach().numpy()}
    if y is None:
        return out
    targets = torch.tensor(np.asarray(y, dtype=np.int64))
    loss = torch.nn.functional.cross_entropy(scores, targets) + reg * (
        (tensors["W1"] ** 2).sum() + (tensors["W2"] ** 2).sum())
    loss.backward()
    out["loss"] = float(loss.item())
    out["grads"] = {k: tensors[k].grad.numpy().copy() for k in PARAM_NAMES}
    out["hidden_pre_activation"] = (x @ tensors["W1"] + tensors["b1"]).detach().numpy()
    return out


def chain_rule(W: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray | float]:
    """g(x)_p = sum_q W[p,q] x_q^2, f(y) = sum_p y_p^2; returns g (P,), f(g(x)) and d f(g(x))/dx (Q,)."""
    torch = _torch()
    w = torch.tensor(np.asarray(W, dtype=np.float64))
    xt = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    g = w @ (xt ** 2)
    f = (g ** 2).sum()
    f.backward()
    return {"g": g.detach().numpy(), "f": float(f.item()), "grad": xt.grad.numpy().copy()}


def linear_layers(weights: dict[str, np.ndarray]):
    """nn.Linear layers (float32) holding w_0, b_0, w_1, b_1, ...: weights (out, in), biases (out,).

    The grader's own Linear/ReLU stacks (in the Q4b check and in its probe) are built from these.
    """
    torch = _torch()
    layers = torch.nn.ModuleList()
    for j in range(len([k for k in weights if k.startswith("w_")])):
        weight = torch.tensor(weights[f"w_{j}"], dtype=torch.float32)
        layer = torch.nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            layer.weight.copy_(weight)
            layer.bias.copy_(torch.tensor(weights[f"b_{j}"], dtype=torch.float32))
        layers.append(layer)
    return layers


def linear_relu_forward(layers, x):
    """x (B, ...) flattened to (B, D), then Linear -> ReLU for all but the last layer: logits (B, C)."""
    torch = _torch()
    x = x.reshape(x.shape[0], -1)
    for layer in layers[:-1]:
        x = torch.relu(layer(x))
    return layers[-1](x)


def cifar_images(images: np.ndarray):
    """uint8 images (N, 32, 32, 3) as the PyTorch half feeds them to its model: float32 (N, 3, 32, 32)
    scaled to [0, 1] and normalised per channel, the same operations (and numbers) as torchvision's
    ToTensor followed by Normalize(CHANNEL_MEAN, CHANNEL_STD)."""
    from datasets.cifar10 import CHANNEL_MEAN, CHANNEL_STD

    torch = _torch()
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).contiguous()
    x = x.to(dtype=torch.get_default_dtype()).div(255)
    mean = torch.as_tensor(CHANNEL_MEAN, dtype=x.dtype).view(1, -1, 1, 1)
    std = torch.as_tensor(CHANNEL_STD, dtype=x.dtype).view(1, -1, 1, 1)
    return x.sub_(mean).div_(std)
