"""The oracles' torch work, done in the oracle process only (oracles/server.py), never in the grading
parent: torch autograd in float64 for the numpy half, two optimizer steps on the grader's own
Linear/ReLU stack (Q4b) and the stack's predictions on CIFAR-10 images (Q4b's scoring).

Every function takes and returns plain data (numbers, strings, arrays, lists and dicts of them),
which oracles/wire.py carries between the processes. Callers use oracles/torch_oracle.py.
"""
from __future__ import annotations

import inspect

import numpy as np

from ..sandbox.exchange import PARAM_NAMES, Layer
from ..torchnet import layers_of, linear_layers, linear_relu_forward, torch_module


def two_layer_net(params: dict, X: np.ndarray, y: np.ndarray | None = None, reg: float = 0.0) -> dict:
    """softmax(ReLU(X W1 + b1) W2 + b2) by torch autograd in float64; see torch_oracle.two_layer_net."""
    torch = torch_module()
    tensors = {k: torch.tensor(np.asarray(params[k], dtype=np.float64), requires_grad=True)
               for k in PARAM_NAMES}
    x = torch.tensor(np.asarray(X, dtype=np.float64))
    hidden = torch.relu(x @ tensors["W1"] + tensors["b1"])          # (N, H)
    scores = hidden @ tensors["W2"] + tensors["b2"]                   # (N, C)
    out: dict = {"probs": torch.softmax(scores, dim=1).detach().numpy()}
    if y is None:
        return out
    targets = torch.tensor(np.asarray(y, dtype=np.int64))
    loss = torch.nn.functional.cross_entropy(scores, targets) + reg * (
        (tensors["W1"] ** 2).sum() + (tensors["W2"] ** 2).sum())
    loss.backward()
    out["loss"] = float(loss.item())
    out["grads"] = {k: tensors[k].grad.numpy().copy() for k in PARAM_NAMES}
    return out


def chain_rule(W: np.ndarray, x: np.ndarray) -> dict:
    """g(x)_p = sum_q W[p,q] x_q^2, f(y) = sum_p y_p^2: g (P,), f(g(x)) and d f(g(x))/dx (Q,)."""
    torch = torch_module()
    w = torch.tensor(np.asarray(W, dtype=np.float64))
    xt = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    g = w @ (xt ** 2)
    f = (g ** 2).sum()
    f.backward()
    return {"g": g.detach().numpy(), "f": float(f.item()), "grad": xt.grad.numpy().copy()}


def _layers(plain: list) -> list[Layer]:
    return [Layer(np.asarray(layer["weight"]), np.asarray(layer["bias"])) for layer in plain]


def _plain(layers: list[Layer]) -> list[dict]:
    return [{"weight": layer.weight, "bias": layer.bias} for layer in layers]


def grader_steps(start: list, images: np.ndarray, labels: np.ndarray, optimizer: dict, lr: float,
                 decay: float) -> dict:
    """Two steps of the optimizer class the student's make_optimizer() chose (its name and settings
    in `optimizer`) on the grader's own Linear/ReLU stack holding `start` ({"weight" (out, in),
    "bias" (out,)} per layer), on images (B, 3, 32, 32) and labels (B,), the learning rate
    multiplied by `decay` after each step. Returns {"layers": the layers after, or None, "problem":
    why there are none}."""
    torch = torch_module()
    layers = linear_layers(_layers(start))
    cls = getattr(torch.optim, optimizer["name"], None)
    if cls is None or not isinstance(cls, type) or not issubclass(cls, torch.optim.Optimizer):
        return {"layers": None,
                "problem": f"make_optimizer() returned {optimizer['name']}, not an optimizer of torch.optim"}
    accepted = inspect.signature(cls).parameters
    kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in optimizer["settings"].items()
              if k in accepted and k not in ("params", "lr")}
    opt = cls(layers.parameters(), lr=lr, **kwargs)
    x = torch.tensor(images, dtype=torch.float32).reshape(len(images), -1)
    y = torch.tensor(np.asarray(labels).astype(np.int64))
    for _ in range(2):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(linear_relu_forward(layers, x), y).backward()
        opt.step()
        for group in opt.param_groups:
            group["lr"] *= decay
    return {"layers": _plain(layers_of(layers)), "problem": ""}


def mlp_predictions(layers: list, images: np.ndarray) -> np.ndarray:
    """The grader's Linear/ReLU stack holding `layers` ({"weight", "bias"} per layer) on uint8
    images (N, 32, 32, 3), normalised as the given loaders do: argmax of the logits, (N,) int64."""
    from datasets.torch_data import normalise

    torch = torch_module()
    stack = linear_layers(_layers(layers))
    predictions = []
    with torch.no_grad():
        for start in range(0, len(images), 1000):
            x = normalise(images[start:start + 1000])                  # (B, 3, 32, 32)
            predictions.append(linear_relu_forward(stack, x).argmax(dim=1).numpy())
    return np.concatenate(predictions) if predictions else np.zeros(0, np.int64)


def versions() -> dict:
    """The torch build the oracles run on (for the report's metadata)."""
    return {"torch": torch_module().__version__}


FUNCTIONS = {f.__name__: f for f in (two_layer_net, chain_rule, grader_steps, mlp_predictions)}
