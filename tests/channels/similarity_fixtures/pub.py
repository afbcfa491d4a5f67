"""pub: a "public solution" found online (written here for the tests): loops over the layers,
a helper for the softmax, the gradient of the scores built from an identity matrix."""
REGIONS = {
    "two_layer_net.py": [
        """
        layer_input = X
        cache = []
        for weight, bias, last in ((W1, b1, False), (W2, b2, True)):
            out = layer_input.dot(weight) + bias
            cache.append((layer_input, out))
            layer_input = out if last else np.maximum(out, 0)
        exps = np.exp(out - np.amax(out, axis=1, keepdims=True))
        probs = exps / np.sum(exps, axis=1, keepdims=True)
        z2, a2 = cache[0][1], cache[1][0]
        """,
        """
        targets = np.eye(probs.shape[1])[y]
        nll = -np.sum(targets * np.log(probs), axis=1)
        l2 = np.sum(W1 ** 2) + np.sum(W2 ** 2)
        loss = np.mean(nll) + reg * l2
        """,
        """
        d_out = (probs - targets) / N
        d_hidden = d_out.dot(W2.T)
        d_hidden *= (z2 > 0).astype(d_hidden.dtype)
        grads = {"W2": a2.T.dot(d_out) + 2 * reg * W2, "b2": d_out.sum(axis=0)}
        grads.update(W1=X.T.dot(d_hidden) + 2 * reg * W1, b1=d_hidden.sum(axis=0))
        """,
        """
        sample = np.random.choice(num_train, batch_size, replace=True)
        X_batch, y_batch = X[sample], y[sample]
        """,
        """
        for param_name, param_value in self.params.items():
            param_value -= learning_rate * grads[param_name]
        """,
        """
        class_scores = self.loss(X)
        return np.argmax(class_scores, axis=1)
        """,
    ],
}
