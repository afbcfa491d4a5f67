"""cyd: einsum everywhere, a log-sum-exp softmax, take_along_axis, in-place np.subtract."""
REGIONS = {
    "chain_rule.py": [
        'return np.einsum("pq,q->p", W, np.square(x))',
        "return float(np.linalg.norm(y) ** 2)",
        """
        gy = g(W, x)
        grad = np.zeros_like(x, dtype=float)
        for p in range(W.shape[0]):
            grad += 2.0 * gy[p] * 2.0 * W[p] * x
        return grad
        """,
    ],
    "two_layer_net.py": [
        """
        pre_activation = np.einsum("nd,dh->nh", X, W1) + b1
        activation = pre_activation.clip(min=0)
        logits = np.einsum("nh,hc->nc", activation, W2) + b2
        top = logits.max(1, keepdims=True)
        log_norm = top + np.log(np.exp(logits - top).sum(1, keepdims=True))
        probs = np.exp(logits - log_norm)
        z2, a2 = pre_activation, activation
        """,
        """
        picked = np.take_along_axis(probs, y[:, None], axis=1).ravel()
        loss = -np.mean(np.log(picked)) + reg * (np.vdot(W1, W1) + np.vdot(W2, W2))
        """,
        """
        g_logits = probs.copy()
        g_logits[range(N), y] = g_logits[range(N), y] - 1.0
        g_logits = g_logits / N
        g_pre = np.einsum("nc,hc->nh", g_logits, W2) * (pre_activation > 0)
        grads = dict(W2=np.einsum("nh,nc->hc", activation, g_logits) + 2 * reg * W2, b2=g_logits.sum(0),
                     W1=np.einsum("nd,nh->dh", X, g_pre) + 2 * reg * W1, b1=g_pre.sum(0))
        """,
        """
        chosen = np.random.choice(np.arange(num_train), size=batch_size, replace=True)
        X_batch = np.take(X, chosen, axis=0)
        y_batch = np.take(y, chosen)
        """,
        """
        for key, gradient in grads.items():
            np.subtract(self.params[key], learning_rate * gradient, out=self.params[key])
        """,
        "return self.loss(X).argmax(1)",
    ],
    "hyperparams.py": [
        """
        hidden_size = 300
        lr = 1.5e-3
        return {"hidden_size": hidden_size, "learning_rate": lr, "learning_rate_decay": 0.9, "reg": 0.1,
                "num_iters": 2500, "batch_size": 300}
        """,
        """
        layers = [1024]
        return {"hidden_layers": layers, "epochs": 8, "batch_size": 100, "learning_rate": 2e-3,
                "learning_rate_decay": 0.85, "weight_decay": 0.0, "dropout": 0.0}
        """,
    ],
}
