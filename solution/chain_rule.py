"""Q0: the chain rule on the lecture's example, written with numpy and no Python loops.

    g(x) = (g_1(x), ..., g_P(x)),   g_p(x) = sum_q W[p, q] * x_q^2
    f(y) = sum_p y_p^2

so f(g(x)) is a scalar function of x, and by the chain rule

    d f(g(x)) / d x_k = sum_j (d f / d y_j) * (d g_j / d x_k) = sum_j 2 g_j(x) * 2 W[j, k] x_k
                      = 4 x_k sum_j W[j, k] g_j(x).

Shapes: W (P, Q), x (Q,), y (P,).
"""
from __future__ import annotations

import numpy as np


def g(W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The inner function g(x).

    Inputs:
    - W: (P, Q) weights.
    - x: (Q,) input vector.

    Returns:
    - y: (P,) with y[p] = sum_q W[p, q] * x[q] ** 2.
    """
    # TODO(Q0): compute g(x), the vector with g_p(x) = sum_q W[p, q] * x_q^2.
    # Shapes: W (P, Q), x (Q,) -> (P,).
    # Hint: square x elementwise, then one matrix-vector product; no Python loop.
    ### BEGIN SOLUTION
    return W @ (x * x)  # (P,)
    ### END SOLUTION


def f(y: np.ndarray) -> float:
    """The outer function f(y) = sum_p y_p^2.

    Inputs:
    - y: (P,) vector.

    Returns:
    - f(y) as a Python float.
    """
    # TODO(Q0): compute f(y) = sum_p y_p^2 and return it as a Python float.
    # Shapes: y (P,) -> scalar.
    # Hint: np.dot(y, y) or np.sum(y ** 2); wrap it in float(...).
    ### BEGIN SOLUTION
    return float(np.dot(y, y))
    ### END SOLUTION


def grad_f_of_g(W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The analytic gradient of f(g(x)) with respect to x.

    Inputs:
    - W: (P, Q) weights.
    - x: (Q,) input vector.

    Returns:
    - grad: (Q,) with grad[k] = 4 * x[k] * sum_j W[j, k] * g_j(x).
    """
    # TODO(Q0): compute the gradient of f(g(x)) w.r.t. x with the chain rule.
    # Shapes: df/dy = 2 g(x) is (P,); dg_j/dx_k = 2 W[j, k] x_k; the result is (Q,).
    # Hint: reuse g(); the sum over j is a product with W transposed, then scale elementwise by x.
    ### BEGIN SOLUTION
    y = g(W, x)  # (P,)
    return 4.0 * x * (W.T @ y)  # (Q,)
    ### END SOLUTION
