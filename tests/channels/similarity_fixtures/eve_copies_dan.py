"""eve: dan's code disguised: every variable renamed, independent statements reordered, operands
of a product swapped, dictionary keys shuffled."""
REGIONS = {
    "chain_rule.py": [
        """
        acc = np.zeros(W.shape[0])
        for col in range(W.shape[1]):
            acc += W[:, col] * x[col] ** 2
        return acc
        """,
        "return float(y @ y)",
        """
        gx = g(W, x)
        proj = W.T @ gx
        return 4.0 * proj * x
        """,
    ],
    "two_layer_net.py": [
        """
        h_pre = np.dot(X, W1) + b1[np.newaxis, :]
        active = h_pre > 0
        h_post = h_pre * active
        out = np.dot(h_post, W2) + b2[np.newaxis, :]
        shifted = out - out.max(axis=1).reshape(-1, 1)
        expd = np.exp(shifted)
        probs = expd / expd.sum(axis=1).reshape(-1, 1)
        a2, z2 = h_post, h_pre
        """,
        """
        penalty = reg * np.sum(np.square(W1)) + reg * np.sum(np.square(W2))
        correct = probs[np.arange(N), y]
        ce = np.mean(-np.log(correct))
        loss = ce + penalty
        """,
        """
        delta = probs.copy()
        delta[np.arange(N), y] = delta[np.arange(N), y] - 1
        delta = delta / float(N)
        grads = {}
        upstream = np.dot(delta, W2.T) * active
        grads["W2"] = np.dot(h_post.T, delta) + 2 * reg * W2
        grads["b2"] = np.sum(delta, axis=0)
        grads["W1"] = np.dot(X.T, upstream) + 2 * reg * W1
        grads["b1"] = np.sum(upstream, axis=0)
        """,
        """
        pick = np.random.choice(num_train, size=batch_size, replace=True)
        y_batch = y[pick]
        X_batch = X[pick, :]
        """,
        """
        self.params["b2"] -= learning_rate * grads["b2"]
        self.params["W2"] -= learning_rate * grads["W2"]
        self.params["W1"] -= learning_rate * grads["W1"]
        self.params["b1"] -= learning_rate * grads["b1"]
        """,
        """
        p = self.loss(X)
        return np.argmax(p, axis=1)
        """,
    ],
    "hyperparams.py": [
        'return {"learning_rate": 1e-3, "hidden_size": 100, "num_iters": 3500, "reg": 0.25, "batch_size": 200, '
        '"learning_rate_decay": 0.95}',
        'return {"epochs": 10, "hidden_layers": [256, 128], "batch_size": 200, "weight_decay": 1e-3, '
        '"learning_rate": 1e-3, "learning_rate_decay": 0.95, "dropout": 0.0}',
    ],
}
