"""The grader's own torch pieces, shared by the oracle process (oracles, Q4b scoring; never the
grading parent) and the child (the grader's model inside Q4b's probes): torch set up the same way
everywhere, a Linear/ReLU stack built from Layer messages, and its forward pass. Imports torch only
when called."""
from __future__ import annotations

from .sandbox.exchange import Layer


def torch_module(threads: int = 1):
    """torch with `threads` threads, deterministic algorithms and seed 0."""
    import torch
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(0)
    return torch


def linear_layers(layers: list[Layer]):
    """nn.Linear layers (float32) holding the given weights (out, in) and biases (out,)."""
    torch = torch_module()
    stack = torch.nn.ModuleList()
    for layer in layers:
        weight = torch.tensor(layer.weight, dtype=torch.float32)
        linear = torch.nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            linear.weight.copy_(weight)
            linear.bias.copy_(torch.tensor(layer.bias, dtype=torch.float32))
        stack.append(linear)
    return stack


def linear_relu_forward(layers, x):
    """x (B, ...) flattened to (B, D), then Linear -> ReLU for all but the last layer: logits (B, C)."""
    import torch
    x = x.reshape(x.shape[0], -1)
    for layer in layers[:-1]:
        x = torch.relu(layer(x))
    return layers[-1](x)


def layers_of(linears) -> list[Layer]:
    """Layer messages (float64 copies) of nn.Linear modules, in order; a missing bias is zeros."""
    import numpy as np
    return [Layer(m.weight.detach().cpu().double().numpy().copy(),
                  m.bias.detach().cpu().double().numpy().copy() if m.bias is not None
                  else np.zeros(m.weight.shape[0])) for m in linears]
