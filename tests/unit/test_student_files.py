"""The skeleton a student reads: the exercise sheet's names, the budgets it is held to, the TODOs
where they are expected, and no filler."""
from __future__ import annotations

import re

from autograder.course import COURSE
from grading_helpers import STUDENT


def test_hyperparams_state_both_budgets_with_their_formulas():
    """Does hyperparams.py state both compute budgets, with the 3072 input width, as the checks enforce them?"""
    text = (STUDENT / "hyperparams.py").read_text()
    assert "num_iters * batch_size * (3072 * H + H * 10)" in text
    assert "epochs * 49,000 * (3072 * H1 + H1 * H2 + ... + H_last * 10)" in text
    for limit in (COURSE.question(q).cifar.max_macs for q in ("Q3b", "Q4b")):
        stated = f"{limit:.1e}".replace("e+", "e")  # 3.5e11, as a person writes it
        assert f"<= {stated}" in text, f"the budget {stated} is not stated"


def test_two_layer_net_speaks_the_sheets_names():
    """Does the skeleton name the forward quantities z2, a2, z3 and probs, as the derivations do?"""
    text = (STUDENT / "two_layer_net.py").read_text()
    for name in ("z2 = X W1 + b1", "a2 = ReLU(z2)", "z3 = a2 W2 + b2", "probs = softmax(z3)"):
        assert name in text, name
    assert not re.search(r"\b(z1|a1|dz1)\b", text), "a name the sheet does not use"


def test_q1b_todo_states_the_loss_variable():
    """Does the Q1b TODO say that the loss must stay in the variable `loss` (the grader reads it)?"""
    text = (STUDENT / "two_layer_net.py").read_text()
    todo = text[text.index("# TODO(Q1b)"):text.index("raise NotImplementedError(\"Q1b")]
    assert "variable `loss`" in todo and "grader reads" in todo, todo


def test_mlp_starts_with_the_exercise_and_has_no_filler():
    """Is the first TODO of mlp.py near the top (scaffolding imported from datasets/torch_data.py), without 'Shapes: none'?"""
    lines = (STUDENT / "mlp.py").read_text().splitlines()
    first_todo = next(i for i, line in enumerate(lines) if "# TODO(" in line)
    assert first_todo < 45, f"the first TODO is on line {first_todo + 1}"
    assert any("from datasets.torch_data import" in line for line in lines)
    assert not any("Shapes: none" in line for line in lines)
    assert not any("class CIFARArrays" in line for line in lines)
