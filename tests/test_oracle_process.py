"""The oracles run in their own process: the grading process never imports torch, and an oracle
process killed (for memory, say) is started again with the same answers.

One fresh interpreter grades the checks that call every oracle (the pytest process itself has
imported torch through other tests, so it cannot tell), then kills the oracle process and asks
again; the tests below read what it saw.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grading_helpers import REPO, SOLUTION

# Q0: chain_rule; Q1a, Q2d: two_layer_net (probabilities, loss, gradients); Q4a: the equivalence
# oracle; Q4b: the grader's optimizer steps. mlp_predictions (Q4b's scoring) is called directly.
ORACLE_CHECKS = ["Q0.gradient", "Q1a.toy_probabilities", "Q2d.gradients", "Q4a.torch_equivalence",
                 "Q4b.two_training_steps"]
SCRIPT = """
import json, os, signal, sys
import numpy as np
from pathlib import Path
from autograder.engine import GradeConfig, grade
from autograder.oracles import torch_oracle
from autograder.oracles.service import ORACLE
from autograder.sandbox.exchange import Layer

report = grade(Path(sys.argv[1]), only=json.loads(sys.argv[2]), config=GradeConfig())
rng = np.random.RandomState(0)
layers = [Layer(rng.randn(7, 3072).astype(np.float32) * 0.05, rng.randn(7).astype(np.float32)),
          Layer(rng.randn(10, 7).astype(np.float32), rng.randn(10).astype(np.float32))]
images = rng.randint(0, 256, size=(2500, 32, 32, 3)).astype(np.uint8)
predicted = torch_oracle.mlp_predictions(layers, images, batch=1000)
x = (images.astype(np.float64) / 255 - [0.4914, 0.4822, 0.4465]) / [0.2470, 0.2435, 0.2616]
x = x.transpose(0, 3, 1, 2).reshape(len(x), -1)
logits = np.maximum(x @ layers[0].weight.T.astype(np.float64) + layers[0].bias, 0) @ layers[1].weight.T + layers[1].bias
first = torch_oracle.chain_rule(np.eye(2), np.array([1.0, 2.0]))
old_pid = ORACLE._process.pid
os.kill(old_pid, signal.SIGKILL)
again = torch_oracle.chain_rule(np.eye(2), np.array([1.0, 2.0]))
print(json.dumps({
    "scores": {r.check_id: [r.points, r.max_points, r.feedback] for r in report.results},
    "torch_in_grading_process": "torch" in sys.modules,
    "torchvision_in_grading_process": "torchvision" in sys.modules,
    "versions": report.metadata["versions"],
    "predictions_agree": float(np.mean(predicted == logits.argmax(axis=1))),
    "restarted": ORACLE._process.pid != old_pid,
    "same_after_restart": bool(np.array_equal(first["grad"], again["grad"]) and first["f"] == again["f"]),
}))
"""


@pytest.fixture(scope="module")
def seen() -> dict:
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(SOLUTION), json.dumps(ORACLE_CHECKS)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_grading_process_never_imports_torch(seen):
    """After grading every check that asks an oracle (the solution earning full marks), has the
    grading process imported torch or torchvision? (It must not: in a 768 MB container it would
    no longer fit beside a training.)"""
    assert all(points == most for points, most, _ in seen["scores"].values()), seen["scores"]
    assert seen["torch_in_grading_process"] is False
    assert seen["torchvision_in_grading_process"] is False
    assert "torch" in seen["versions"], "the report should still name the torch build the oracles ran on"


def test_oracle_scores_mlp_weights_like_a_float64_forward_pass(seen):
    """Do the oracle process's Q4b predictions (float32, the loaders' normalisation) match a float64
    numpy forward pass on 2,500 random images, but for near-ties?"""
    assert seen["predictions_agree"] >= 0.998, seen["predictions_agree"]


def test_killed_oracle_process_is_started_again_with_the_same_answers(seen):
    """When the kernel kills the oracle process (it offers itself before the grader), does the next
    call start a new one and get the same numbers?"""
    assert seen["restarted"] and seen["same_after_restart"], seen
