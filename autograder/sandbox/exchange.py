"""The typed messages between a check (parent) and its probe (child): one description per exchange.

Every probe has an input and an output dataclass below, and PROBES names them. The check builds
the input, the probe receives it decoded and returns its output, and the check receives that
decoded: both sides use field names, never ad-hoc string keys. On the wire a message is flattened
to dotted keys (`steps.1.W1`): arrays go to the .npz, everything else to JSON (transport.py).
Decoding checks every field against its declared type, so malformed output from a child (a
missing field, a string where a number belongs) is a TransportError, never a KeyError in a check.

Field types: np.ndarray; Params (dict[str, np.ndarray]); float, int, str, bool; a nested message;
list[...] of messages, arrays or Params; `dict`/`list` of plain JSON values; any of them `| None`.
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, Dict, Union

import numpy as np

Params = Dict[str, np.ndarray]   # W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), or any named arrays
PARAM_NAMES = ("W1", "b1", "W2", "b2")


class ExchangeError(ValueError):
    """A message that does not match its declared fields."""


# --------------------------------------------------------------------------------------------
# Messages. Shapes in named dimensions: N samples, D inputs, H hidden units, C classes.

@dataclass
class Nothing:
    """No inputs."""


@dataclass
class Net:
    """A two-layer net's params and a batch: X (N, D), y (N,) or None."""
    params: Params
    X: np.ndarray
    y: np.ndarray | None = None


@dataclass
class NetLoss:
    net: Net
    reg: float


@dataclass
class Probabilities:
    probs: np.ndarray                         # (N, C)


@dataclass
class Labels:
    labels: np.ndarray                        # (N,)


@dataclass
class LossGrads:
    """loss() with labels: the loss, and the gradients unless the backward pass failed."""
    loss: float
    grads: Params | None = None               # shapes of params
    grads_missing: str | None = None          # why there are no gradients (the exception)


@dataclass
class GradientCheckInputs:
    """loss(X, y, reg) around one net: there, at every weight moved by +-h, at other X, at other y."""
    net_loss: NetLoss
    other_X: np.ndarray                       # (N, D) other inputs; the same weights, labels and reg
    other_y: np.ndarray                       # (N,) other labels; the same weights, inputs and reg


@dataclass
class GradientCheck:
    loss: float
    grads: Params
    loss_plus: np.ndarray                     # (P,) the loss at params + h e_i, P = all entries
    loss_minus: np.ndarray                    # (P,) ... at params - h e_i (oracles.numerical order)
    loss_other_X: float                       # the loss at the given params with the inputs other_X
    loss_other_y: float                       # ... with the labels other_y
    autodiff_modules: list = field(default_factory=list)  # autodiff libraries the student's file loaded


@dataclass
class Vectorisation:
    nets: list[Net]
    reg: float


@dataclass
class LineCounts:
    """Python lines run outside library code by loss() on each net, and the last net's answers."""
    forward_only: bool                        # the backward pass raised: loss(X) was measured
    lines: list                               # one count per net
    seconds: list                             # one wall time per net (information only)
    probs: np.ndarray                         # (N, C) of the last net
    loss: float | None = None
    grads: Params | None = None
    exp_log_calls: list = field(default_factory=list)  # per net: calls of numpy's exp/log family


@dataclass
class Training:
    """train() on a net: its params, the data and the settings."""
    net: Net
    learning_rate: float
    reg: float
    num_iters: int
    seed: int
    batch_size: int = 200
    learning_rate_decay: float = 0.95
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


@dataclass
class Histories:
    loss_history: np.ndarray                  # (num_iters,)
    train_acc_history: np.ndarray             # (epochs,)
    val_acc_history: np.ndarray               # (epochs,)


@dataclass
class TrainedNet:
    histories: Histories
    params: Params                            # after train()
    loss_calls: int = 0                       # how often train() called loss(X, y)
    train_seconds: float = 0.0


@dataclass
class SgdSteps:
    training: Training
    iterations: int


@dataclass
class SgdStepsOut:
    steps: list[Params]                       # steps[k-1]: params after train(num_iters=k)
    handed_out: list[Params]                  # the gradients loss() gave at each iteration
    loss_calls: int


@dataclass
class Minibatches:
    histories: Histories
    batch_rows: np.ndarray                    # (calls,) rows per loss(X, y) call
    batch_index: np.ndarray                   # the rows of X each call held, concatenated; -1: not X's
    predictions: PredictionCalls | None = None  # what predict() / loss(X) answered during train()


@dataclass
class PredictionCalls:
    """Every call of predict(X) or loss(X) that train() made (the grader's own), in call order."""
    iteration: np.ndarray                     # (E,) loss(X, y) calls before it, minus 1: its iteration
    rows: np.ndarray                          # (E,) rows of each call's X
    train_index: np.ndarray                   # (sum rows,) each row's index in X_train; -1: not one
    val_index: np.ndarray                     # (sum rows,) each row's index in X_val; -1: not one
    labels: np.ndarray                        # (sum rows,) the predicted labels


@dataclass
class CifarData:
    """The exercise's training and validation images (uint8 (N, 32, 32, 3)), never the test set."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    settings: dict
    seed: int
    threads: int = 1


@dataclass
class ChainRuleInput:
    W: np.ndarray                             # (P, Q)
    x: np.ndarray                             # (Q,)


@dataclass
class ChainRuleOutput:
    g: np.ndarray                             # (P,)
    f: float
    grad: np.ndarray                          # (Q,)


@dataclass
class Settings:
    values: dict                              # hyperparams.<fn>() as plain numbers and lists


@dataclass
class Layer:
    weight: np.ndarray                        # (out, in), as nn.Linear holds it
    bias: np.ndarray                          # (out,)


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


@dataclass
class MlpHistory:
    loss: np.ndarray                          # (epochs,)
    train_acc: np.ndarray
    val_acc: np.ndarray


@dataclass
class TwoSteps:
    layers: list[Layer]                       # the grader's Linear/ReLU model to train
    images: np.ndarray                        # (B, 3, 32, 32)
    labels: np.ndarray                        # (B,)
    learning_rate: float
    learning_rate_decay: float
    weight_decay: float


@dataclass
class TwoStepsOut:
    optimizer: dict                           # {"name", "module", "settings"} of make_optimizer()
    history: MlpHistory
    layers: list[Layer]                       # after train_model
    steps_in_eval_mode: int


@dataclass
class Evaluation:
    images: np.ndarray                        # (N, 3, 32, 32)
    labels: np.ndarray                        # (N,)
    batch_size: int


@dataclass
class EvaluationOut:
    accuracy: float
    seen: int
    training_calls: int


@dataclass
class TrainedMlp:
    history: MlpHistory
    layers: list[Layer]                       # the trained nn.Linear modules, in module order
    train_seconds: float


@dataclass
class InstructorTest:
    """One of the instructor's own unittest tests (gradescope-utils), run on the student's files."""
    sources: dict                             # {file name: text} of the instructor's test folder
    test_id: str                              # unittest's id, e.g. "test_rules.Rules.test_no_print"


@dataclass
class InstructorTestOut:
    report: dict                              # gradescope-utils' JSONTestRunner output for that test


# Probe name -> (input message, output message).
PROBES: dict[str, tuple[type, type]] = {
    "chain_rule.evaluate": (ChainRuleInput, ChainRuleOutput),
    "two_layer_net.probabilities": (Net, Probabilities),
    "two_layer_net.predict": (Net, Labels),
    "two_layer_net.loss_and_grads": (NetLoss, LossGrads),
    "two_layer_net.gradient_check": (GradientCheckInputs, GradientCheck),
    "two_layer_net.vectorisation": (Vectorisation, LineCounts),
    "two_layer_training.toy_training": (Training, TrainedNet),
    "two_layer_training.sgd_step": (SgdSteps, SgdStepsOut),
    "two_layer_training.minibatches": (Training, Minibatches),
    "two_layer_training.cifar_training": (CifarData, TrainedNet),
    "hyperparams.two_layer_net": (Nothing, Settings),
    "hyperparams.mlp": (Nothing, Settings),
    "mlp.architecture": (Architecture, Architectures),
    "mlp.equivalence": (NetLoss, Equivalence),
    "mlp.depth_study": (Nothing, DepthStudy),
    "mlp_training.two_steps": (TwoSteps, TwoStepsOut),
    "mlp_training.evaluation": (Evaluation, EvaluationOut),
    "mlp_training.cifar_training": (CifarData, TrainedMlp),
    "instructor_tests.run_one": (InstructorTest, InstructorTestOut),
}


# --------------------------------------------------------------------------------------------
# The codec.

def encode(message: Any) -> dict[str, Any]:
    """A message as flat {dotted key: array or plain JSON value}; None fields are left out."""
    flat: dict[str, Any] = {}
    _put(flat, "", type(message), message)
    return flat


def decode(cls: type, flat: dict[str, Any]) -> Any:
    """The message of type `cls` held in `flat`; ExchangeError when a field is missing or mistyped."""
    return _get(flat, "", cls, cls.__name__)


def _put(flat: dict, key: str, kind: Any, value: Any) -> None:
    if value is None:
        return
    kind = _strip_optional(kind)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        for f in dataclasses.fields(kind):
            _put(flat, _join(key, f.name), hints[f.name], getattr(value, f.name))
    elif kind is np.ndarray:
        flat[key] = np.asarray(value)
    elif _is_params(kind):
        for name, array in value.items():
            flat[_join(key, str(name))] = np.asarray(array)
        flat[_join(key, "#keys")] = [str(name) for name in value]
    elif typing.get_origin(kind) is list and typing.get_args(kind):
        items = list(value)
        for i, item in enumerate(items):
            _put(flat, _join(key, str(i)), typing.get_args(kind)[0], item)
        flat[_join(key, "#len")] = len(items)
    else:  # plain JSON: numbers, strings, lists and dicts of them
        flat[key] = value


def _get(flat: dict, key: str, kind: Any, where: str) -> Any:
    optional = _strip_optional(kind) is not kind
    kind = _strip_optional(kind)
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        values = {}
        for f in dataclasses.fields(kind):
            sub = _join(key, f.name)
            present = any(k == sub or k.startswith(sub + ".") for k in flat)
            if not present:
                has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
                if has_default or _strip_optional(hints[f.name]) is not hints[f.name]:
                    continue
                if not dataclasses.is_dataclass(hints[f.name]):  # a message of only optional fields may be empty
                    raise ExchangeError(f"{where}.{f.name} is missing")
            values[f.name] = _get(flat, sub, hints[f.name], f"{where}.{f.name}")
        return kind(**values)
    if _is_params(kind):
        names = _value(flat, _join(key, "#keys"), list, where)
        return {str(name): _array(flat, _join(key, str(name)), f"{where}[{name!r}]") for name in names}
    if typing.get_origin(kind) is list and typing.get_args(kind):
        length = _value(flat, _join(key, "#len"), int, where)
        item = typing.get_args(kind)[0]
        return [_get(flat, _join(key, str(i)), item, f"{where}[{i}]") for i in range(length)]
    if key not in flat and optional:
        return None
    if kind is np.ndarray:
        return _array(flat, key, where)
    return _value(flat, key, kind, where)


def _array(flat: dict, key: str, where: str) -> np.ndarray:
    value = flat.get(key)
    if type(value) is not np.ndarray:
        raise ExchangeError(f"{where} should be an array, got {type(value).__name__}")
    return value


def _value(flat: dict, key: str, kind: Any, where: str) -> Any:
    if key not in flat:
        raise ExchangeError(f"{where} is missing")
    value = flat[key]
    if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind in (str, bool, dict, list) and isinstance(value, kind):
        return value
    if kind is Any:
        return value
    raise ExchangeError(f"{where} should be {getattr(kind, '__name__', kind)}, got {type(value).__name__}")


def _strip_optional(kind: Any) -> Any:
    if typing.get_origin(kind) in (Union, getattr(__import__("types"), "UnionType", Union)):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return kind


def _is_params(kind: Any) -> bool:
    return typing.get_origin(kind) is dict and typing.get_args(kind) == (str, np.ndarray)


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name
