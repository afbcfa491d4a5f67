"""Published reference values of the exercise's toy problem (HLCV Exercise 2 / CS231n lineage).

The toy net: D=4, H=10, C=3, N=5, std=0.1, params drawn after np.random.seed(0) in the order
W1, b1 (zeros), W2, b2 (zeros); X = 10 * randn(5, 4) after np.random.seed(1); y = [0, 1, 2, 2, 1].
"""
from __future__ import annotations

import numpy as np

TOY_INPUT_SIZE, TOY_HIDDEN_SIZE, TOY_CLASSES, TOY_SAMPLES = 4, 10, 3, 5
TOY_FIRST_ROW_PROBS = np.array([0.36446210, 0.22911264, 0.40642526])
TOY_LAST_ROW_PROBS = np.array([0.36328815, 0.32279939, 0.31391246])
TOY_LOSS_AT_REG_005 = 1.30378789133   # mean cross-entropy + 0.05 * (sum W1^2 + sum W2^2), no 1/2
TOY_TRAIN_FINAL_LOSS_BELOW = 0.02      # lr 0.1, reg 5e-6, 100 iterations


def toy_problem() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """The toy net's params, X (5, 4) and y (5,), exactly as the exercise builds them.

    RandomState(seed) draws what np.random.seed(seed) + np.random.randn would, without touching
    numpy's global generator, which the grader's threads share.
    """
    model_rng = np.random.RandomState(0)
    params = {
        "W1": 0.1 * model_rng.randn(TOY_INPUT_SIZE, TOY_HIDDEN_SIZE),
        "b1": np.zeros(TOY_HIDDEN_SIZE),
        "W2": 0.1 * model_rng.randn(TOY_HIDDEN_SIZE, TOY_CLASSES),
        "b2": np.zeros(TOY_CLASSES),
    }
    X = 10 * np.random.RandomState(1).randn(TOY_SAMPLES, TOY_INPUT_SIZE)
    y = np.array([0, 1, 2, 2, 1])
    return params, X, y
