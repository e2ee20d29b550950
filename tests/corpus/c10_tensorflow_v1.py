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


# issue 16: every mistake against the statement, each shown by a test case (docs/corpus.md, "## 10")
_AFF_OK = "        x = v1.placeholder(tf.float32, (None, w.shape[0]))\n        y = x @ tf.constant(w, tf.float32) + tf.constant(b, tf.float32)"
_TRAIN = ("def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    with v1.Session(graph=parts['graph']) as sess:\n"
          "        sess.run(parts['init'])\n        for e in range(epochs):\n            for s in {starts}:\n"
          "                feed = {{parts['x']: x[s:s+batch_size], parts['t']: t[s:s+batch_size]}}\n"
          "                l, _ = sess.run([parts['loss'], parts['train_op']], feed)\n                losses.append({conv})\n"
          "        W, b = sess.run([parts['W'], parts['b']])\n    return losses, W, b")
_TRAIN_OK = dict(starts="range(0, len(x), batch_size)", conv="float(l)")

_WRONG["affine_graph"].update({
    "float64 placeholder": _AFFINE.format(body="        x = v1.placeholder(tf.float64, (None, w.shape[0]))\n        y = x @ tf.constant(w) + tf.constant(b)"),
    "placeholder of shape (None, None)": _AFFINE.format(body="        x = v1.placeholder(tf.float32, (None, None))\n        y = x @ tf.constant(w, tf.float32) + tf.constant(b, tf.float32)"),
    "switches the process to graph mode": "v1.disable_eager_execution()\n" + _AFFINE.format(body=_AFF_OK),
    "runs the graph and returns values": "def affine_graph(w, b):\n    graph = tf.Graph()\n    with graph.as_default():\n" + _AFF_OK + "\n    with v1.Session(graph=graph) as sess:\n        y = sess.run(y, {x: np.zeros((1, w.shape[0]), np.float32)})\n    return graph, x, y",
    "bias subtracted": _AFFINE.format(body="        x = v1.placeholder(tf.float32, (None, w.shape[0]))\n        y = x @ tf.constant(w, tf.float32) - tf.constant(b, tf.float32)"),
})
_WRONG["softmax_regression_graph"].update({
    "MomentumOptimizer": _SOFTMAX.format(body=_GOOD_BODY + _LOSS + "        train_op = v1.train.MomentumOptimizer(learning_rate, 0.9).minimize(loss)"),
    "Adam": _SOFTMAX.format(body=_GOOD_BODY + _LOSS + "        train_op = v1.train.AdamOptimizer(learning_rate).minimize(loss)"),
    "t as int32": _SOFTMAX.format(body=_GOOD_BODY + _LOSS + _OPT).replace("t = v1.placeholder(tf.int64", "t = v1.placeholder(tf.int32"),
    "x of a fixed batch size": _SOFTMAX.format(body=_GOOD_BODY + _LOSS + _OPT).replace("shape=(None, n_features)", "shape=(6, n_features)"),
    "a loss per sample (no mean)": _SOFTMAX.format(body=_GOOD_BODY + "        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=logits)\n" + _OPT),
    "the initialiser created before the variables": _SOFTMAX.format(body="        init0 = v1.global_variables_initializer()\n" + _GOOD_BODY + _LOSS + _OPT).replace("        init = v1.global_variables_initializer()\n", "        init = init0\n"),
    "only W initialised": _SOFTMAX.format(body=_GOOD_BODY + _LOSS + _OPT).replace("init = v1.global_variables_initializer()", "init = v1.variables_initializer([W])"),
    "one shared graph": _SOFTMAX.format(body=_GOOD_BODY + _LOSS + _OPT).replace("    graph = tf.Graph()\n", "    graph = _SHARED\n").replace("def softmax_regression_graph", "_SHARED = tf.Graph()\ndef softmax_regression_graph"),
    "no bias in the logits": _SOFTMAX.format(body="        W = tf.Variable(tf.zeros((n_features, n_classes)))\n        b = tf.Variable(tf.zeros((n_classes,)))\n        logits = tf.matmul(x, W)\n" + _LOSS + _OPT),
})
_WRONG["train_v1"].update({
    "drops a last batch of one row": _TRAIN.format(**{**_TRAIN_OK, "starts": "range(0, len(x) - 1, batch_size)"}),
    "NumPy float32 losses": _TRAIN.format(**{**_TRAIN_OK, "conv": "l"}),
    "its own graph (the learning rate of the notebook)": "def train_v1(parts, x, t, epochs, batch_size):\n    parts = softmax_regression_graph(x.shape[1], int(parts['W'].shape[1]), 0.5)\n" + _TRAIN.format(**_TRAIN_OK).split("\n", 1)[1],
    "batches in a random order": _TRAIN.format(**{**_TRAIN_OK, "starts": "np.random.default_rng(e).permutation(range(0, len(x), batch_size))"}),
    "a mean loss per epoch": "def train_v1(parts, x, t, epochs, batch_size):\n    losses = []\n    with v1.Session(graph=parts['graph']) as sess:\n        sess.run(parts['init'])\n        for e in range(epochs):\n            ls = [sess.run([parts['loss'], parts['train_op']], {parts['x']: x[s:s+batch_size], parts['t']: t[s:s+batch_size]})[0] for s in range(0, len(x), batch_size)]\n            losses.append(float(np.mean(ls)))\n        W, b = sess.run([parts['W'], parts['b']])\n    return losses, W, b",
    "the whole data set every step": _TRAIN.format(**_TRAIN_OK).replace("x[s:s+batch_size], parts['t']: t[s:s+batch_size]", "x, parts['t']: t"),
})

_RIGHT["affine_graph"].update({
    "v1 idioms: name scopes and tf.compat.v1.matmul": "def affine_graph(w, b):\n    graph = tf.Graph()\n    with graph.as_default(), v1.name_scope('affine'):\n        x = v1.placeholder('float32', [None, np.shape(w)[0]], name='x')\n        W = v1.constant(np.asarray(w, np.float32), name='W')\n        bias = v1.constant(np.asarray(b, np.float32), name='b')\n        y = v1.nn.bias_add(v1.matmul(x, W), bias, name='y')\n    return graph, x, y",
    "NumPy in the middle (constants prepared first)": "def affine_graph(w, b):\n    w32, b32 = np.float32(w), np.float32(b)[None, :]\n    graph = tf.Graph()\n    with graph.as_default():\n        x = v1.placeholder(tf.float32, shape=[None, w32.shape[0]])\n        y = tf.matmul(x, w32) + b32\n    return graph, x, y",
})
_RIGHT["softmax_regression_graph"].update({
    "v1.losses and compute/apply_gradients": _SOFTMAX.format(body=_GOOD_BODY + "        loss = v1.losses.sparse_softmax_cross_entropy(labels=t, logits=logits)\n        opt = v1.train.GradientDescentOptimizer(learning_rate)\n        train_op = opt.apply_gradients(opt.compute_gradients(loss, [W, b]))"),
    "the log of the softmax, written out": _SOFTMAX.format(body=_GOOD_BODY + "        p = tf.nn.softmax(logits)\n        loss = -tf.reduce_mean(tf.math.log(tf.reduce_sum(p * tf.one_hot(t, n_classes), axis=1)))\n" + _OPT),
})
_RIGHT["train_v1"].update({
    "loss and step in two runs": _TRAIN.format(**_TRAIN_OK).replace("l, _ = sess.run([parts['loss'], parts['train_op']], feed)", "l = sess.run(parts['loss'], feed)\n                sess.run(parts['train_op'], feed)"),
    "a session closed in finally, NumPy .item()": "def train_v1(parts, x, t, epochs, batch_size):\n    sess = v1.Session(graph=parts['graph'])\n    try:\n        sess.run(parts['init'])\n        losses = []\n        for _ in range(epochs):\n            for xb, tb in zip(np.array_split(x, range(batch_size, len(x), batch_size)), np.array_split(t, range(batch_size, len(t), batch_size))):\n                loss, _ = sess.run((parts['loss'], parts['train_op']), feed_dict={parts['x']: xb, parts['t']: tb})\n                losses.append(loss.item())\n        return losses, sess.run(parts['W']), sess.run(parts['b'])\n    finally:\n        sess.close()",
})

if importlib.util.find_spec("tensorflow") is not None:
    WRONG, RIGHT = _WRONG, _RIGHT
else:  # the main venv: nothing to run here (tests/tf/ runs these in .venv-tf)
    WRONG, RIGHT = {}, {}
