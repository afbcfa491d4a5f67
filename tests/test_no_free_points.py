"""No point for nothing: submissions that compute nothing, or hide the work, earn no point.

Each case injects code at the top of the reference's loss() (or replaces a method) and grades the
checks it attacks with the real engine: Q1c must not pay for zeros, NaN, a huge array or a line
count that was dodged; the toy checks must not pay for the published values returned as
constants; no check may count a NaN as a match.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from autograder.checks.compare import close
from autograder.engine import grade
from autograder.oracles.numerical import norm_relative_error, relative_error
from autograder.reporters.text import full_text
from grading_helpers import copy_solution, describe, mutate, selected
from mutants_table import TOY_PROBS

NET = "two_layer_net.py"
LOSS_DEF = "        W1, b1 = self.params[\"W1\"], self.params[\"b1\"]\n"


@dataclass(frozen=True)
class Cheat:
    name: str
    inject: str            # code inserted at the top of loss()
    zero: list[str]        # checks that must score 0
    paid: list[str]        # checks that must still pass (the cheat is confined)
    feedback: str          # text the first zero check's feedback or details contain
    prelude: str = ""      # code inserted after `import numpy as np` (module level)


LOOP_IN_HIDDEN_CODE = ('exec(compile("rows = []\\nfor i in range(X.shape[0]):\\n    rows.append(X[i] @ W1)\\n", '
                       '"<hidden>", "exec"), {"X": X, "W1": self.params["W1"]}, {})')

CHEATS = [
    Cheat("zeros_everywhere", "C = self.params['W2'].shape[1]\n"
          "        if y is None: return np.zeros((X.shape[0], C))\n"
          "        return 0.0, {k: np.zeros_like(v) for k, v in self.params.items()}",
          ["Q1c.vectorised"], [], "right: nothing"),
    Cheat("nan_everywhere", "C = self.params['W2'].shape[1]\n"
          "        if y is None: return np.full((X.shape[0], C), np.nan)\n"
          "        return float('nan'), {k: np.full_like(v, np.nan) for k, v in self.params.items()}",
          ["Q1c.vectorised", "Q1a.toy_probabilities", "Q1b.toy_loss", "Q2d.gradients"], [], "right: nothing"),
    Cheat("huge_array", "if y is None: return np.ones((X.shape[0], 5000))\n"
          "        return np.ones(10**6), {}", ["Q1c.vectorised"], [], "right: nothing"),
    Cheat("rebinds_settrace_and_loops", "rows = [X[i] @ self.params['W1'] for i in range(X.shape[0])]",
          ["Q1c.vectorised"], ["Q1a.toy_probabilities"], "not vectorised",
          prelude="import sys\nsys.settrace = lambda *args: None  # hide the loop from a tracer\n"),
    Cheat("switches_the_tracer_off", "import sys\n        sys.settrace(None)",
          ["Q1c.vectorised"], ["Q1a.toy_probabilities"], "line tracer"),
    Cheat("loop_compiled_under_another_name", LOOP_IN_HIDDEN_CODE,
          ["Q1c.vectorised"], ["Q1a.toy_probabilities"], "not vectorised"),
    Cheat("published_toy_values_as_constants",
          f"if X.shape == (5, 4) and y is None: return np.array({TOY_PROBS})\n"
          "        if X.shape == (5, 4) and reg == 0.05: return 1.30378789133, {}",
          ["Q1a.toy_probabilities", "Q1b.toy_loss"], ["Q1a.hidden_probabilities", "Q1b.hidden_loss"],
          "hard-coded"),
]


def _submission(tmp_path, cheat: Cheat):
    folder = copy_solution(tmp_path / "submission")
    replacements = [(LOSS_DEF, f"        {cheat.inject}\n{LOSS_DEF}")]
    if cheat.prelude:
        replacements.append(("import numpy as np\n", "import numpy as np\n" + cheat.prelude))
    mutate(folder, NET, replacements)
    return folder


@pytest.mark.parametrize("cheat", [pytest.param(c, id=c.name) for c in CHEATS])
def test_cheat_earns_nothing(tmp_path, cheat):
    """Does this submission score 0 on the checks it games, with a message saying why, and only there?"""
    report = grade(_submission(tmp_path, cheat), only=cheat.zero + cheat.paid)
    summary = f"{cheat.name}:\n{describe(report)}"
    for selector in cheat.zero:
        for result in selected(report, selector):
            assert result.points == 0 and result.status != "passed", summary
    first = selected(report, cheat.zero[0])[0]
    assert cheat.feedback in full_text(first), full_text(first)
    for selector in cheat.paid:
        for result in selected(report, selector):
            assert result.status == "passed", summary


def test_nan_gradients_and_no_update_earn_no_sgd_points(tmp_path):
    """Does a train() that never updates earn nothing, even when the student's gradients are NaN?"""
    folder = copy_solution(tmp_path / "submission")
    mutate(folder, NET, [("self.params[name] -= learning_rate * grad", "pass  # never update"),
                         ('grads["b1"] = dz2.sum(axis=0)', 'grads = {k: np.full_like(v, np.nan) for k, v in self.params.items()}')])
    report = grade(folder, only=["Q3a.sgd_update", "Q3a.toy_training"])
    for result in report.results:
        assert result.points == 0, describe(report)
    [sgd] = selected(report, "Q3a.sgd_update")
    assert "never changes" in sgd.feedback, sgd.feedback


def test_backward_bug_keeps_vectorisation_points_and_says_what_was_right(tmp_path):
    """Does a vectorised loss() with a wrong backward pass keep Q1c, naming the right parts?"""
    folder = copy_solution(tmp_path / "submission")
    mutate(folder, NET, [("dz2 *= z2 > 0 ", "pass  ")])
    [result] = grade(folder, only=["Q1c"]).results
    assert result.status == "passed", result.feedback
    assert "right for N=400: probabilities, loss; wrong: gradients" in result.hint, result.hint


def test_nan_never_matches():
    """Does a NaN never compare as a match, on either side, in close() and the error measures?"""
    nan = np.array([1.0, np.nan])
    assert not close("x", np.array([1.0, 2.0]), nan, 1e-3).ok
    assert not close("x", nan, nan, 1e-3).ok
    assert relative_error(np.array([1.0, 2.0]), nan)[0] == np.inf
    assert norm_relative_error(nan, nan) == np.inf
    assert not np.isfinite(relative_error(np.array([np.nan]), np.array([np.nan]))[0])
