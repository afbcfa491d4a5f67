"""No points for made-up work, and loops over activations are not finite differences.

Every row of tests/made_up_table.py (uniform or random probabilities, a constant, label-free or
data-free loss, a made-up function with its own derivative, an ndarray subclass that agrees with
everything, error rates in the histories, ...) is graded with the real engine on the checks it
fakes: each must score 0 there, with its reason in the feedback. Two correct files that loop in
Python over the activations or inside a matrix product must lose Q1c (vectorisation) only.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from autograder.checks.cases import toy_case
from autograder.engine import grade
from autograder.oracles import torch_oracle
from grading_helpers import SOLUTION, copy_solution, describe, points, selected
from made_up_table import LOSS_END, LOSS_START, MADE_UP, MadeUp

NET = "two_layer_net.py"
NUMPY_QUESTIONS = ("Q1a", "Q1b", "Q1c", "Q2d", "Q3a")


def _toy_gradients() -> str:
    """The toy net's true gradients at reg 0.05 (Q2d's toy case) as a Python literal."""
    case = toy_case()
    grads = torch_oracle.two_layer_net(case.params, case.X, case.y, 0.05)["grads"]
    return repr({name: value.tolist() for name, value in grads.items()})


def _submission(folder: Path, row: MadeUp) -> Path:
    copy_solution(folder)
    (folder / NET).write_text(row.source((SOLUTION / NET).read_text(), _toy_gradients()))
    return folder


@pytest.mark.parametrize("row", [pytest.param(r, id=r.name) for r in MADE_UP])
def test_made_up_work_earns_nothing(tmp_path, row):
    """Does this made-up submission score 0 on every check it fakes, with the reason in its feedback?"""
    report = grade(_submission(tmp_path / "submission", row), only=list(row.zero))
    summary = f"{row.name}:\n{describe(report)}"
    for selector, phrase in row.zero.items():
        results = selected(report, selector)
        for result in results:
            assert result.points == 0 and result.status != "passed", summary
        said = results[0].feedback + "\n" + results[0].details
        assert phrase in said, f"{selector}: expected {phrase!r} in\n{said}"


def test_the_audit_covers_every_question_that_pays_for_upstream_results():
    """Does the family hold at least 12 made-up submissions, faking Q1b, Q1c, Q2d and Q3a's histories?"""
    assert len(MADE_UP) >= 12 and len({r.name for r in MADE_UP}) == len(MADE_UP)
    faked = {selector.split(".")[0] for row in MADE_UP for selector in row.zero}
    assert {"Q1b", "Q1c", "Q2d", "Q3a"} <= faked, faked


# Correct work with Python loops: the ReLU of the hidden layer, forward and backward, entry by
# entry over the N x H activations; and the product a2 @ W2 as three nested loops.
RELU_LOOPS = '''W1, b1 = self.params["W1"], self.params["b1"]
W2, b2 = self.params["W2"], self.params["b2"]
N, H = X.shape[0], W1.shape[1]
pre = X @ W1 + b1
hidden = np.zeros_like(pre)
for n in range(N):
    for h in range(H):
        if pre[n, h] > 0:
            hidden[n, h] = pre[n, h]
scores = hidden @ W2 + b2
exp = np.exp(scores - scores.max(axis=1, keepdims=True))
probs = exp / exp.sum(axis=1, keepdims=True)
if y is None:
    return probs
loss = -np.log(probs[np.arange(N), y]).mean() + reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
dscores = probs.copy()
dscores[np.arange(N), y] -= 1
dscores /= N
grads = {"W2": hidden.T @ dscores + 2 * reg * W2, "b2": dscores.sum(axis=0)}
dhidden = dscores @ W2.T
for n in range(N):
    for h in range(H):
        if pre[n, h] <= 0:
            dhidden[n, h] = 0.0
grads["W1"] = X.T @ dhidden + 2 * reg * W1
grads["b1"] = dhidden.sum(axis=0)
return loss, grads
'''
TRIPLE_LOOP_PRODUCT = RELU_LOOPS.replace(
    "scores = hidden @ W2 + b2\n",
    "scores = np.zeros((N, W2.shape[1])) + b2\n"
    "for n in range(N):\n    for h in range(H):\n        for c in range(W2.shape[1]):\n"
    "            scores[n, c] += hidden[n, h] * W2[h, c]\n")


@pytest.mark.parametrize("body", [pytest.param(RELU_LOOPS, id="relu_loops_over_activations"),
                                  pytest.param(TRIPLE_LOOP_PRODUCT, id="triple_loop_matrix_product")])
def test_loops_over_activations_cost_vectorisation_only(tmp_path, body):
    """Does a correct loss() with element-wise Python loops lose Q1c only, never Q2d's finite-difference rule?"""
    folder = copy_solution(tmp_path / "submission")
    text = (SOLUTION / NET).read_text()
    start, end = text.index(LOSS_START), text.index(LOSS_END) + len(LOSS_END)
    indented = "".join(("        " + line) if line.strip() else line for line in body.splitlines(True))
    (folder / NET).write_text(text[:start] + indented + text[end:])
    report = grade(folder, only=list(NUMPY_QUESTIONS))
    summary = describe(report)
    assert points(report, "Q1c")[0] == 0, summary
    assert "not vectorised" in selected(report, "Q1c")[0].feedback, summary
    for question in NUMPY_QUESTIONS:
        if question != "Q1c":
            got, full = points(report, question)
            assert got == full, f"{question} lost points ({got}/{full})\n{summary}"
