"""Q1-Q3: a two-layer fully connected network in numpy, trained with minibatch SGD.

The network is

    input (D) -> fully connected -> ReLU -> fully connected -> softmax (C)

with N inputs of dimension D, a hidden layer of H units and C classes. It is trained with the
softmax cross-entropy loss averaged over the N samples plus an L2 penalty on the weight matrices,

    J = (1/N) sum_i -log softmax(z3_i)[y_i] + reg * (||W1||^2 + ||W2||^2)     (no 1/2, biases free)

with the exercise sheet's names: z2 = X W1 + b1 (N, H), a2 = ReLU(z2) (N, H), z3 = a2 W2 + b2 (N, C)
and probs = softmax(z3) row by row (N, C); the derivations of Q2a-c use the same names.

Everything is vectorised over the samples and keeps the dtype of the parameters and data: with
float32 params and X the whole computation stays float32.
"""
from __future__ import annotations

import numpy as np


class TwoLayerNet:
    """A two-layer fully connected network with a ReLU hidden layer and a softmax output.

    The learnable parameters live in the dict `self.params`:
    - W1: (D, H) first-layer weights;   b1: (H,) first-layer biases
    - W2: (H, C) second-layer weights;  b2: (C,) second-layer biases
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, std: float = 1e-4):
        """Weights are small random values (std * standard normal), biases are zero.

        Inputs:
        - input_size: the dimension D of the input data.
        - hidden_size: the number H of hidden units.
        - output_size: the number C of classes.
        - std: the standard deviation of the initial weights.
        """
        self.params = {
            "W1": std * np.random.randn(input_size, hidden_size),   # (D, H)
            "b1": np.zeros(hidden_size),                            # (H,)
            "W2": std * np.random.randn(hidden_size, output_size),  # (H, C)
            "b2": np.zeros(output_size),                            # (C,)
        }

    def loss(self, X: np.ndarray, y: np.ndarray | None = None, reg: float = 0.0):
        """The class probabilities, or the loss and its gradients.

        Inputs:
        - X: (N, D) input data.
        - y: (N,) integer labels in [0, C); y[i] is the class of X[i]. Optional.
        - reg: the L2 regularisation strength.

        Returns:
        - With y None: probs, (N, C), where probs[i, c] is the softmax probability of class c for X[i].
        - Otherwise the tuple (loss, grads):
          - loss: the data loss (mean softmax cross-entropy) plus the L2 penalty, a float.
          - grads: a dict with the keys of self.params; grads[k] has the shape of self.params[k]
            and holds the gradient of the loss with respect to it.
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        N = X.shape[0]
        reg = float(reg)  # a Python float keeps float32 arrays float32

        # TODO(Q1a): forward pass: compute the class probabilities of every input.
        # Shapes: z2 = X W1 + b1 is (N, H); a2 = ReLU(z2) is (N, H); z3 = a2 W2 + b2 is (N, C);
        # probs = softmax(z3) row by row is (N, C). Keep z2, a2 and probs: the backward pass needs them.
        # Hint: subtract each row's maximum from z3 before np.exp so that it cannot overflow.
        ### BEGIN SOLUTION
        z2 = X @ W1 + b1                                    # (N, H)
        a2 = np.maximum(z2, 0)                              # (N, H)
        z3 = a2 @ W2 + b2                                   # (N, C)
        z3 = z3 - z3.max(axis=1, keepdims=True)             # (N, C), every row's max is 0
        exp_scores = np.exp(z3)                             # (N, C)
        probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)  # (N, C)
        ### END SOLUTION

        if y is None:
            return probs

        # TODO(Q1b): compute the loss: mean softmax cross-entropy plus reg * (sum W1^2 + sum W2^2).
        # Keep it in the variable `loss` (a float): it is returned below, and while the backward
        # pass is unfinished or raises, the grader reads Q1b's loss from that variable.
        # Shapes: probs[np.arange(N), y] picks the (N,) probabilities of the correct classes.
        # Hint: no 1/2 in front of reg, no penalty on the biases, and no Python loop over samples.
        ### BEGIN SOLUTION
        data_loss = -np.log(probs[np.arange(N), y]).mean()
        reg_loss = reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        loss = float(data_loss + reg_loss)
        ### END SOLUTION

        # TODO(Q2d): backward pass: the gradient of the loss w.r.t. W1, b1, W2 and b2 into grads.
        # Shapes: dz3 = dJ/dz3 = (probs - one_hot(y)) / N is (N, C); grads['W2'] = a2^T dz3 + 2 reg W2
        # is (H, C); da2 = dz3 W2^T is (N, H); dz2 = da2 masked by the ReLU is (N, H); grads['W1'] =
        # X^T dz2 + 2 reg W1 is (D, H); grads['b1'], grads['b2']: sums of dz2, dz3 over the N rows.
        # Hint: the ReLU passes the gradient only where z2 > 0; the penalty's gradient is 2 * reg * W.
        ### BEGIN SOLUTION
        grads = {}
        dz3 = probs.copy()                                  # (N, C)
        dz3[np.arange(N), y] -= 1
        dz3 *= 1.0 / N
        grads["W2"] = a2.T @ dz3 + (2.0 * reg) * W2         # (H, C)
        grads["b2"] = dz3.sum(axis=0)                       # (C,)
        dz2 = dz3 @ W2.T                                    # (N, H), da2
        dz2 *= z2 > 0                                       # (N, H), the ReLU's mask
        grads["W1"] = X.T @ dz2 + (2.0 * reg) * W1          # (D, H)
        grads["b1"] = dz2.sum(axis=0)                       # (H,)
        ### END SOLUTION

        return loss, grads

    def train(self, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
              learning_rate: float = 1e-3, learning_rate_decay: float = 0.95, reg: float = 5e-6,
              num_iters: int = 100, batch_size: int = 200, verbose: bool = False) -> dict:
        """Train the network with minibatch stochastic gradient descent.

        Inputs:
        - X: (N, D) training data; y: (N,) training labels in [0, C).
        - X_val: (N_val, D) validation data; y_val: (N_val,) validation labels.
        - learning_rate: the step size of the first iteration.
        - learning_rate_decay: the factor that multiplies the learning rate once per epoch, at the
          end of every iteration `it` with it % iterations_per_epoch == 0 (first after iteration 0,
          as in the exercise).
        - reg: the L2 regularisation strength.
        - num_iters: the number of SGD steps.
        - batch_size: the number of training samples per step (drawn with replacement).
        - verbose: print the loss every 100 iterations.

        Returns a dict:
        - loss_history: (num_iters,) the minibatch loss of every iteration.
        - train_acc_history: one per epoch, the accuracy on that iteration's minibatch.
        - val_acc_history: one per epoch, the accuracy on the validation set.
        """
        num_train = X.shape[0]
        # Whole iterations: with num_train / batch_size (a float, as in CS231n) an epoch boundary is
        # never hit again when batch_size does not divide num_train, and the rate would decay once.
        iterations_per_epoch = max(num_train // batch_size, 1)
        learning_rate, learning_rate_decay = float(learning_rate), float(learning_rate_decay)

        loss_history = []
        train_acc_history = []
        val_acc_history = []

        for it in range(num_iters):
            # TODO(Q3a): sample a minibatch of batch_size training samples, with replacement.
            # Shapes: X_batch (batch_size, D), y_batch (batch_size,).
            # Hint: idx = np.random.choice(num_train, batch_size), then index X and y with it.
            ### BEGIN SOLUTION
            idx = np.random.choice(num_train, batch_size)  # (B,)
            X_batch = X[idx]                               # (B, D)
            y_batch = y[idx]                               # (B,)
            ### END SOLUTION

            loss, grads = self.loss(X_batch, y=y_batch, reg=reg)
            loss_history.append(loss)

            # TODO(Q3a): one SGD step: move every parameter against its gradient.
            # Shapes: self.params[k] and grads[k] have the same shape for every key k.
            # Hint: update in place, p -= learning_rate * grad, for all four parameters.
            ### BEGIN SOLUTION
            for name, grad in grads.items():
                self.params[name] -= learning_rate * grad
            ### END SOLUTION

            if verbose and it % 100 == 0:
                print(f"iteration {it} / {num_iters}: loss {loss:f}")

            # Once per epoch: record the accuracies and decay the learning rate.
            if it % iterations_per_epoch == 0:
                train_acc = (self.predict(X_batch) == y_batch).mean()
                val_acc = (self.predict(X_val) == y_val).mean()
                train_acc_history.append(train_acc)
                val_acc_history.append(val_acc)
                learning_rate *= learning_rate_decay

        return {
            "loss_history": loss_history,
            "train_acc_history": train_acc_history,
            "val_acc_history": val_acc_history,
        }

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The predicted class of every input.

        Inputs:
        - X: (N, D) data to classify.

        Returns:
        - y_pred: (N,) integer labels, the most probable class of each X[i].
        """
        # TODO(Q1a): predict the class of every input with the forward pass.
        # Shapes: the probabilities of self.loss(X) are (N, C); y_pred is (N,).
        # Hint: np.argmax over the class axis.
        ### BEGIN SOLUTION
        return np.argmax(self.loss(X), axis=1)  # (N,)
        ### END SOLUTION
