"""Q4: a multi-layer perceptron in PyTorch, trained on CIFAR-10 with Adam.

The network is

    input (D) -> [Linear -> ReLU (-> Dropout)] for each hidden width -> Linear -> logits (C)

trained with nn.CrossEntropyLoss (which applies the softmax itself, so the model has none).
The data scaffolding (transform, dataset, loader, device) is given in datasets/torch_data.py;
the model, the optimiser, the training loop and the evaluation are the exercise.
"""
from __future__ import annotations

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

# Given: the grader-speed loaders and the device (make_loader(images, labels, batch_size, shuffle)
# gives batches of (B, 3, 32, 32) normalised images and (B,) labels).
from datasets.torch_data import build_transform, default_device, make_loader  # noqa: F401


class MultiLayerPerceptron(nn.Module):
    """A fully connected network: one Linear -> ReLU (-> Dropout) block per hidden width, then a Linear.

    Inputs:
    - input_size: the input dimension D (3 * 32 * 32 for CIFAR-10).
    - hidden_layers: the widths [H1, H2, ...] of the hidden layers, in order.
    - num_classes: the number C of classes.
    - dropout: the probability of zeroing a hidden unit during training; 0 adds no Dropout layer.
    """

    def __init__(self, input_size: int, hidden_layers: list[int], num_classes: int, dropout: float = 0.0):
        super().__init__()
        # TODO(Q4a): build the layers and keep them in self.layers = nn.Sequential(...).
        # Shapes: Linear(D, H1), ReLU, Linear(H1, H2), ReLU, ..., Linear(H_last, C); add
        # nn.Dropout(dropout) after every ReLU when dropout > 0.
        # Hint: collect the modules in a list while walking the widths, then nn.Sequential(*layers).
        # YOUR CODE HERE
        raise NotImplementedError("Q4a: build the layers and keep them in self.layers = nn.Sequential(...).")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, C) of images (N, 3, 32, 32) or flat inputs (N, D); no softmax."""
        # TODO(Q4a): flatten every input to a row and run it through self.layers.
        # Shapes: x (N, 3, 32, 32) or (N, D) -> (N, D) -> logits (N, C).
        # Hint: x.reshape(x.shape[0], -1) (or torch.flatten(x, 1)); do not apply a softmax.
        # YOUR CODE HERE
        raise NotImplementedError("Q4a: flatten every input to a row and run it through self.layers.")


def make_optimizer(model: nn.Module, learning_rate: float, weight_decay: float) -> torch.optim.Optimizer:
    """The optimiser that trains every parameter of `model`."""
    # TODO(Q4b): create the optimiser over model.parameters() with this learning rate and weight decay.
    # Hint: torch.optim.Adam(model.parameters(), lr=..., weight_decay=...), as in the exercise.
    # YOUR CODE HERE
    raise NotImplementedError("Q4b: create the optimiser over model.parameters() with this learning rate and weight decay.")


def train_model(model: nn.Module, train_loader: DataLoader, val_loader: DataLoader, epochs: int,
                learning_rate: float, learning_rate_decay: float, weight_decay: float,
                device: torch.device | None = None) -> dict:
    """Train `model` with make_optimizer and nn.CrossEntropyLoss, decaying the learning rate per epoch.

    Inputs:
    - model: the network; it is moved to `device`.
    - train_loader, val_loader: loaders of (B, 3, 32, 32) images and (B,) labels.
    - epochs: passes over train_loader.
    - learning_rate: the learning rate of the first epoch; learning_rate_decay multiplies it after each epoch.
    - weight_decay: the optimiser's L2 penalty.
    - device: where to train; default_device() when None.

    Returns a dict of lists with one entry per epoch: loss (mean training loss over the epoch's
    samples), train_acc (training accuracy during the epoch) and val_acc (evaluate() on val_loader).
    """
    device = default_device() if device is None else torch.device(device)
    model.to(device)
    history = {"loss": [], "train_acc": [], "val_acc": []}
    # TODO(Q4b): train for `epochs` epochs and append each epoch's loss, train_acc and val_acc to history.
    # Per batch: zero_grad, forward, loss, backward, step. Per epoch: the mean loss over the samples,
    # the fraction of correct training predictions, evaluate(model, val_loader, device), then multiply
    # the "lr" of every entry of optimizer.param_groups by learning_rate_decay.
    # Shapes: images (B, 3, 32, 32) and labels (B,) moved to device; logits (B, C).
    # Hint: criterion = nn.CrossEntropyLoss(); optimizer = make_optimizer(...); call model.train()
    # at the start of every epoch, because evaluate() leaves the model in eval mode.
    # YOUR CODE HERE
    raise NotImplementedError("Q4b: train for `epochs` epochs and append each epoch's loss, train_acc and val_acc to history.")
    return history


def evaluate(model: nn.Module, loader: DataLoader, device: torch.device | None = None) -> float:
    """The accuracy of `model` over every sample of `loader`, a float in [0, 1], in eval mode."""
    device = default_device() if device is None else torch.device(device)
    model.to(device)
    # TODO(Q4b): count the correct predictions over every batch of the loader.
    # Shapes: logits (B, C); predictions logits.argmax(dim=1) are (B,).
    # Hint: model.eval() and torch.no_grad(); divide by the number of samples, not of batches.
    # YOUR CODE HERE
    raise NotImplementedError("Q4b: count the correct predictions over every batch of the loader.")


def depth_study() -> dict:
    """Q4c: your measured accuracies for 2, 3, 4 and 5 layers, and what you conclude.

    Returns {2: {"train_acc": a, "val_acc": b}, 3: {...}, 4: {...}, 5: {...}, "notes": "..."}:
    each integer key counts the Linear layers (2 = one hidden layer); accuracies are fractions in [0, 1].
    The table is checked for completeness; the notes are graded by hand.
    """
    # TODO(Q4c): train your MLP with 2, 3, 4 and 5 layers and report train/validation accuracy.
    # Keys 2, 3, 4, 5 each map to {"train_acc": float, "val_acc": float}, plus "notes" (a string).
    # Hint: keep every other setting fixed, so that depth is the only change; say what you see and why.
    # YOUR CODE HERE
    raise NotImplementedError("Q4c: train your MLP with 2, 3, 4 and 5 layers and report train/validation accuracy.")
