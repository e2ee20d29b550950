"""Corpus for 10_tensorflow_v1.  Runs only in .venv-tf (tests/tf/test_tf_corpus.py); the main venv, without
TensorFlow, sees empty tables."""
import importlib.util

ASSIGNMENT = "10_tensorflow_v1"

_AFFINE = "def affine_graph(w, b):\n    graph = tf.Graph()\n    with graph.as_default():\n{body}\n    return graph, x, y"
_SOFTMAX = ("def softmax_regression_graph(n_features, n_classes, learning_rate):\n    graph = tf.Graph()\n"
            "    with graph.as_default():\n"
            "        x = v1.placeholder(tf.float32, shape=(None, n_features))\n"
            "        t = v1.placeholder(tf.int64, shape=(None,))\n"
            "{body}\n"
            "        init = v1.global_variables_initializer()\n"
            "    return dict(graph=graph, x=x, t=t, W=W, b=b, logits=logits, loss=loss, train_op=train_op, init=init)")
_GOOD_BODY = ("        W = tf.Variable(tf.zeros((n_features, n_classes)))\n        b = tf.Variable(tf.zeros((n_classes,)))\n"
              "        logits = tf.matmul(x, W) + b\n")
_LOSS = "        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=logits))\n"
_OPT = "        train_op = v1.train.GradientDescentOptimizer(learning_rate).minimize(loss)"

_WRONG = {
    "affine_graph": {
        "default graph": "def affine_graph(w, b):\n    graph = tf.Graph()\n    with tf.Graph().as_default():\n        x = v1.placeholder(tf.float32, (None, w.shape[0]))\n        y = x @ tf.constant(w, tf.float32) + tf.constant(b, tf.float32)\n    return graph, x, y",
        "fixed batch size": _AFFINE.format(body="        x = v1.placeholder(tf.float32, (2, w.shape[0]))\n        y = x @ tf.constant(w, tf.float32) + tf.constant(b, tf.float32)"),
        "variables never initialised": _AFFINE.format(body="        x = v1.placeholder(tf.float32, (None, w.shape[0]))\n        y = x @ tf.Variable(w, dtype=tf.float32) + tf.Variable(b, dtype=tf.float32)"),
        "bias forgotten": _AFFINE.format(body="        x = v1.placeholder(tf.float32, (None, w.shape[0]))\n        y = x @ tf.constant(w, tf.float32)"),
        "a constant input, not a placeholder": _AFFINE.format(body="        x = tf.constant(np.zeros((2, w.shape[0]), np.float32))\n        y = x @ tf.constant(w, tf.float32) + tf.constant(b, tf.float32)"),
        "one shared graph": "_G = tf.Graph()\ndef affine_graph(w, b):\n    with _G.as_default():\n        x = v1.placeholder(tf.float32, (None, w.shape[0]))\n        y = x @ tf.constant(w, tf.float32) + tf.constant(b, tf.float32)\n    return _G, x, y",
    },
    "softmax_regression_graph": {
        "sum, not mean": _SOFTMAX.format(body=_GOOD_BODY + "        loss = tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=logits))\n" + _OPT),
        "random initial weights": _SOFTMAX.format(body="        W = tf.Variable(v1.random_normal((n_features, n_classes), stddev=0.1, seed=0))\n        b = tf.Variable(tf.zeros((n_classes,)))\n        logits = tf.matmul(x, W) + b\n" + _LOSS + _OPT),
        "learning rate ignored": _SOFTMAX.format(body=_GOOD_BODY + _LOSS + "        train_op = v1.train.GradientDescentOptimizer(0.1).minimize(loss)"),
        "softmax applied twice": _SOFTMAX.format(body=_GOOD_BODY + "        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=tf.nn.softmax(logits)))\n" + _OPT),
        "bias not trained": _SOFTMAX.format(body="        W = tf.Variable(tf.zeros((n_features, n_classes)))\n        b = tf.Variable(tf.zeros((n_classes,)), trainable=False)\n        logits = tf.matmul(x, W) + b\n" + _LOSS + _OPT),
    },
    "train_v1": {
        "init every epoch": "def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    with v1.Session(graph=parts['graph']) as sess:\n        for e in range(epochs):\n            sess.run(parts['init'])\n            for s in range(0, len(x), batch_size):\n                l, _ = sess.run([parts['loss'], parts['train_op']], {parts['x']: x[s:s+batch_size], parts['t']: t[s:s+batch_size]})\n                losses.append(float(l))\n        W, b = sess.run([parts['W'], parts['b']])\n    return losses, W, b",
        "drops the last small batch": "def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    with v1.Session(graph=parts['graph']) as sess:\n        sess.run(parts['init'])\n        for e in range(epochs):\n            for s in range(0, len(x) - batch_size + 1, batch_size):\n                l, _ = sess.run([parts['loss'], parts['train_op']], {parts['x']: x[s:s+batch_size], parts['t']: t[s:s+batch_size]})\n                losses.append(float(l))\n        W, b = sess.run([parts['W'], parts['b']])\n    return losses, W, b",
        "loss after the step": "def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    with v1.Session(graph=parts['graph']) as sess:\n        sess.run(parts['init'])\n        for e in range(epochs):\n            for s in range(0, len(x), batch_size):\n                feed = {parts['x']: x[s:s+batch_size], parts['t']: t[s:s+batch_size]}\n                sess.run(parts['train_op'], feed)\n                losses.append(float(sess.run(parts['loss'], feed)))\n        W, b = sess.run([parts['W'], parts['b']])\n    return losses, W, b",
        "one epoch only": "def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    with v1.Session(graph=parts['graph']) as sess:\n        sess.run(parts['init'])\n        for s in range(0, len(x), batch_size):\n            l, _ = sess.run([parts['loss'], parts['train_op']], {parts['x']: x[s:s+batch_size], parts['t']: t[s:s+batch_size]})\n            losses.append(float(l))\n        W, b = sess.run([parts['W'], parts['b']])\n    return losses, W, b",
        "returns the variables, not values": "def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    with v1.Session(graph=parts['graph']) as sess:\n        sess.run(parts['init'])\n        for e in range(epochs):\n            for s in range(0, len(x), batch_size):\n                l, _ = sess.run([parts['loss'], parts['train_op']], {parts['x']: x[s:s+batch_size], parts['t']: t[s:s+batch_size]})\n                losses.append(float(l))\n    return losses, parts['W'], parts['b']",
    },
}

_RIGHT = {
    "affine_graph": {
        "numpy-shaped names, tf.add": "def affine_graph(w, b):\n    g = tf.Graph()\n    with g.as_default():\n        x = tf.compat.v1.placeholder(dtype=tf.float32, shape=[None, w.shape[0]], name='inputs')\n        y = tf.add(tf.linalg.matmul(x, tf.constant(w.astype(np.float32))), tf.constant(b.astype(np.float32)), name='y')\n    return g, x, y",
        "graph= in the placeholder's graph via g.as_default twice": "def affine_graph(w, b):\n    g = tf.Graph()\n    with g.as_default():\n        x = v1.placeholder(tf.float32, shape=(None, len(w)))\n    with g.as_default():\n        y = tf.matmul(x, tf.constant(w, dtype=tf.float32)) + b.astype(np.float32)\n    return g, x, y",
    },
    "softmax_regression_graph": {
        "v1.zeros_initializer and get_variable": _SOFTMAX.format(body="        W = v1.get_variable('W', (n_features, n_classes), initializer=v1.zeros_initializer())\n        b = v1.get_variable('b', (n_classes,), initializer=v1.zeros_initializer())\n        logits = x @ W + b\n" + _LOSS + _OPT),
        "one-hot softmax cross-entropy": _SOFTMAX.format(body=_GOOD_BODY + "        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.one_hot(t, n_classes), logits=logits))\n" + "        train_op = v1.train.GradientDescentOptimizer(learning_rate=learning_rate).minimize(loss, var_list=[W, b])"),
        "written-out log-softmax": _SOFTMAX.format(body=_GOOD_BODY + "        logp = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)\n        loss = -tf.reduce_mean(tf.gather(logp, t, axis=1, batch_dims=1))\n" + _OPT),
    },
    "train_v1": {
        "batch count": "def train_v1(parts, x, t, epochs, batch_size):\n    sess = v1.Session(graph=parts['graph'])\n    sess.run(parts['init'])\n    losses = []\n    n_batches = (len(x) + batch_size - 1) // batch_size\n    for e in range(epochs):\n        for i in range(n_batches):\n            sl = slice(i * batch_size, (i + 1) * batch_size)\n            out = sess.run({'loss': parts['loss'], 'step': parts['train_op']}, feed_dict={parts['x']: x[sl], parts['t']: t[sl]})\n            losses.append(out['loss'].item())\n    W = sess.run(parts['W']); b = sess.run(parts['b'])\n    sess.close()\n    return losses, W, b",
        "array_split": "def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    idx = np.arange(len(x))\n    batches = [idx[s:s + batch_size] for s in range(0, len(x), batch_size)]\n    with v1.Session(graph=parts['graph']) as sess:\n        sess.run(parts['init'])\n        for _ in range(epochs):\n            for bi in batches:\n                loss, _ = sess.run([parts['loss'], parts['train_op']], feed_dict={parts['x']: x[bi], parts['t']: t[bi]})\n                losses.append(float(loss))\n        return losses, *sess.run([parts['W'], parts['b']])",
    },
}

if importlib.util.find_spec("tensorflow") is not None:
    WRONG, RIGHT = _WRONG, _RIGHT
else:  # the main venv: nothing to run here (tests/tf/ runs these in .venv-tf)
    WRONG, RIGHT = {}, {}
