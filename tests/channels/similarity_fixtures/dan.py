"""dan: np.dot with explicit broadcasting, a boolean ReLU mask, four explicit SGD lines."""
REGIONS = {
    "chain_rule.py": [
        """
        result = np.zeros(W.shape[0])
        for q in range(W.shape[1]):
            result += W[:, q] * x[q] ** 2
        return result
        """,
        "return float(y @ y)",
        """
        values = g(W, x)
        weights = W.T @ values
        return 4.0 * weights * x
        """,
    ],
    "two_layer_net.py": [
        """
        first = np.dot(X, W1) + b1[np.newaxis, :]
        relu_mask = first > 0
        first_out = first * relu_mask
        second = np.dot(first_out, W2) + b2[np.newaxis, :]
        stable = second - second.max(axis=1).reshape(-1, 1)
        unnormalised = np.exp(stable)
        probs = unnormalised / unnormalised.sum(axis=1).reshape(-1, 1)
        z2, a2 = first, first_out
        """,
        """
        likelihood = probs[np.arange(N), y]
        data_term = np.mean(-np.log(likelihood))
        weight_term = reg * np.sum(np.square(W1)) + reg * np.sum(np.square(W2))
        loss = data_term + weight_term
        """,
        """
        error = probs.copy()
        error[np.arange(N), y] = error[np.arange(N), y] - 1
        error = error / float(N)
        grads = {}
        grads["b2"] = np.sum(error, axis=0)
        grads["W2"] = np.dot(first_out.T, error) + 2 * reg * W2
        back = np.dot(error, W2.T) * relu_mask
        grads["b1"] = np.sum(back, axis=0)
        grads["W1"] = np.dot(X.T, back) + 2 * reg * W1
        """,
        """
        batch_indices = np.random.choice(num_train, size=batch_size, replace=True)
        X_batch = X[batch_indices, :]
        y_batch = y[batch_indices]
        """,
        """
        self.params["W1"] -= learning_rate * grads["W1"]
        self.params["b1"] -= learning_rate * grads["b1"]
        self.params["W2"] -= learning_rate * grads["W2"]
        self.params["b2"] -= learning_rate * grads["b2"]
        """,
        """
        probs = self.loss(X)
        return np.argmax(probs, axis=1)
        """,
    ],
    "hyperparams.py": [
        'return {"hidden_size": 100, "learning_rate": 1e-3, "learning_rate_decay": 0.95, "reg": 0.25, '
        '"num_iters": 3500, "batch_size": 200}',
        'return {"hidden_layers": [256, 128], "epochs": 10, "batch_size": 200, "learning_rate": 1e-3, '
        '"learning_rate_decay": 0.95, "weight_decay": 1e-3, "dropout": 0.0}',
    ],
}
