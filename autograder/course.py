"""The course: every question of Exercise 2 and the settings an instructor changes each year.

This is the one file to edit to move a point, change a threshold or a budget, or add a question
(then also write its check-and-probe module in autograder/checks/ and its solution region in
solution/; `make student` regenerates student/). Everything else reads it: the catalogue, the
sandbox's routing, the notebook's points, Gradescope's scores and leaderboard, the gradebook, the
README tables (a test compares them). `python -m autograder questions` prints it. A value that
cannot work stops the grader with a message naming it (registry.CourseSettingsError).
"""
from __future__ import annotations

from .registry import Cifar, Column, Course, Points, Question

QUESTIONS = (
    Question("Q0", "chain rule warm-up", "chain_rule.py", "q0_chain_rule",
             (Points("values", 0.5), Points("gradient", 1.5))),
    Question("Q1a", "forward pass", "two_layer_net.py", "q1_forward",
             (Points("toy_probabilities", 1.5), Points("hidden_probabilities", 1.5),
              Points("stable_softmax", 0.5), Points("predict_labels", 0.5))),
    Question("Q1b", "loss", "two_layer_net.py", "q1_loss",
             (Points("toy_loss", 2.0), Points("hidden_loss", 1.5), Points("regularisation", 0.5))),
    Question("Q1c", "vectorised loss", "two_layer_net.py", "q1_vectorised", (Points("vectorised", 2.0),)),
    Question("Q2a", "derivation of dJ/dz3", "exercise2.ipynb", hand_points=2.0, hand_cell="answer_Q2a"),
    Question("Q2b", "derivation of dJ/dW2", "exercise2.ipynb", hand_points=2.0, hand_cell="answer_Q2b"),
    Question("Q2c", "derivations of dJ/dW1, db1, db2", "exercise2.ipynb", hand_points=6.0, hand_cell="answer_Q2c"),
    Question("Q2d", "backward pass", "two_layer_net.py", "q2_backward", (Points("gradients", 5.0),)),
    Question("Q3a", "SGD training", "two_layer_net.py", "q3_training",
             (Points("toy_training", 2.0), Points("sgd_update", 2.0), Points("minibatches_and_histories", 1.0))),
    # The tuning report in the notebook is read by a person and carries no points of its own.
    Question("Q3b", "CIFAR-10 tuning of the numpy net", "hyperparams.py", "q3_cifar",
             (Points("cifar_accuracy", 5.0),), hand_cell="report_Q3b",
             # The solution's settings (H=100, 5000 x 200) use 3.1e11 multiply-adds, ~27 s on one core
             # of the course machine; the cap leaves a little room while both trainings, running side
             # by side, keep the whole grade near a minute.
             cifar=Cifar("cifar_accuracy", full_at=0.48, zero_at=0.40, max_macs=3.5e11, time_limit_s=150.0),
             leaderboard=(Column("cifar_accuracy", "numpy net test accuracy (%)"),)),
    Question("Q4a", "PyTorch MLP", "mlp.py", "q4_mlp",
             (Points("architecture", 2.0), Points("torch_equivalence", 1.0)), needs_torch=True),
    Question("Q4b", "MLP training and evaluation", "mlp.py", "q4_training",
             (Points("two_training_steps", 1.0), Points("evaluation", 0.5), Points("cifar_accuracy", 1.5)),
             needs_torch=True,
             # The solution's settings ([200, 200], 7 epochs) use 2.3e11, ~20-25 s on one core.
             cifar=Cifar("cifar_accuracy", full_at=0.50, zero_at=0.42, max_macs=3.0e11, time_limit_s=150.0),
             leaderboard=(Column("cifar_accuracy", "PyTorch MLP test accuracy (%)"),)),
    # Its 4 points are a person's (formgrader or Gradescope); the check only says whether the table
    # is complete, at 0 points.
    Question("Q4c", "depth study", "mlp.py", "q4_depth_study", (Points("depth_study_table", 0.0),),
             hand_points=4.0, hand_cell="answer_Q4c", needs_torch=True),
)

COURSE = Course(QUESTIONS,
                time_scale=1.0)  # multiplies every time limit; 3 on a slow runner (--time-scale overrides it)
