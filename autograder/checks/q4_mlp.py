"""Q4a (mlp.py): the MultiLayerPerceptron's architecture, and torch-equivalence with the numpy net."""
from __future__ import annotations

import numpy as np

from ..catalogue import check
from ..oracles import torch_oracle
from ..oracles.reference_net import PARAM_NAMES
from ..outcome import Comparison, Outcome
from ..probes import mlp as mlp_probes
from ..probes.mlp import Architecture
from ..sandbox import TORCH
from .cases import hidden_case
from .compare import close, first_failure

CONFIGS = ([7], [9, 5], [8, 6, 4], [5, 4, 3, 6])   # hidden_layers of depth 1 to 4
NUM_CLASSES = 10


def _forward(x: np.ndarray, weights: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Linear -> ReLU for every hidden layer, then a last Linear; x (N, 3072) -> (N, C)."""
    for W, b in weights[:-1]:
        x = np.maximum(x @ W.T + b, 0)
    W, b = weights[-1]
    return x @ W.T + b


def _diagnose(logits: np.ndarray, x: np.ndarray, weights) -> str:
    if logits.ndim == 2 and np.allclose(logits.sum(axis=1), 1.0, atol=1e-5) and np.all(logits >= 0):
        return "forward() must return raw logits: nn.CrossEntropyLoss applies the softmax itself."
    linear_only = x
    for W, b in weights:
        linear_only = linear_only @ W.T + b
    if logits.shape == linear_only.shape and np.allclose(logits, linear_only, rtol=1e-4, atol=1e-5):
        return "there is no ReLU between the Linear layers."
    if logits.shape == linear_only.shape and np.allclose(logits, np.maximum(_forward(x, weights), 0), rtol=1e-4, atol=1e-5):
        return "a ReLU follows the last Linear layer; the logits must be able to go negative."
    return "build Linear(in, h) -> ReLU for each width in hidden_layers, then Linear(last, num_classes)."


@check("Q4a", time_limit_s=60.0)
def architecture(ctx) -> Outcome:
    """MultiLayerPerceptron honours hidden_layers of depth 1-4 and returns logits for images and flat input"""
    rng = ctx.rng("images")
    images = rng.randn(6, 3, 32, 32).astype(np.float32)
    got = ctx.probe(mlp_probes.architecture, Architecture(images, [list(c) for c in CONFIGS], NUM_CLASSES), TORCH)
    flat = images.reshape(len(images), -1).astype(np.float64)
    passed, lines, first_problem = 0, [], ""  # lines: one Comparison per config
    for hidden, model in zip(CONFIGS, got.models):
        widths = [3072, *hidden, NUM_CLASSES]
        expected_shapes = [(b, a) for a, b in zip(widths[:-1], widths[1:])]
        shapes = [tuple(layer.weight.shape) for layer in model.layers]
        problem = ""
        if shapes != expected_shapes:
            problem = (f"hidden_layers={hidden}: Linear weight shapes {shapes}, expected {expected_shapes} "
                       "(weight is (out, in); one Linear per width, then one to num_classes)")
        else:
            weights = [(layer.weight, layer.bias) for layer in model.layers]
            expected = _forward(flat, weights)
            result = close(f"hidden_layers={hidden}: logits of images", model.logits_images, expected, 1e-4)
            flat_result = close(f"hidden_layers={hidden}: logits of flat input", model.logits_flat, expected, 1e-4)
            if not result.ok:
                problem = result.message + "; " + _diagnose(model.logits_images, flat, weights)
            elif not flat_result.ok:
                problem = flat_result.message + "; flatten with x.reshape(x.shape[0], -1) so (N, D) also works"
        lines.append(Comparison(not problem, problem or f"hidden_layers={hidden}"))
        first_problem = first_problem or problem
        passed += not problem
    return Outcome(passed / len(CONFIGS), "all depths build and compute the right logits" if not first_problem
                   else first_problem, data={"configs_passed": passed}, comparisons=lines)


@check("Q4a", files=("mlp.py", "two_layer_net.py"), time_limit_s=60.0)
def torch_equivalence(ctx) -> Outcome:
    """With the same weights, MultiLayerPerceptron(D, [H], C) and your TwoLayerNet agree with torch"""
    case = hidden_case(ctx.rng("equivalence"), (9, 12, 7, 5), "an equivalence net")
    reg = 0.05
    got = ctx.probe(mlp_probes.equivalence, case.with_reg(reg), TORCH)
    truth = torch_oracle.two_layer_net(case.params, case.X, case.y, reg)
    mlp_side = [close("MLP softmax(logits)", got.mlp.probs, truth["probs"], 1e-9),
                close("MLP loss", np.array(got.mlp.loss), np.array(truth["loss"]), 1e-9)]
    mlp_side += [close(f"MLP autograd grad {k}", got.mlp.grads[k], truth["grads"][k], 1e-8) for k in PARAM_NAMES]
    mlp_first = first_failure(mlp_side)
    numpy_side: list[Comparison] = []
    if got.numpy_error is not None:
        numpy_note = f"your numpy TwoLayerNet could not run: {got.numpy_error}"
    else:
        numpy_side = [close("numpy probabilities", got.numpy.probs, truth["probs"], 1e-9),
                      close("numpy loss", np.array(got.numpy.loss), np.array(truth["loss"]), 1e-9)]
        numpy_side += [close(f"numpy grads[{k!r}]", got.numpy.grads[k], truth["grads"][k], 1e-8)
                       for k in PARAM_NAMES if got.numpy.grads is not None]
        numpy_first = first_failure(numpy_side)
        numpy_note = ("your numpy TwoLayerNet agrees with torch too" if numpy_first is None else
                      f"your numpy TwoLayerNet disagrees with torch ({numpy_first.message}): see Q1 and Q2d")
    comparisons = mlp_side + numpy_side  # named "MLP ..." and "numpy ..."
    if mlp_first is None:
        return Outcome.passed(f"the MLP matches torch; {numpy_note}", comparisons=comparisons)
    return Outcome.failed(f"the MLP disagrees with the grader's torch oracle ({mlp_first.message}); {numpy_note}",
                          comparisons=comparisons)
