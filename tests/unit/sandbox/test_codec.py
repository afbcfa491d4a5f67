"""sandbox/codec.py: typed messages flattened to arrays and JSON and back, and refused when a child
sends anything else. (Unit tier: no child process.)"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pytest

from autograder.probes.mlp import Architectures, BuiltModel
from autograder.probes.two_layer_net import GradientCheck, LossGrads, Net, NetLoss
from autograder.probes.two_layer_training import SgdStepsOut
from autograder.sandbox.codec import MessageError, Nothing, Params, decode, encode
from autograder.torchnet import Layer


@dataclass
class Everything:
    """One field of every kind the codec knows."""
    array: np.ndarray
    params: Params
    number: float
    count: int
    text: str
    flag: bool
    nested: Net
    layers: list[Layer]
    steps: list[Params]
    plain: dict
    values: list
    maybe: np.ndarray | None = None
    later: list = field(default_factory=list)


def _params(rng) -> dict:
    return {"W1": rng.randn(3, 2), "b1": rng.randn(2), "W2": rng.randn(2, 4), "b2": rng.randn(4)}


def _wire(flat: dict) -> dict:
    """What the transport does: arrays stay arrays, the rest goes through JSON."""
    return {k: v if isinstance(v, np.ndarray) else json.loads(json.dumps(v)) for k, v in flat.items()}


def test_a_message_of_every_field_kind_round_trips():
    rng = np.random.RandomState(0)
    message = Everything(rng.randn(2, 3), _params(rng), 1.5, 7, "text", True, Net(_params(rng), rng.randn(4, 3)),
                         [Layer(rng.randn(5, 3), rng.randn(5))], [_params(rng), _params(rng)],
                         {"a": [1, 2]}, [1, "x"])
    back = decode(Everything, _wire(encode(message)))
    assert np.array_equal(back.array, message.array) and back.maybe is None and back.nested.y is None
    assert list(back.params) == ["W1", "b1", "W2", "b2"]
    assert all(np.array_equal(back.steps[1][k], message.steps[1][k]) for k in message.steps[1])
    assert np.array_equal(back.layers[0].weight, message.layers[0].weight)
    assert (back.number, back.count, back.text, back.flag, back.plain, back.values) == (1.5, 7, "text", True,
                                                                                          {"a": [1, 2]}, [1, "x"])


def test_the_probes_messages_round_trip():
    rng = np.random.RandomState(1)
    for message in (Nothing(), NetLoss(Net(_params(rng), rng.randn(4, 3), np.arange(4)), 0.1),
                    LossGrads(1.0, grads_missing="NotImplementedError: Q2d"),
                    GradientCheck(1.0, _params(rng), rng.randn(3), rng.randn(3), 2.0, 3.0, ["torch"]),
                    SgdStepsOut([_params(rng)], [_params(rng)], 1),
                    Architectures([BuiltModel([Layer(rng.randn(2, 2), rng.randn(2))], rng.randn(2, 2), rng.randn(2, 2))])):
        back = decode(type(message), _wire(encode(message)))
        assert type(back) is type(message)
        assert encode(back).keys() == encode(message).keys()


@pytest.mark.parametrize("change, named", [
    (lambda f: f.pop("loss"), "LossGrads.loss is missing"),
    (lambda f: f.update(loss="1.0"), "LossGrads.loss should be float, got str"),
    (lambda f: f.update(loss=True), "LossGrads.loss should be float, got bool"),
    (lambda f: f.update({"grads.W1": [1.0, 2.0]}), "LossGrads.grads['W1'] should be an array, got list"),
    (lambda f: f.update({"grads.#keys": "W1"}), "LossGrads.grads should be list, got str"),
])
def test_a_malformed_message_is_refused_with_the_field_named(change, named):
    """Does a child's malformed output become a MessageError naming the field, never a KeyError?"""
    rng = np.random.RandomState(2)
    flat = _wire(encode(LossGrads(1.0, _params(rng))))
    change(flat)
    with pytest.raises(MessageError, match=named.replace("[", r"\[").replace("]", r"\]")):
        decode(LossGrads, flat)


def test_an_int_is_not_a_count_when_it_is_a_bool():
    flat = _wire(encode(SgdStepsOut([], [], 2)))
    flat["loss_calls"] = True
    with pytest.raises(MessageError, match="loss_calls should be int"):
        decode(SgdStepsOut, flat)
