"""How far apart a vectorised and a per-sample loss() sit on the Q1c timing check.

Runs the Q1c probe in-process (trusted code only: the solution and a per-sample variant built
from it here) on the check's own input sizes, and prints the ratio student / matrix products for
both, against the check's limit. Numbers only.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from autograder.checks.cases import hidden_case  # noqa: E402
from autograder.checks.q1_vectorised import MAX_RATIO, REPEATS, SIZES  # noqa: E402
from autograder.sandbox.probes import Submission  # noqa: E402
from autograder.sandbox.probes.two_layer_net import timing  # noqa: E402

# A per-sample loss() as a student might first write it: the same maths, one row at a time.
PER_SAMPLE = '''
import numpy as np

class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        self.params = {"W1": std * np.random.randn(input_size, hidden_size), "b1": np.zeros(hidden_size),
                       "W2": std * np.random.randn(hidden_size, output_size), "b2": np.zeros(output_size)}

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


def ratio(folder: Path) -> float:
    import importlib
    sys.modules.pop("two_layer_net", None)
    importlib.invalidate_caches()
    case = hidden_case(np.random.RandomState(0), SIZES, "timing net", avoid_kinks=False)
    got = timing(case.inputs(repeats=REPEATS), Submission(folder))
    return got["student_s"] / got["floor_s"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        looped = Path(tmp)
        (looped / "two_layer_net.py").write_text(PER_SAMPLE)
        rows = [("solution (vectorised)", ratio(ROOT / "solution")), ("per-sample loop", ratio(looped))]
    print(f"Q1c on N={SIZES[0]}, D={SIZES[1]}, H={SIZES[2]}, C={SIZES[3]}; limit {MAX_RATIO:.0f}x the matrix products")
    for name, value in rows:
        print(f"  {name:24s} {value:8.1f}x")


if __name__ == "__main__":
    main()
