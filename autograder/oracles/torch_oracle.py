"""Torch autograd in float64 as the oracle for the numpy half (forward, loss and gradients)."""
from __future__ import annotations

import numpy as np

from ..sandbox.exchange import PARAM_NAMES
from ..torchnet import torch_module as _torch


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


def cifar_images(images: np.ndarray):
    """uint8 images (N, 32, 32, 3) as the PyTorch half feeds them to its model: float32 (N, 3, 32, 32)
    scaled to [0, 1] and normalised per channel, the same operations (and numbers) as torchvision's
    ToTensor followed by Normalize(CHANNEL_MEAN, CHANNEL_STD)."""
    from datasets.cifar10 import CHANNEL_MEAN, CHANNEL_STD

    torch = _torch()
    x = torch.from_numpy(np.array(images, dtype=np.uint8)).permute(0, 3, 1, 2).contiguous()  # a copy: images may be read-only
    x = x.to(dtype=torch.get_default_dtype()).div(255)
    mean = torch.as_tensor(CHANNEL_MEAN, dtype=x.dtype).view(1, -1, 1, 1)
    std = torch.as_tensor(CHANNEL_STD, dtype=x.dtype).view(1, -1, 1, 1)
    return x.sub_(mean).div_(std)
