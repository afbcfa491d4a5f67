"""sandbox/probe.py and student_code.py: a probe is a typed reference the child resolves to the same
function, and a stub is recognised by where it stands, not by its message. (Unit tier: in process.)"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from autograder.assign import skeleton
from autograder.checks.q0_chain_rule import ChainRuleInput, ChainRuleOutput, evaluate
from autograder.probes import two_layer_net
from autograder.sandbox.probe import Probe, probe, resolve
from autograder.sandbox.student_code import Submission, unwritten
from grading_helpers import SOLUTION


def test_a_probe_carries_its_messages_and_address():
    assert isinstance(evaluate, Probe)
    assert (evaluate.inputs, evaluate.outputs) == (ChainRuleInput, ChainRuleOutput)
    assert evaluate.address == "autograder.checks.q0_chain_rule:evaluate"
    assert two_layer_net.probabilities.address == "autograder.probes.two_layer_net:probabilities"
    assert resolve(evaluate.address) is evaluate and resolve(two_layer_net.probabilities.address) is two_layer_net.probabilities


@pytest.mark.parametrize("address", ["os:system", "autograder.probes.two_layer_net:build_net",
                                     "autograder.probes.two_layer_net:_grads", "autograder.probes.two_layer_net",
                                     "autograder.probes.two_layer_net:nothing_here"])
def test_the_child_resolves_only_the_graders_probes(address):
    """Is anything but a probe of the grader's own packages refused?"""
    with pytest.raises(ValueError):
        resolve(address)


@dataclass
class In:
    x: int


def test_a_probe_without_message_types_is_refused_at_import():
    with pytest.raises(TypeError, match="output must be annotated"):
        @probe
        def untyped(inputs: In, submission):
            return None


def test_calling_a_probe_runs_its_function(tmp_path):
    (tmp_path / "chain_rule.py").write_text((SOLUTION / "chain_rule.py").read_text())
    got = evaluate(ChainRuleInput(np.eye(2), np.array([1.0, 2.0])), Submission(tmp_path))
    assert type(got) is ChainRuleOutput and np.allclose(got.g, [1.0, 4.0])


def _stub_error(folder: Path, text: str, call: str) -> BaseException:
    (folder / "two_layer_net.py").write_text(text)
    module = Submission(folder).module("two_layer_net")
    params = {"W1": np.ones((3, 2)), "b1": np.zeros(2), "W2": np.ones((2, 2)), "b2": np.zeros(2)}
    net = module.TwoLayerNet(3, 2, 2)
    net.params.update(params)
    try:
        eval(call, {"net": net, "np": np})
    except BaseException as exc:  # noqa: BLE001 - what the probe sees
        return exc
    raise AssertionError("no exception")


def test_a_stub_is_recognised_by_its_todo_not_its_message(tmp_path):
    """Does a generated stub name its TODO's question, whatever its message says, and does a
    NotImplementedError of the student's own not pass for one?"""
    generated = skeleton((SOLUTION / "two_layer_net.py").read_text())
    exc = _stub_error(tmp_path, generated.replace('raise NotImplementedError("Q1a: forward pass',
                                                  'raise NotImplementedError("Q2d: forward pass'),
                      "net.loss(np.ones((2, 3)))")
    found = unwritten(exc, tmp_path)
    assert found is not None and found.todo == "Q1a" and found.task.startswith("forward pass")
    own = _stub_error(tmp_path, (SOLUTION / "two_layer_net.py").read_text().replace(
        "N = X.shape[0]\n", "N = X.shape[0]\n        raise NotImplementedError('Q2d: not yet')\n", 1),
        "net.loss(np.ones((2, 3)))")
    assert isinstance(own, NotImplementedError) and unwritten(own, tmp_path) is None
    assert unwritten(ValueError("Q1a: x"), tmp_path) is None
