"""How far apart vectorised and per-sample loss() implementations sit on the Q1c check.

Runs the Q1c probe in-process (trusted code only: the solution and two per-sample variants
written here) on the check's own inputs, and prints the extra Python lines the large batch runs
(what the check scores, against its limit) and the time ratio large/small batch (information: it
shows why timing alone would be a noisy judge). Numbers only.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import autograder  # noqa: E402,F401  (pins every BLAS thread count to 1 before numpy loads)

import numpy as np  # noqa: E402

from autograder.checks.cases import NetCase, hidden_case  # noqa: E402
from autograder.checks.q1_vectorised import MAX_EXTRA_LINES, N_SMALL, SIZES, vectorisation_inputs  # noqa: E402
from autograder.probes.two_layer_net import vectorisation  # noqa: E402
from autograder.sandbox.student_code import Submission  # noqa: E402

HEADER = '''
import numpy as np

class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        self.params = {"W1": std * np.random.randn(input_size, hidden_size), "b1": np.zeros(hidden_size),
                       "W2": std * np.random.randn(hidden_size, output_size), "b2": np.zeros(output_size)}
'''

# A per-sample loss() as a student might first write it: the same maths, one row at a time.
PER_SAMPLE = HEADER + '''
    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        probs, loss = [], 0.0
        for i in range(X.shape[0]):
            z1 = X[i] @ W1 + b1
            a1 = np.maximum(z1, 0)
            z3 = a1 @ W2 + b2
            p = np.exp(z3 - z3.max()); p /= p.sum()
            probs.append(p)
            if y is None:
                continue
            loss -= np.log(p[y[i]]) / X.shape[0]
            d3 = p.copy(); d3[y[i]] -= 1; d3 /= X.shape[0]
            grads["W2"] += np.outer(a1, d3); grads["b2"] += d3
            d1 = (d3 @ W2.T) * (z1 > 0)
            grads["W1"] += np.outer(X[i], d1); grads["b1"] += d1
        if y is None:
            return np.array(probs)
        loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        grads["W1"] += 2 * reg * W1; grads["W2"] += 2 * reg * W2
        return loss, grads
'''

# Vectorised everywhere except the data loss, summed one sample at a time (the subtlest loop).
DATA_LOSS_LOOP = HEADER + '''
    def loss(self, X, y=None, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        z1 = X @ W1 + b1
        a1 = np.maximum(z1, 0)
        z3 = a1 @ W2 + b2
        e = np.exp(z3 - z3.max(axis=1, keepdims=True))
        probs = e / e.sum(axis=1, keepdims=True)
        if y is None:
            return probs
        loss = 0.0
        for i in range(X.shape[0]):
            loss -= np.log(probs[i, y[i]])
        loss = loss / X.shape[0] + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        d3 = probs.copy()
        d3[np.arange(X.shape[0]), y] -= 1
        d3 /= X.shape[0]
        d1 = (d3 @ W2.T) * (z1 > 0)
        grads = {"W1": X.T @ d1 + 2 * reg * W1, "b1": d1.sum(axis=0),
                 "W2": a1.T @ d3 + 2 * reg * W2, "b2": d3.sum(axis=0)}
        return loss, grads
'''






def measure(folder: Path) -> tuple[int, float]:
    """(extra lines, time ratio large/small) of folder's two_layer_net.py on Q1c's inputs."""
    sys.modules.pop("two_layer_net", None)
    case = hidden_case(np.random.RandomState(0), SIZES, "vectorisation net", avoid_kinks=False)
    small = NetCase("small batch", case.params, case.X[:N_SMALL], case.y[:N_SMALL])
    got = vectorisation(vectorisation_inputs([small, case]), Submission(folder))
    return got["lines_1"] - got["lines_0"], got["seconds_1"] / got["seconds_0"]


def main() -> None:
    rows = [("solution (vectorised)", measure(ROOT / "solution"))]
    for name, source in (("per-sample loop", PER_SAMPLE), ("loop in the data loss only", DATA_LOSS_LOOP)):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "two_layer_net.py").write_text(source)
            rows.append((name, measure(Path(tmp))))
    print(f"Q1c: loss() on N={N_SMALL} and N={SIZES[0]} (D={SIZES[1]}, H={SIZES[2]}, C={SIZES[3]}); "
          f"fails above +{MAX_EXTRA_LINES} lines")
    print(f"  {'implementation':28s} {'extra lines':>12s} {'time ratio':>11s}")
    for name, (extra, ratio) in rows:
        print(f"  {name:28s} {extra:+12d} {ratio:10.1f}x")


if __name__ == "__main__":
    main()
