"""ada: the textbook style (dot products, a copy of the scores, the mask by assignment)."""
REGIONS = {
    "chain_rule.py": [
        "return W.dot(x ** 2)",
        "return float(np.sum(y ** 2))",
        """
        g_val = g(W, x)
        return 4 * x * W.T.dot(g_val)
        """,
    ],
    "two_layer_net.py": [
        """
        hidden_in = X.dot(W1) + b1
        hidden = np.maximum(0, hidden_in)
        scores = hidden.dot(W2) + b2
        scores -= scores.max(axis=1, keepdims=True)
        exp_scores = np.exp(scores)
        probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
        z2, a2 = hidden_in, hidden
        """,
        """
        correct_logprobs = -np.log(probs[np.arange(N), y])
        data_loss = correct_logprobs.sum() / N
        reg_loss = reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        loss = data_loss + reg_loss
        """,
        """
        dscores = probs.copy()
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {}
        grads["W2"] = a2.T.dot(dscores) + 2 * reg * W2
        grads["b2"] = dscores.sum(axis=0)
        dhidden = dscores.dot(W2.T)
        dhidden[z2 <= 0] = 0
        grads["W1"] = X.T.dot(dhidden) + 2 * reg * W1
        grads["b1"] = dhidden.sum(axis=0)
        """,
        """
        idx = np.random.choice(num_train, batch_size)
        X_batch = X[idx]
        y_batch = y[idx]
        """,
        """
        for name in self.params:
            self.params[name] -= learning_rate * grads[name]
        """,
        "return np.argmax(self.loss(X), axis=1)",
    ],
    "hyperparams.py": [
        "return dict(hidden_size=200, learning_rate=1e-3, learning_rate_decay=0.95, reg=0.05, num_iters=3000, "
        "batch_size=200)",
        "return dict(hidden_layers=[512, 256], epochs=12, batch_size=128, learning_rate=1e-3, "
        "learning_rate_decay=0.9, weight_decay=1e-4, dropout=0.1)",
    ],
}
