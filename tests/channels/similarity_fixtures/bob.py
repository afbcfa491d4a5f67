"""bob: the @ operator, an explicit one-hot matrix, np.where for the ReLU, a dict comprehension."""
REGIONS = {
    "chain_rule.py": [
        """
        squared = x * x
        return W @ squared
        """,
        """
        total = 0.0
        for value in y:
            total += value * value
        return float(total)
        """,
        """
        outer = 2.0 * g(W, x)
        inner = 2.0 * W * x[None, :]
        return inner.T @ outer
        """,
    ],
    "two_layer_net.py": [
        """
        z2 = X @ W1 + b1
        a2 = np.where(z2 > 0, z2, 0.0)
        z3 = a2 @ W2 + b2
        shifted = z3 - np.max(z3, axis=1)[:, None]
        e = np.exp(shifted)
        probs = e / np.sum(e, axis=1)[:, None]
        """,
        """
        one_hot = np.zeros_like(probs)
        one_hot[np.arange(N), y] = 1.0
        cross_entropy = -np.sum(one_hot * np.log(probs)) / N
        penalty = reg * sum(np.sum(w ** 2) for w in (W1, W2))
        loss = float(cross_entropy + penalty)
        """,
        """
        delta3 = (probs - one_hot) / N
        delta2 = (delta3 @ W2.T) * (z2 > 0)
        grads = {
            "W1": X.T @ delta2 + 2.0 * reg * W1,
            "b1": np.sum(delta2, axis=0),
            "W2": a2.T @ delta3 + 2.0 * reg * W2,
            "b2": np.sum(delta3, axis=0),
        }
        """,
        """
        rows = np.random.randint(0, num_train, size=batch_size)
        X_batch, y_batch = X[rows, :], y[rows]
        """,
        "self.params = {k: v - learning_rate * grads[k] for k, v in self.params.items()}",
        """
        probabilities = self.loss(X)
        y_pred = probabilities.argmax(axis=-1)
        return y_pred
        """,
    ],
    "hyperparams.py": [
        """
        settings = {"hidden_size": 150, "learning_rate": 8e-4, "learning_rate_decay": 0.97, "reg": 0.01,
                    "num_iters": 4000, "batch_size": 250}
        return settings
        """,
        """
        settings = {"hidden_layers": [300, 300, 100], "epochs": 15, "batch_size": 256, "learning_rate": 5e-4,
                    "learning_rate_decay": 0.95, "weight_decay": 5e-4, "dropout": 0.2}
        return settings
        """,
    ],
}
