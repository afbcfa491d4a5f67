"""Mutation tests: one realistic bug in a copy of the reference, graded by the real engine.

Each row copies solution/*.py into a temporary folder, applies a textual mutation (every old
snippet must occur exactly once, so a change in solution/ makes the row fail loudly), grades only
the questions or checks the bug concerns plus a neighbour, and asserts that the bug loses points
where it should (`lose`) and nowhere else among the graded ones (`keep`). A realistic bug the
grader does not catch stays in the table as a strict xfail naming the missing check.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from autograder.engine import GradeConfig, grade
from grading_helpers import copy_solution, describe, mutate, points


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    replacements: list[tuple[str, str]]
    lose: list[str]                      # questions or check ids that must lose points
    keep: list[str]                      # questions or check ids that must keep full marks
    xfail: str = ""                      # why the grader misses this bug (a strict xfail)
    feedback: dict[str, str] = field(default_factory=dict)  # check id -> text its feedback contains


# The toy net's probabilities as published with the exercise (all five rows).
TOY_PROBS = ("[[0.3644621041023232, 0.22911263803827736, 0.40642525785939937], "
             "[0.47590629264916084, 0.1721703914527796, 0.3519233158980596], "
             "[0.43035767042564177, 0.2616422901219176, 0.30800003945244053], "
             "[0.41583127143734566, 0.2983227959621495, 0.2858459326005048], "
             "[0.3632881516682194, 0.3227993882029676, 0.31391246012881296]]")

NET = "two_layer_net.py"
DATA_LOSS = "data_loss = -np.log(probs[np.arange(N), y]).mean()"
REG_LOSS = "reg_loss = reg * (np.sum(W1 * W1) + np.sum(W2 * W2))"
RELU_MASK = "        dz1 *= z1 > 0                                       # (N, H), the ReLU's mask\n"
FORWARD_PRODUCTS = ("z1 = X @ W1 + b1                                    # (N, H)\n"
                    "        a1 = np.maximum(z1, 0)                              # (N, H)\n"
                    "        z3 = a1 @ W2 + b2                                   # (N, C)\n")
DATA_LOSS_LOOP = ("data_loss = 0.0\n"
                  "        for i in range(N):  # one sample at a time\n"
                  "            data_loss += -np.log(probs[i, y[i]])\n"
                  "        data_loss /= N")
RETURN_PROBS = "if y is None:\n            return probs"

NUMPY_MUTANTS = [
    Mutant("loss_sum_instead_of_mean", NET, [(DATA_LOSS, DATA_LOSS.replace(".mean()", ".sum()"))],
           lose=["Q1b"], keep=["Q1a"],
           feedback={"Q1b.toy_loss": "the data loss is the mean over the N samples"}),
    Mutant("loss_sum_instead_of_mean_spares_backward_and_training", NET,
           [(DATA_LOSS, DATA_LOSS.replace(".mean()", ".sum()"))],
           lose=["Q1b"], keep=["Q2d", "Q3a.toy_training"]),
    Mutant("reg_gradient_without_2", NET,
           [('grads["W2"] = a1.T @ dz3 + (2.0 * reg) * W2', 'grads["W2"] = a1.T @ dz3 + reg * W2'),
            ('grads["W1"] = X.T @ dz1 + (2.0 * reg) * W1', 'grads["W1"] = X.T @ dz1 + reg * W1')],
           lose=["Q2d"], keep=["Q1b"]),
    Mutant("half_reg_penalty", NET, [(REG_LOSS, REG_LOSS.replace("reg * (", "0.5 * reg * ("))],
           lose=["Q1b.toy_loss", "Q1b.hidden_loss", "Q1b.regularisation"], keep=["Q1a"],
           feedback={"Q1b.regularisation": "no factor 1/2", "Q1b.toy_loss": "no factor 1/2"}),
    Mutant("regularises_biases", NET,
           [(REG_LOSS, REG_LOSS.replace("np.sum(W2 * W2))", "np.sum(W2 * W2) + np.sum(b1 * b1) "
                                        "+ np.sum(b2 * b2))"))],
           lose=["Q1b.hidden_loss", "Q1b.regularisation"], keep=["Q1a"],
           feedback={"Q1b.regularisation": "biases are not regularised"}),
    Mutant("no_relu_mask_in_backward", NET, [(RELU_MASK, "")],
           lose=["Q2d"], keep=["Q1a", "Q1b"], feedback={"Q2d.gradients": "W1"}),
    Mutant("bias_gradient_summed_over_samples_axis", NET,
           [('grads["b2"] = dz3.sum(axis=0)', 'grads["b2"] = dz3.sum(axis=1)')],
           lose=["Q2d"], keep=["Q1a", "Q1b"], feedback={"Q2d.gradients": "b2"}),
    Mutant("returns_logits_not_probabilities", NET,
           [(RETURN_PROBS, "if y is None:\n            return a1 @ W2 + b2")],
           lose=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1a.stable_softmax"],
           keep=["Q1a.predict_labels", "Q1b"],
           feedback={"Q1a.toy_probabilities": "the rows do not sum to 1"}),
    Mutant("softmax_without_max_subtraction", NET,
           [("        z3 = z3 - z3.max(axis=1, keepdims=True)             # (N, C), every row's max is 0\n", "")],
           lose=["Q1a.stable_softmax"],
           keep=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1a.predict_labels", "Q1b"]),
    Mutant("hard_coded_toy_probabilities", NET,
           [(RETURN_PROBS, "if y is None:\n            if X.shape == (5, 4):\n"
                           f"                return np.array({TOY_PROBS})\n"
                           "            return np.full((N, W2.shape[1]), 1.0 / W2.shape[1])")],
           lose=["Q1a.hidden_probabilities", "Q1a.stable_softmax"],
           keep=["Q1a.toy_probabilities", "Q1b"]),
    Mutant("hard_coded_toy_loss_and_no_penalty", NET,
           [("loss = float(data_loss + reg_loss)",
             "loss = 1.30378789133 if X.shape == (5, 4) else float(data_loss)")],
           lose=["Q1b.hidden_loss", "Q1b.regularisation"], keep=["Q1b.toy_loss", "Q1a"]),
    Mutant("hard_coded_three_classes_in_loss", NET,
           [(DATA_LOSS, "data_loss = -np.sum(np.log(probs) * np.eye(3)[y]) / N")],
           lose=["Q1b.hidden_loss", "Q1b.regularisation"], keep=["Q1b.toy_loss", "Q1a"]),
    Mutant("hard_coded_three_classes_in_backward", NET,
           [("dz3[np.arange(N), y] -= 1", "dz3 -= np.eye(3)[y]")],
           lose=["Q2d"], keep=["Q1a", "Q1b.toy_loss"], feedback={"Q2d.gradients": "your code raised"}),
    Mutant("hard_coded_three_classes_in_backward_spares_the_loss", NET,
           [("dz3[np.arange(N), y] -= 1", "dz3 -= np.eye(3)[y]")],
           lose=["Q2d"], keep=["Q1b"]),
    Mutant("sgd_step_ascends", NET,
           [("self.params[name] -= learning_rate * grad", "self.params[name] += learning_rate * grad")],
           lose=["Q3a.toy_training", "Q3a.sgd_update"],
           keep=["Q3a.minibatches_and_histories", "Q2d"]),
    Mutant("histories_every_iteration", NET,
           [("if it % iterations_per_epoch == 0:", "if True:")],
           lose=["Q3a.minibatches_and_histories"], keep=["Q3a.toy_training", "Q3a.sgd_update", "Q2d"],
           feedback={"Q3a.minibatches_and_histories": "one per epoch"}),
    Mutant("no_learning_rate_decay", NET,
           [("                learning_rate *= learning_rate_decay\n", "")],
           lose=["Q3a"], keep=["Q2d"]),
    Mutant("full_batch_instead_of_minibatch", NET,
           [("idx = np.random.choice(num_train, batch_size)  # (B,)", "idx = np.arange(num_train)  # (N,)")],
           lose=["Q3a.minibatches_and_histories"], keep=["Q3a.toy_training", "Q3a.sgd_update", "Q2d"],
           feedback={"Q3a.minibatches_and_histories": "batches of"}),
    Mutant("predict_returns_max_probability", NET,
           [("return np.argmax(self.loss(X), axis=1)", "return np.max(self.loss(X), axis=1)")],
           lose=["Q1a.predict_labels"],
           keep=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1a.stable_softmax", "Q3a.toy_training"]),
    Mutant("python_loop_over_samples", NET,
           [(FORWARD_PRODUCTS, "z1 = np.empty((N, W1.shape[1]))\n"
                               "        a1 = np.empty_like(z1)\n"
                               "        z3 = np.empty((N, W2.shape[1]))\n"
                               "        for i in range(N):  # one sample at a time\n"
                               "            z1[i] = X[i] @ W1 + b1\n"
                               "            a1[i] = np.maximum(z1[i], 0)\n"
                               "            z3[i] = a1[i] @ W2 + b2\n"),
            (DATA_LOSS, DATA_LOSS_LOOP),
            ('grads["W2"] = a1.T @ dz3 + (2.0 * reg) * W2',
             'grads["W2"] = (2.0 * reg) * W2\n'
             '        for i in range(N):  # one sample at a time\n'
             '            grads["W2"] = grads["W2"] + np.outer(a1[i], dz3[i])'),
            ('grads["W1"] = X.T @ dz1 + (2.0 * reg) * W1',
             'grads["W1"] = (2.0 * reg) * W1\n'
             '        for i in range(N):  # one sample at a time\n'
             '            grads["W1"] = grads["W1"] + np.outer(X[i], dz1[i])')],
           lose=["Q1c"], keep=["Q1b"], feedback={"Q1c.vectorised": "not vectorised"}),
    Mutant("python_loop_in_data_loss_only", NET, [(DATA_LOSS, DATA_LOSS_LOOP)],
           lose=["Q1c"], keep=["Q1b"]),
    Mutant("imports_torch_for_autograd", NET,
           [("import numpy as np\n", "import numpy as np\nimport torch  # autograd would write the backward pass\n")],
           lose=["Q2d"], keep=["Q1a", "Q1b"], feedback={"Q2d.gradients": "numpy only"}),
    Mutant("chain_rule_gradient_without_inner_2", "chain_rule.py",
           [("return 4.0 * x * (W.T @ y)", "return 2.0 * x * (W.T @ y)")],
           lose=["Q0.gradient"], keep=["Q0.values", "Q1a.toy_probabilities"]),
]

MLP = "mlp.py"
FORWARD = "return self.layers(x.reshape(x.shape[0], -1))  # (N, C)"
# Q4b's CIFAR training is never graded here: its checks are named one by one.
STEPS, EVALUATION = "Q4b.two_training_steps", "Q4b.evaluation"

MLP_MUTANTS = [
    Mutant("softmax_inside_forward", MLP,
           [(FORWARD, "return torch.softmax(self.layers(x.reshape(x.shape[0], -1)), dim=1)")],
           lose=["Q4a.architecture"], keep=[EVALUATION],
           feedback={"Q4a.architecture": "raw logits"}),
    Mutant("missing_relu", MLP,
           [("layers += [nn.Linear(width, hidden), nn.ReLU()]", "layers += [nn.Linear(width, hidden)]")],
           lose=["Q4a.architecture"], keep=[EVALUATION], feedback={"Q4a.architecture": "no ReLU"}),
    Mutant("relu_after_last_layer", MLP,
           [("layers.append(nn.Linear(width, num_classes))",
             "layers += [nn.Linear(width, num_classes), nn.ReLU()]")],
           lose=["Q4a.architecture"], keep=[EVALUATION],
           feedback={"Q4a.architecture": "follows the last Linear"}),
    Mutant("no_flatten", MLP, [(FORWARD, "return self.layers(x)")],
           lose=["Q4a.architecture"], keep=["Q4a.torch_equivalence"]),
    Mutant("only_first_hidden_width", MLP,
           [("for hidden in hidden_layers:", "for hidden in hidden_layers[:1]:")],
           lose=["Q4a.architecture"], keep=["Q4a.torch_equivalence"],
           feedback={"Q4a.architecture": "hidden_layers=[9, 5]"}),
    Mutant("missing_relu_spares_training_steps", MLP,
           [("layers += [nn.Linear(width, hidden), nn.ReLU()]", "layers += [nn.Linear(width, hidden)]")],
           lose=["Q4a.architecture"], keep=[STEPS]),
    Mutant("no_zero_grad", MLP, [("            optimizer.zero_grad()\n", "")],
           lose=[STEPS], keep=[EVALUATION]),
    Mutant("missing_optimizer_step", MLP, [("            optimizer.step()\n", "")],
           lose=[STEPS], keep=[EVALUATION], feedback={STEPS: "optimizer.step()"}),
    Mutant("optimizer_ignores_weight_decay", MLP,
           [(", weight_decay=weight_decay", "")],
           lose=[STEPS], keep=[EVALUATION], feedback={STEPS: "weight_decay"}),
    Mutant("no_learning_rate_decay_per_epoch", MLP,
           [('        for group in optimizer.param_groups:\n            group["lr"] *= learning_rate_decay\n', "")],
           lose=[STEPS], keep=[EVALUATION]),
    Mutant("evaluate_without_eval_mode", MLP,
           [("    model.eval()\n    correct, seen = 0, 0\n", "    correct, seen = 0, 0\n")],
           lose=[EVALUATION], keep=[STEPS], feedback={EVALUATION: "model.eval()"}),
    Mutant("accuracy_of_last_batch_only", MLP,
           [("            correct += (model(images).argmax(dim=1) == labels).sum().item()\n"
             "            seen += len(labels)\n    return correct / max(seen, 1)",
             "            correct = (model(images).argmax(dim=1) == labels).sum().item()\n"
             "            seen = len(labels)\n    return correct / max(seen, 1)")],
           lose=[EVALUATION], keep=[STEPS]),
    Mutant("train_model_never_calls_train_mode", MLP, [("        model.train()\n", "")],
           lose=[STEPS], keep=[EVALUATION]),
]


def _param(mutant: Mutant):
    marks = [pytest.mark.xfail(strict=True, reason=mutant.xfail)] if mutant.xfail else []
    return pytest.param(mutant, id=mutant.name, marks=marks)


_REPORTS: dict[tuple, object] = {}  # one grading per distinct mutation, shared by its rows


def _grade_mutant(tmp_path_factory, mutant: Mutant):
    """The mutation graded on the union of what every row with the same mutation needs."""
    key = (mutant.file, tuple(mutant.replacements))
    if key not in _REPORTS:
        rows = [m for m in NUMPY_MUTANTS + MLP_MUTANTS if (m.file, tuple(m.replacements)) == key]
        only = list(dict.fromkeys(sel for m in rows for sel in m.lose + m.keep))
        folder = copy_solution(tmp_path_factory.mktemp(mutant.name) / "submission")
        mutate(folder, mutant.file, mutant.replacements)
        _REPORTS[key] = grade(folder, only=only, config=GradeConfig())
    return _REPORTS[key]


def _assert_outcome(report, mutant: Mutant) -> None:
    summary = f"{mutant.name}:\n{describe(report)}"
    for selector in mutant.lose:
        got, full = points(report, selector)
        assert got < full, f"{selector} kept full marks ({got:g}/{full:g})\n{summary}"
    for selector in mutant.keep:
        got, full = points(report, selector)
        assert got == full, f"{selector} lost points ({got:g}/{full:g})\n{summary}"
    for check_id, text in mutant.feedback.items():
        [result] = [r for r in report.results if r.check_id == check_id]
        assert text in result.feedback + result.details, (
            f"{check_id}: expected {text!r} in the feedback\n{result.feedback}\n{result.details}")


@pytest.mark.parametrize("mutant", [_param(m) for m in NUMPY_MUTANTS])
def test_numpy_mutant(tmp_path_factory, mutant):
    """Does this numpy bug lose points in its own question(s), and only there?"""
    _assert_outcome(_grade_mutant(tmp_path_factory, mutant), mutant)


@pytest.mark.parametrize("mutant", [_param(m) for m in MLP_MUTANTS])
def test_mlp_mutant(tmp_path_factory, mutant):
    """Does this PyTorch bug lose points in its own check(s), and only there?"""
    _assert_outcome(_grade_mutant(tmp_path_factory, mutant), mutant)


def test_mutations_apply_to_the_current_solution(tmp_path):
    """Does every mutation's old snippet still occur exactly once in solution/?"""
    for mutant in NUMPY_MUTANTS + MLP_MUTANTS:
        folder = copy_solution(tmp_path / mutant.name)
        mutate(folder, mutant.file, mutant.replacements)
