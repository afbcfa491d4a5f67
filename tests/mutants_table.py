"""The mutants of the mutation tests: one realistic bug each, as textual edits of solution/.

Each row names the questions or checks the bug must lose (`lose`), those it must keep (`keep`;
by default every other quick question of the mutated file, so a row proves that the bug costs
its own question and no other), and a word its feedback must contain per check (`feedback`).
Every old snippet must occur exactly once in solution/, so a change there fails loudly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

NET, MLP, CHAIN = "two_layer_net.py", "mlp.py", "chain_rule.py"
# The quick questions (or checks) of each file: never the CIFAR-10 trainings.
FILE_QUESTIONS = {NET: ("Q1a", "Q1b", "Q1c", "Q2d", "Q3a"),
                  MLP: ("Q4a", "Q4b.two_training_steps", "Q4b.evaluation"),
                  CHAIN: ("Q0",)}


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    replacements: list[tuple[str, str]]
    lose: list[str]                      # questions or check ids that must lose points
    feedback: dict[str, str]             # check id -> text its feedback or details contain
    keep: list[str] = field(default_factory=list)  # empty: every other quick question of the file
    xfail: str = ""                      # why the grader misses this bug (a strict xfail)

    def kept(self) -> list[str]:
        """What must keep full marks: `keep`, or every quick question of the file not in `lose`."""
        if self.keep:
            return self.keep

        def touched(candidate: str) -> bool:  # lost itself, inside a lost question, or holding a lost check
            return any(candidate == lost or candidate.startswith(lost + ".") or lost.startswith(candidate + ".")
                       for lost in self.lose)

        return [q for q in FILE_QUESTIONS[self.file] if not touched(q)]


# The toy net's probabilities as published with the exercise (all five rows).
TOY_PROBS = ("[[0.3644621041023232, 0.22911263803827736, 0.40642525785939937], "
             "[0.47590629264916084, 0.1721703914527796, 0.3519233158980596], "
             "[0.43035767042564177, 0.2616422901219176, 0.30800003945244053], "
             "[0.41583127143734566, 0.2983227959621495, 0.2858459326005048], "
             "[0.3632881516682194, 0.3227993882029676, 0.31391246012881296]]")

DATA_LOSS = "data_loss = -np.log(probs[np.arange(N), y]).mean()"
REG_LOSS = "reg_loss = reg * (np.sum(W1 * W1) + np.sum(W2 * W2))"
RELU_MASK = "dz2 *= z2 > 0 "
DZ3_SCALE = "dz3 *= 1.0 / N"
GRAD_W2 = 'grads["W2"] = a2.T @ dz3 + (2.0 * reg) * W2'
GRAD_W1 = 'grads["W1"] = X.T @ dz2 + (2.0 * reg) * W1'
GRAD_B2 = 'grads["b2"] = dz3.sum(axis=0)'
GRAD_B1 = 'grads["b1"] = dz2.sum(axis=0)'
FORWARD_PRODUCTS = ("z2 = X @ W1 + b1                                    # (N, H)\n"
                    "        a2 = np.maximum(z2, 0)                              # (N, H)\n"
                    "        z3 = a2 @ W2 + b2                                   # (N, C)\n")
DATA_LOSS_LOOP = ("data_loss = 0.0\n"
                  "        for i in range(N):  # one sample at a time\n"
                  "            data_loss += -np.log(probs[i, y[i]])\n"
                  "        data_loss /= N")
RETURN_PROBS = "if y is None:\n            return probs"
DRAW = "idx = np.random.choice(num_train, batch_size)  # (B,)"
STEP = "self.params[name] -= learning_rate * grad"
DECAY = "                learning_rate *= learning_rate_decay\n"
PREDICT = "return np.argmax(self.loss(X), axis=1)"
FINITE_DIFFERENCES_W2 = (
    "def value(W):  # the loss as a function of W2\n"
    "            s = np.maximum(X @ W1 + b1, 0) @ W + b2\n"
    "            p = np.exp(s - s.max(axis=1, keepdims=True))\n"
    "            p /= p.sum(axis=1, keepdims=True)\n"
    "            return -np.log(p[np.arange(N), y]).mean() + reg * (np.sum(W1 * W1) + np.sum(W * W))\n"
    '        grads["W2"] = np.zeros_like(W2)\n'
    "        for index in np.ndindex(*W2.shape):  # finite differences, entry by entry\n"
    "            step = np.zeros_like(W2)\n"
    "            step[index] = 1e-5\n"
    '            grads["W2"][index] = (value(W2 + step) - value(W2 - step)) / 2e-5')
SGD, DRAWS = "Q3a.sgd_update", "Q3a.minibatches_and_histories"
TRAIN_ACC = "train_acc = (self.predict(X_batch) == y_batch).mean()"
VAL_ACC = "val_acc = (self.predict(X_val) == y_val).mean()"

FORWARD_AND_LOSS = [
    Mutant("returns_logits_not_probabilities", NET, [(RETURN_PROBS, "if y is None:\n            return a2 @ W2 + b2")],
           lose=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1a.stable_softmax"],
           keep=["Q1a.predict_labels", "Q1b", "Q1c", "Q2d", "Q3a"],
           feedback={"Q1a.toy_probabilities": "the rows do not sum to 1"}),
    Mutant("softmax_without_max_subtraction", NET,
           [("        z3 = z3 - z3.max(axis=1, keepdims=True)             # (N, C), every row's max is 0\n", "")],
           lose=["Q1a.stable_softmax"],
           keep=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1a.predict_labels", "Q1b", "Q1c",
                 "Q2d", "Q3a"], feedback={"Q1a.stable_softmax": "subtract each row's maximum"}),
    Mutant("hard_coded_toy_probabilities", NET,
           [(RETURN_PROBS, "if y is None:\n            if X.shape == (5, 4):\n"
                           f"                return np.array({TOY_PROBS})\n"
                           "            return np.full((N, W2.shape[1]), 1.0 / W2.shape[1])")],
           lose=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1a.stable_softmax"],
           keep=["Q1b", "Q1c", "Q2d", "Q3a"], feedback={"Q1a.toy_probabilities": "hard-coded"}),
    Mutant("predict_returns_max_probability", NET, [(PREDICT, "return np.max(self.loss(X), axis=1)")],
           lose=["Q1a.predict_labels"],
           keep=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1b", "Q1c", "Q2d", "Q3a"],
           feedback={"Q1a.predict_labels": "np.argmax over axis 1"}),
    Mutant("predict_argmax_over_samples", NET, [(PREDICT, "return np.argmax(self.loss(X), axis=0)")],
           lose=["Q1a.predict_labels"],
           keep=["Q1a.toy_probabilities", "Q1a.hidden_probabilities", "Q1b", "Q1c", "Q2d", "Q3a"],
           feedback={"Q1a.predict_labels": "expected shape"}),
    Mutant("forward_without_b2", NET, [("z3 = a2 @ W2 + b2 ", "z3 = a2 @ W2 ")],
           lose=["Q1a.hidden_probabilities", "Q1c", "Q2d"], keep=["Q1b", "Q3a"],
           feedback={"Q1a.hidden_probabilities": "add both biases", "Q1b.hidden_loss": "known mistake (no b2",
                     "Q2d.gradients": "no b2 in the output layer"}),
    Mutant("loss_sum_instead_of_mean", NET, [(DATA_LOSS, DATA_LOSS.replace(".mean()", ".sum()"))],
           lose=["Q1b"], feedback={"Q1b.toy_loss": "the mean over the N samples", "Q2d.gradients": "Q1b"}),
    Mutant("half_reg_penalty", NET, [(REG_LOSS, REG_LOSS.replace("reg * (", "0.5 * reg * ("))],
           lose=["Q1b.toy_loss", "Q1b.hidden_loss", "Q1b.regularisation"],
           feedback={"Q1b.regularisation": "no factor 1/2", "Q1b.toy_loss": "no factor 1/2"}),
    Mutant("regularises_biases", NET,
           [(REG_LOSS, REG_LOSS.replace("np.sum(W2 * W2))", "np.sum(W2 * W2) + np.sum(b1 * b1) + np.sum(b2 * b2))"))],
           lose=["Q1b.hidden_loss", "Q1b.regularisation"], feedback={"Q1b.regularisation": "biases are not regularised"}),
    Mutant("penalty_divided_by_n", NET, [(REG_LOSS, REG_LOSS + " / N")],
           lose=["Q1b"], feedback={"Q1b.regularisation": "do not divide the penalty by N"}),
    Mutant("l1_penalty", NET, [(REG_LOSS, "reg_loss = reg * (np.sum(np.abs(W1)) + np.sum(np.abs(W2)))")],
           lose=["Q1b"], feedback={"Q1b.regularisation": "relative error"}),
    Mutant("loss_without_log", NET, [(DATA_LOSS, "data_loss = -probs[np.arange(N), y].mean()")],
           lose=["Q1b"], feedback={"Q1b.toy_loss": "-mean(log probs"}),
    # One misunderstanding carried through the loss and its gradient: a recognised loss mistake,
    # so the gradient of that loss keeps Q2d (checks/upstream.py) and the mistake costs Q1b only.
    Mutant("half_penalty_in_loss_and_gradient", NET,
           [(REG_LOSS, REG_LOSS.replace("reg * (", "0.5 * reg * (")),
            (GRAD_W2, GRAD_W2.replace("(2.0 * reg)", "reg")), (GRAD_W1, GRAD_W1.replace("(2.0 * reg)", "reg"))],
           lose=["Q1b"], feedback={"Q1b.regularisation": "no factor 1/2", "Q2d.gradients": "penalty halved"}),
    Mutant("summed_loss_and_its_gradient", NET,
           [(DATA_LOSS, DATA_LOSS.replace(".mean()", ".sum()")), (DZ3_SCALE, "pass  # the loss is a sum")],
           lose=["Q1b"], feedback={"Q1b.toy_loss": "the mean over the N samples", "Q2d.gradients": "summed over"}),
    Mutant("biases_regularised_in_loss_and_gradient", NET,
           [(REG_LOSS, REG_LOSS.replace("np.sum(W2 * W2))", "np.sum(W2 * W2) + np.sum(b1 * b1) + np.sum(b2 * b2))")),
            (GRAD_B2, GRAD_B2 + " + (2.0 * reg) * b2"), (GRAD_B1, GRAD_B1 + " + (2.0 * reg) * b1")],
           lose=["Q1b.hidden_loss", "Q1b.regularisation"],
           feedback={"Q1b.regularisation": "biases are not regularised", "Q2d.gradients": "biases regularised"}),
    Mutant("hard_coded_toy_loss_and_no_penalty", NET,
           [("loss = float(data_loss + reg_loss)", "loss = 1.30378789133 if X.shape == (5, 4) else float(data_loss)")],
           lose=["Q1b.toy_loss", "Q1b.hidden_loss", "Q1b.regularisation"], feedback={"Q1b.toy_loss": "hard-coded"}),
    Mutant("hard_coded_three_classes_in_loss", NET,
           [(DATA_LOSS, "data_loss = -np.sum(np.log(probs) * np.eye(3)[y]) / N")],
           lose=["Q1b.hidden_loss", "Q1b.regularisation", "Q2d"], keep=["Q1a", "Q1c", "Q3a"],
           feedback={"Q1b.hidden_loss": "IndexError"}),
    Mutant("python_loop_over_samples", NET,
           [(FORWARD_PRODUCTS, "z2 = np.empty((N, W1.shape[1]))\n"
                               "        a2 = np.empty_like(z2)\n"
                               "        z3 = np.empty((N, W2.shape[1]))\n"
                               "        for i in range(N):  # one sample at a time\n"
                               "            z2[i] = X[i] @ W1 + b1\n"
                               "            a2[i] = np.maximum(z2[i], 0)\n"
                               "            z3[i] = a2[i] @ W2 + b2\n"),
            (DATA_LOSS, DATA_LOSS_LOOP)],
           lose=["Q1c"], feedback={"Q1c.vectorised": "not vectorised"}),
    Mutant("python_loop_in_data_loss_only", NET, [(DATA_LOSS, DATA_LOSS_LOOP)],
           lose=["Q1c"], feedback={"Q1c.vectorised": "per sample"}),
    Mutant("comprehension_over_samples_in_forward", NET,
           [("z2 = X @ W1 + b1 ", "z2 = np.array([x @ W1 + b1 for x in X]) ")],
           lose=["Q1c"], feedback={"Q1c.vectorised": "loops over the samples"}),
]

BACKWARD = [
    Mutant("reg_gradient_halved", NET, [(GRAD_W2, GRAD_W2.replace("(2.0 * reg)", "reg")),
                                        (GRAD_W1, GRAD_W1.replace("(2.0 * reg)", "reg"))],
           lose=["Q2d"], feedback={"Q2d.gradients": "halved"}),
    Mutant("reg_gradient_missing_in_w1", NET, [(GRAD_W1, 'grads["W1"] = X.T @ dz2')],
           lose=["Q2d"], feedback={"Q2d.gradients": "without the 2 * reg * W1 term"}),
    Mutant("no_relu_mask_in_backward", NET, [(RELU_MASK, "pass  ")],
           lose=["Q2d"], feedback={"Q2d.gradients": "without the ReLU mask"}),
    Mutant("relu_mask_multiplied_by_activation", NET, [(RELU_MASK, "dz2 *= a2     ")],
           lose=["Q2d"], feedback={"Q2d.gradients": "multiplied by the activation"}),
    Mutant("relu_mask_from_upstream_gradient", NET, [(RELU_MASK, "dz2 *= dz2 > 0")],
           lose=["Q2d"], feedback={"Q2d.gradients": "upstream gradient"}),
    Mutant("b2_summed_over_classes", NET, [(GRAD_B2, GRAD_B2.replace("axis=0", "axis=1"))],
           lose=["Q2d"], feedback={"Q2d.gradients": "summed over the classes"}),
    Mutant("b1_summed_over_hidden_units", NET, [(GRAD_B1, GRAD_B1.replace("axis=0", "axis=1"))],
           lose=["Q2d"], feedback={"Q2d.gradients": "summed over the hidden units"}),
    Mutant("b2_summed_over_both_axes", NET, [(GRAD_B2, 'grads["b2"] = dz3.sum()')],
           lose=["Q2d"], feedback={"Q2d.gradients": "both axes"}),
    Mutant("b2_keeps_dims", NET, [(GRAD_B2, 'grads["b2"] = dz3.sum(axis=0, keepdims=True)')],
           lose=["Q2d"], feedback={"Q2d.gradients": "wrong shape"}),
    Mutant("transposed_dw1", NET, [(GRAD_W1, 'grads["W1"] = dz2.T @ X + (2.0 * reg) * W1.T')],
           lose=["Q2d"], feedback={"Q2d.gradients": "transpose"}),
    Mutant("transposed_dw2", NET, [(GRAD_W2, 'grads["W2"] = dz3.T @ a2 + (2.0 * reg) * W2.T')],
           lose=["Q2d"], feedback={"Q2d.gradients": "transpose"}),
    Mutant("dz3_not_divided_by_n", NET, [(DZ3_SCALE, "pass  # forgot / N")],
           lose=["Q2d"], feedback={"Q2d.gradients": "N = 5 times the data gradient"}),
    Mutant("dz3_divided_by_n_twice", NET, [(DZ3_SCALE, "dz3 *= 1.0 / (N * N)")],
           lose=["Q2d"], feedback={"Q2d.gradients": "1/N = 1/5 times"}),
    Mutant("dz3_doubled", NET, [(DZ3_SCALE, "dz3 *= 2.0 / N")],
           lose=["Q2d"], feedback={"Q2d.gradients": "2 times the data gradient"}),
    Mutant("dz3_halved", NET, [(DZ3_SCALE, "dz3 *= 0.5 / N")],
           lose=["Q2d"], feedback={"Q2d.gradients": "1/2 times the data gradient"}),
    Mutant("bias_gradient_regularised", NET, [(GRAD_B2, GRAD_B2 + " + (2.0 * reg) * b2")],
           lose=["Q2d"], feedback={"Q2d.gradients": "the biases are regularised"}),
    Mutant("hard_coded_three_classes_in_backward", NET, [("dz3[np.arange(N), y] -= 1", "dz3 -= np.eye(3)[y]")],
           lose=["Q2d"], feedback={"Q2d.gradients": "your code raised"}),
    Mutant("backward_raises_shape_error", NET, [("dz2 = dz3 @ W2.T ", "dz2 = dz3 @ W2   ")],
           lose=["Q2d"], feedback={"Q2d.gradients": "two_layer_net.py, line"}),
    Mutant("grads_without_b1", NET, [(GRAD_B1, "pass")],
           lose=["Q2d"], feedback={"Q2d.gradients": "no key 'b1'"}),
    Mutant("imports_torch_for_autograd", NET,
           [("import numpy as np\n", "import numpy as np\nimport torch  # autograd would write the backward pass\n")],
           lose=["Q2d"], feedback={"Q2d.gradients": "numpy only"}),
    Mutant("finite_differences_for_w2", NET, [(GRAD_W2, FINITE_DIFFERENCES_W2)],
           lose=["Q2d"], feedback={"Q2d.gradients": "finite differences"}),
]

TRAINING = [
    Mutant("sgd_step_ascends", NET, [(STEP, STEP.replace("-=", "+="))],
           lose=["Q3a.toy_training", SGD], feedback={SGD: "+= instead of -="}),
    Mutant("decay_every_iteration", NET,
           [(DECAY, ""), (STEP, STEP + "\n            learning_rate *= learning_rate_decay")],
           lose=[SGD], feedback={SGD: "decays every iteration"}),
    Mutant("no_learning_rate_decay", NET, [(DECAY, "")], lose=[SGD], feedback={SGD: "never decays"}),
    Mutant("update_only_the_weights", NET,
           [("for name, grad in grads.items():\n                self.params[name] -= learning_rate * grad",
             "for name in (\"W1\", \"W2\"):\n                self.params[name] -= learning_rate * grads[name]")],
           lose=[SGD], feedback={SGD: "params['b1'] never changes"}),
    Mutant("update_divided_by_batch_size", NET, [(STEP, STEP + " / batch_size")],
           lose=[SGD], feedback={SGD: "the steps used rates"}),
    Mutant("full_batch_instead_of_minibatch", NET, [(DRAW, "idx = np.arange(num_train)")],
           lose=[DRAWS], feedback={DRAWS: "batches of"}),
    Mutant("fixed_slice_minibatch", NET, [(DRAW, "idx = np.arange(batch_size) % num_train")],
           lose=[DRAWS], feedback={DRAWS: "fixed slice"}),
    Mutant("minibatch_without_replacement", NET, [(DRAW, "idx = np.random.choice(num_train, batch_size, replace=False)")],
           lose=[DRAWS], feedback={DRAWS: "replace=False"}),
    Mutant("shuffle_once_then_slices", NET,
           [(DRAW, "if it == 0:\n                order = np.random.permutation(num_train)\n"
                   "            start = (it % iterations_per_epoch) * batch_size\n"
                   "            idx = order[start:start + batch_size]")],
           lose=[DRAWS], feedback={DRAWS: "a shuffle once"}),
    Mutant("shuffle_every_epoch_then_slices", NET,
           [(DRAW, "if it % iterations_per_epoch == 0:\n                order = np.random.permutation(num_train)\n"
                   "            start = (it % iterations_per_epoch) * batch_size\n"
                   "            idx = order[start:start + batch_size]")],
           lose=[DRAWS], feedback={DRAWS: "a shuffle per epoch"}),
    Mutant("draws_from_the_first_rows_only", NET, [(DRAW, "idx = np.random.choice(min(batch_size, num_train), batch_size)")],
           lose=[DRAWS], feedback={DRAWS: "never drawn"}),
    Mutant("labels_drawn_apart_from_images", NET,
           [("y_batch = y[idx] ", "y_batch = y[np.random.choice(num_train, batch_size)] ")],
           lose=["Q3a.toy_training"], feedback={"Q3a.toy_training": "the bug is in train()"}),
    Mutant("train_history_of_error_rates", NET, [(TRAIN_ACC, TRAIN_ACC.replace("==", "!="))],
           lose=[DRAWS], feedback={DRAWS: "error rate of predict(X_batch)"}),
    Mutant("validation_history_of_error_rates", NET, [(VAL_ACC, VAL_ACC.replace("==", "!="))],
           lose=[DRAWS], feedback={DRAWS: "error rate of predict(X_val)"}),
    Mutant("histories_every_iteration", NET, [("if it % iterations_per_epoch == 0:", "if True:")],
           lose=[DRAWS, SGD], feedback={DRAWS: "one per epoch"}),
    Mutant("chain_rule_gradient_without_inner_2", CHAIN, [("return 4.0 * x * (W.T @ y)", "return 2.0 * x * (W.T @ y)")],
           lose=["Q0.gradient"], keep=["Q0.values"], feedback={"Q0.gradient": "4 x_k"}),
]

NUMPY_MUTANTS = FORWARD_AND_LOSS + BACKWARD + TRAINING

FORWARD = "return self.layers(x.reshape(x.shape[0], -1))  # (N, C)"
ZERO_GRAD, STEP_CALL, BACKWARD_CALL = ("            optimizer.zero_grad()\n", "            optimizer.step()\n",
                                       "            loss.backward()\n")
ARCH, EQUIV = "Q4a.architecture", "Q4a.torch_equivalence"
# Q4b's CIFAR training is never graded here: its quick checks are named one by one.
STEPS, EVALUATION = "Q4b.two_training_steps", "Q4b.evaluation"
COUNT = ("            correct += (model(images).argmax(dim=1) == labels).sum().item()\n"
         "            seen += len(labels)\n    return correct / max(seen, 1)")

MLP_MUTANTS = [
    Mutant("softmax_inside_forward", MLP,
           [(FORWARD, "return torch.softmax(self.layers(x.reshape(x.shape[0], -1)), dim=1)")],
           lose=[ARCH], keep=[STEPS, EVALUATION], feedback={ARCH: "raw logits"}),
    Mutant("missing_relu", MLP,
           [("layers += [nn.Linear(width, hidden), nn.ReLU()]", "layers += [nn.Linear(width, hidden)]")],
           lose=[ARCH], keep=[STEPS, EVALUATION], feedback={ARCH: "no ReLU"}),
    Mutant("relu_after_last_layer", MLP,
           [("layers.append(nn.Linear(width, num_classes))", "layers += [nn.Linear(width, num_classes), nn.ReLU()]")],
           lose=[ARCH], keep=[STEPS, EVALUATION], feedback={ARCH: "follows the last Linear"}),
    Mutant("no_flatten", MLP, [(FORWARD, "return self.layers(x)")],
           lose=[ARCH], keep=[EQUIV, STEPS, EVALUATION], feedback={ARCH: "mlp.py, line"}),
    Mutant("flattens_the_whole_batch", MLP, [(FORWARD, "return self.layers(torch.flatten(x))")],
           lose=[ARCH], keep=[STEPS, EVALUATION], feedback={ARCH: "your code raised"}),
    Mutant("only_first_hidden_width", MLP,
           [("for hidden in hidden_layers:", "for hidden in hidden_layers[:1]:")],
           lose=[ARCH], keep=[EQUIV, STEPS, EVALUATION], feedback={ARCH: "hidden_layers=[9, 5]"}),
    Mutant("no_zero_grad", MLP, [(ZERO_GRAD, "")], lose=[STEPS], feedback={STEPS: "zero_grad"}),
    Mutant("zero_grad_between_backward_and_step", MLP, [(ZERO_GRAD, ""), (STEP_CALL, ZERO_GRAD + STEP_CALL)],
           lose=[STEPS], feedback={STEPS: "after 2 steps"}),
    Mutant("missing_backward", MLP, [(BACKWARD_CALL, "")], lose=[STEPS], feedback={STEPS: "did not change"}),
    Mutant("missing_optimizer_step", MLP, [(STEP_CALL, "")], lose=[STEPS], feedback={STEPS: "optimizer.step()"}),
    Mutant("optimizer_ignores_weight_decay", MLP, [(", weight_decay=weight_decay", "")],
           lose=[STEPS], feedback={STEPS: "weight_decay"}),
    Mutant("optimizer_ignores_learning_rate", MLP, [("lr=learning_rate, weight_decay", "lr=1e-3, weight_decay")],
           lose=[STEPS], feedback={STEPS: "after 2 steps"}),
    Mutant("no_learning_rate_decay_per_epoch", MLP,
           [('        for group in optimizer.param_groups:\n            group["lr"] *= learning_rate_decay\n', "")],
           lose=[STEPS], feedback={STEPS: "multiply every param group's lr"}),
    Mutant("train_model_never_calls_train_mode", MLP, [("        model.train()\n", "")],
           lose=[STEPS], feedback={STEPS: "model.train()"}),
    Mutant("history_without_validation_accuracy", MLP,
           [('        history["val_acc"].append(evaluate(model, val_loader, device))\n', "")],
           lose=[STEPS], feedback={STEPS: "one entry per epoch"}),
    Mutant("evaluate_without_eval_mode", MLP, [("    model.eval()\n    correct, seen = 0, 0\n", "    correct, seen = 0, 0\n")],
           lose=[EVALUATION], feedback={EVALUATION: "model.eval()"}),
    Mutant("accuracy_of_last_batch_only", MLP,
           [(COUNT, COUNT.replace("correct +=", "correct =").replace("seen +=", "seen ="))],
           lose=[EVALUATION], feedback={EVALUATION: "not over the last batch"}),
    Mutant("accuracy_averaged_per_batch", MLP,
           [("    correct, seen = 0, 0\n    with torch.no_grad():", "    correct, seen = 0, 0\n    batches = []\n    with torch.no_grad():"),
            (COUNT, "            batches.append((model(images).argmax(dim=1) == labels).float().mean().item())\n"
                    "            seen += len(labels)\n    return sum(batches) / max(len(batches), 1)")],
           lose=[EVALUATION], feedback={EVALUATION: "averaged per batch"}),
    Mutant("evaluate_returns_the_count", MLP, [("    return correct / max(seen, 1)", "    return float(correct)")],
           lose=[EVALUATION], feedback={EVALUATION: "expected 0.5652"}),
]
