"""Probes for hyperparams.py: the student's settings as plain, type-checked data.

The parent validates ranges and the compute budget before any training starts.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..sandbox.codec import Nothing
from ..sandbox.probe import probe
from ..sandbox.student_code import StudentFailure, Submission


@dataclass
class Settings:
    values: dict                              # hyperparams.<fn>() as plain numbers and lists


TWO_LAYER_KEYS = {"hidden_size": int, "learning_rate": float, "learning_rate_decay": float,
                  "reg": float, "num_iters": int, "batch_size": int}
TWO_LAYER_OPTIONAL = {"std": float}
MLP_KEYS = {"hidden_layers": list, "epochs": int, "batch_size": int, "learning_rate": float,
            "learning_rate_decay": float, "weight_decay": float}
MLP_OPTIONAL = {"dropout": float}


@probe
def two_layer_net(inputs: Nothing, submission: Submission) -> Settings:
    """hyperparams.two_layer_net() as {key: number}."""
    settings = submission.module("hyperparams").two_layer_net()
    return Settings(_plain(settings, TWO_LAYER_KEYS, TWO_LAYER_OPTIONAL, "two_layer_net()"))


@probe
def mlp(inputs: Nothing, submission: Submission) -> Settings:
    """hyperparams.mlp() as {key: number or list of ints}."""
    settings = submission.module("hyperparams").mlp()
    return Settings(_plain(settings, MLP_KEYS, MLP_OPTIONAL, "mlp()"))


def _plain(settings, required: dict, optional: dict, where: str) -> dict:
    if not isinstance(settings, dict):
        raise StudentFailure("bad_return", f"hyperparams.{where} should return a dict, got "
                             f"{type(settings).__name__}")
    missing = [key for key in required if key not in settings]
    if missing:
        raise StudentFailure("bad_return", f"hyperparams.{where} is missing {', '.join(missing)}")
    out = {}
    for key, kind in {**required, **optional}.items():
        if key not in settings:
            continue
        value = settings[key]
        if kind is list:
            if not isinstance(value, (list, tuple)) or not all(
                    isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise StudentFailure("bad_return", f"hyperparams.{where}['{key}'] should be a list of "
                                     "whole numbers, e.g. [512, 256]")
            out[key] = [int(v) for v in value]
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise StudentFailure("bad_return", f"hyperparams.{where}['{key}'] should be a number, got "
                                 f"{type(value).__name__}")
        elif kind is int and int(value) != value:
            raise StudentFailure("bad_return", f"hyperparams.{where}['{key}'] should be a whole number")
        else:
            out[key] = kind(value)
    return out
