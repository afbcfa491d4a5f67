"""Made-up submissions: code that implements nothing of the exercise where it matters, yet is
shaped to collect credit that flows past a wrong upstream result (Q1b for wrong probabilities,
Q2d for a wrong loss), plus train() loops that record the wrong thing in their histories.

Each row replaces the body of the reference's TwoLayerNet.loss() (everything from its first line
to `return loss, grads`) with its own, or edits the reference textually, and names the checks
that must score 0 and a phrase each one's feedback or details must contain: the reason a student
can act on. The helpers below (`_net`, `_backprop`) are put at module level of every made-up file.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from mutants_table import DRAWS as HISTORIES, TRAIN_ACC, VAL_ACC

HELPERS = '''

def _net(W1, b1, W2, b2, X):
    """z2, a2 and the softmax probabilities of the exercise's net."""
    z2 = X @ W1 + b1
    a2 = np.maximum(z2, 0)
    z3 = a2 @ W2 + b2
    e = np.exp(z3 - z3.max(axis=1, keepdims=True))
    return z2, a2, e / e.sum(axis=1, keepdims=True)


def _backprop(X, z2, a2, W2, dz3):
    """The data gradients of the exercise's net for an upstream gradient dz3 (N, C)."""
    dz2 = (dz3 @ W2.T) * (z2 > 0)
    return {"W1": X.T @ dz2, "b1": dz2.sum(axis=0), "W2": a2.T @ dz3, "b2": dz3.sum(axis=0)}


class Liar(np.ndarray):
    """Says "equal" and True to every comparison and every numpy function."""
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __array_function__(self, func, types, args, kwargs): return True

'''
PARAMS = 'W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))\nN = X.shape[0]\n'
PENALTY = "reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))"
TRUE_PROBS = "z2, a2, probs = _net(W1, b1, W2, b2, X)\nif y is None:\n    return probs\n"
DZ3 = "dz3 = probs.copy()\ndz3[np.arange(N), y] -= 1\ndz3 /= N\n"
PENALTY_GRADS = ('{"W1": 2 * reg * W1, "b1": np.zeros_like(b1), "W2": 2 * reg * W2, '
                 '"b2": np.zeros_like(b2)}')
LOSS_START = '        W1, b1 = self.params["W1"], self.params["b1"]\n'
LOSS_END = "        return loss, grads\n"
TOY_GRADS = "TOY_GRADS"  # replaced by the toy net's true gradients (reg 0.05) when the file is built


def toy_gradients() -> str:
    """The toy net's true gradients at reg 0.05 (Q2d's toy case) as a Python literal, for TOY_GRADS."""
    from autograder.checks.cases import toy_case
    from autograder.oracles import torch_oracle
    case = toy_case()
    grads = torch_oracle.two_layer_net(case.params, case.X, case.y, 0.05)["grads"]
    return repr({name: value.tolist() for name, value in grads.items()})


@dataclass(frozen=True)
class MadeUp:
    name: str
    zero: dict[str, str]            # check id or question -> phrase its (first) check's feedback holds
    body: str = ""                  # the new body of loss(), unindented
    edits: list[tuple[str, str]] = field(default_factory=list)  # or textual edits of the reference

    def source(self, reference: str, toy_grads: str) -> str:
        """two_layer_net.py of this submission, from the reference's text."""
        if not self.body:
            for old, new in self.edits:
                assert reference.count(old) == 1, f"{self.name}: edit not found once in solution/:\n{old}"
                reference = reference.replace(old, new)
            return reference
        start, end = reference.index(LOSS_START), reference.index(LOSS_END) + len(LOSS_END)
        body = textwrap.indent(self.body.replace(TOY_GRADS, toy_grads), " " * 8)
        text = reference[:start] + body + reference[end:]
        return text.replace("import numpy as np\n", "import numpy as np\n" + HELPERS, 1)


BY_LABELS = "does not depend on the labels y"
BY_NEITHER = "neither on the inputs X nor on the labels y"
NOT_RECOGNISED = "neither the exercise's loss nor"
CONSTANT = "the same number whatever"
SAME_ROWS = "do not depend on X"

MADE_UP = [
    MadeUp("uniform_probabilities_log_c_and_penalty",
           {"Q1b.toy_loss": SAME_ROWS, "Q1b.hidden_loss": SAME_ROWS, "Q1b.regularisation": "penalty alone",
            "Q1c": "neither the probabilities nor the loss", "Q2d": BY_NEITHER},
           PARAMS + "C = W2.shape[1]\nif y is None:\n    return np.full((N, C), 1.0 / C)\n"
           f"return np.log(C) + {PENALTY}, {PENALTY_GRADS}\n"),
    MadeUp("zero_loss_zero_gradients", {"Q1b": "relative error", "Q2d": CONSTANT},
           PARAMS + TRUE_PROBS + "return 0.0, {k: np.zeros_like(v) for k, v in self.params.items()}\n"),
    MadeUp("made_up_function_with_its_derivative", {"Q1b": "relative error", "Q2d": BY_LABELS},
           PARAMS + TRUE_PROBS + "loss = np.sum(X @ W1) + N * np.sum(b1) + np.sum(W2 ** 3) + np.sum(b2)\n"
           'return loss, {"W1": X.sum(axis=0)[:, None] * np.ones_like(W1), "b1": N * np.ones_like(b1), '
           '"W2": 3 * W2 ** 2, "b2": np.ones_like(b2)}\n'),
    MadeUp("random_probabilities_and_their_cross_entropy",
           {"Q1b.toy_loss": "neither the softmax", "Q1c": "neither the probabilities nor the loss",
            "Q2d": "does not depend on the inputs X"},
           PARAMS + "probs = np.random.RandomState(N).rand(N, W2.shape[1]) + 0.1\n"
           "probs /= probs.sum(axis=1, keepdims=True)\nif y is None:\n    return probs\n"
           f"return -np.log(probs[np.arange(N), y]).mean() + {PENALTY}, {PENALTY_GRADS}\n"),
    MadeUp("ndarray_subclass_that_always_agrees",
           {"Q1a.toy_probabilities": "subclass of np.ndarray", "Q1b": "subclass of np.ndarray",
            "Q1c": "subclass of np.ndarray", "Q2d": "subclass of np.ndarray"},
           PARAMS + "if y is None:\n    return np.zeros((N, W2.shape[1])).view(Liar)\n"
           "return np.array(0.0).view(Liar), {k: np.zeros_like(v).view(Liar) for k, v in self.params.items()}\n"),
    MadeUp("labels_ignored", {"Q1b.toy_loss": "correct class", "Q2d": BY_LABELS},
           PARAMS + TRUE_PROBS + f"loss = -np.log(probs[:, 0]).mean() + {PENALTY}  # as if every label were 0\n"
           "dz3 = probs.copy()\ndz3[:, 0] -= 1\ndz3 /= N\ng = _backprop(X, z2, a2, W2, dz3)\n"
           'return loss, {"W1": g["W1"] + 2 * reg * W1, "b1": g["b1"], "W2": g["W2"] + 2 * reg * W2, "b2": g["b2"]}\n'),
    MadeUp("probabilities_of_another_net",
           {"Q1b.hidden_loss": "neither the softmax", "Q1c": "neither the probabilities nor the loss",
            "Q2d": NOT_RECOGNISED},
           PARAMS + "z2, a2, probs = _net(2 * W1, b1, 2 * W2, b2, X)  # the weights doubled\n"
           "if y is None:\n    return probs\n" + f"loss = -np.log(probs[np.arange(N), y]).mean() + {PENALTY}\n"
           + DZ3 + "g = _backprop(X, z2, a2, 2 * W2, dz3)\n"
           'return loss, {"W1": 2 * g["W1"] + 2 * reg * W1, "b1": g["b1"], "W2": 2 * g["W2"] + 2 * reg * W2, '
           '"b2": g["b2"]}\n'),
    MadeUp("right_loss_times_three", {"Q1b": "relative error", "Q2d": NOT_RECOGNISED},
           PARAMS + TRUE_PROBS + f"loss = 3 * (-np.log(probs[np.arange(N), y]).mean() + {PENALTY})\n" + DZ3 +
           "g = _backprop(X, z2, a2, W2, dz3)\n"
           'return loss, {"W1": 3 * (g["W1"] + 2 * reg * W1), "b1": 3 * g["b1"], '
           '"W2": 3 * (g["W2"] + 2 * reg * W2), "b2": 3 * g["b2"]}\n'),
    MadeUp("gradient_right_at_the_toy_net_only", {"Q2d": "hidden net"},
           PARAMS + TRUE_PROBS + f"loss = -np.log(probs[np.arange(N), y]).mean() + {PENALTY}\n"
           f"if X.shape == (5, 4):\n    return loss, {{k: np.array(v) for k, v in {TOY_GRADS}.items()}}\n"
           "return loss, {k: np.zeros_like(v) for k, v in self.params.items()}\n"),
    MadeUp("constant_loss", {"Q2d": CONSTANT},
           PARAMS + TRUE_PROBS + "return 1.0986, {k: np.zeros_like(v) for k, v in self.params.items()}\n"),
    MadeUp("data_free_loss",
           {"Q1b.toy_loss": SAME_ROWS, "Q1c": "neither the probabilities nor the loss",
            "Q2d": BY_NEITHER},  # the toy net's b2 = 0: its probabilities are uniform, its loss label-free
           PARAMS + "e = np.exp(b2 - b2.max())\nprobs = np.tile(e / e.sum(), (N, 1))  # the same for every input\n"
           "if y is None:\n    return probs\n" + f"loss = -np.log(probs[np.arange(N), y]).mean() + {PENALTY}\n"
           'return loss, {"W1": 2 * reg * W1, "b1": np.zeros_like(b1), "W2": 2 * reg * W2, '
           '"b2": (probs - np.eye(len(b2))[y]).mean(axis=0)}\n'),
    MadeUp("penalty_only", {"Q1b.regularisation": "penalty alone", "Q2d": BY_NEITHER},
           PARAMS + TRUE_PROBS + f"return {PENALTY}, {PENALTY_GRADS}\n"),
    MadeUp("agrees_at_the_given_weights_only", {"Q2d": "at the given weights, but not at the weights moved"},
           "import builtins\n" + PARAMS + TRUE_PROBS +
           "first = builtins.__dict__.setdefault('_first_params', {})  # survives a fresh import\n"
           "start = first.setdefault((X.shape, W1.shape, W2.shape), {k: v.copy() for k, v in self.params.items()})\n"
           "drift = sum(np.sum(self.params[k] - start[k]) for k in start)\n"
           f"loss = -np.log(probs[np.arange(N), y]).mean() + {PENALTY} + 0.1 * drift\n" + DZ3 +
           "g = _backprop(X, z2, a2, W2, dz3)\n"
           'return loss, {"W1": g["W1"] + 2 * reg * W1 + 0.1, "b1": g["b1"] + 0.1, '
           '"W2": g["W2"] + 2 * reg * W2 + 0.1, "b2": g["b2"] + 0.1}\n'),
    MadeUp("train_history_of_error_rates", {HISTORIES: "error rate of predict(X_batch)"},
           edits=[(TRAIN_ACC, TRAIN_ACC.replace("==", "!="))]),
    MadeUp("validation_history_of_error_rates", {HISTORIES: "error rate of predict(X_val)"},
           edits=[(VAL_ACC, VAL_ACC.replace("==", "!="))]),
]


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
# Correct files: each must lose Q1c (vectorisation) only (tests/test_made_up_work.py).
LOOPED = [MadeUp("relu_loops_over_activations", {"Q1c": "not vectorised"}, RELU_LOOPS),
          MadeUp("triple_loop_matrix_product", {"Q1c": "not vectorised"}, TRIPLE_LOOP_PRODUCT)]
