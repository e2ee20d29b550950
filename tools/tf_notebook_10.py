"""Writes source/10_tensorflow_v1/10_tensorflow_v1.ipynb (the TF appendix, TensorFlow v1: define-and-run).

    .venv/bin/python tools/tf_notebook_10.py     # then: python -m course release 10_tensorflow_v1
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.authoring import Notebook  # noqa: E402
from course.tf_env import KERNELSPEC  # noqa: E402

AID = "10_tensorflow_v1"
nb = Notebook()
nb.nb.metadata["kernelspec"] = dict(KERNELSPEC)

nb.md(r"""
# 10 · TensorFlow v1: define-and-run (optional appendix: TensorFlow v1 編)

**Estimated time:** 1.5 hours · **Seed:** 004 (CNN lab manual, "6. TensorFlow v1 編") · **Kernel:** Python 3 (TensorFlow)

Part of the **optional appendix**, in the **Python 3 (TensorFlow)** kernel (`make tf`; see `docs/tensorflow.md`).

TensorFlow 2 replaced version 1 in 2019, but a lot of research code (and some researchers) still speak v1. You will
meet it when you run an older project in a v2 environment, or read its code. Seed 004 sums up what differs:

1. **define-and-run** (v1) versus **define-by-run** (v2, PyTorch, and notebook 05's computational graph);
2. v1 has `tf.Session`, v2 does not;
3. v1 has `tf.placeholder`, v2 does not.

**Objectives.** After this notebook you can

1. build a computational graph (計算グラフ) first and run it later in a `Session`, feeding `placeholder`s through
   `feed_dict`;
2. initialise variables, and recognise the error when you forget;
3. train softmax regression on MNIST with `GradientDescentOptimizer` in a v1 training loop;
4. say what define-and-run can and cannot do compared with define-by-run, and why the field moved.

Today v1 lives under `tf.compat.v1`. Fill in each cell marked `# YOUR CODE HERE`, then run the test cell below it.
""")

nb.readonly("setup", r"""
import os
# Set before TensorFlow is imported: otherwise its log lines go to stderr (a test cell writing to stderr scores 0).
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

import time

import numpy as np
import matplotlib.pyplot as plt
import tensorflow as tf

from course.check import call, check, describe, quietly
from course.datasets import load_mnist
from course.grading import pick
from course.plotting import plot_curves
from course.env import report

report()
print(f"TensorFlow {tf.__version__}")
v1 = tf.compat.v1          # TensorFlow 1's API, as it survives in TensorFlow 2
""")

nb.md(r"""
## 1. Define-and-run: a graph first, values later

In v2 (and PyTorch) a line such as `c = a + b` **computes** `c` at once: the graph is built while the values flow
(define-by-run). In v1 the same line only **adds a node** to a graph (define-and-run): `c` is a symbolic tensor
with a name, a shape and a dtype, but no value. A value exists only when a **session** (セッション) runs the graph:

```python
with tf.Session() as sess:          # v1; today tf.compat.v1.Session
    print(sess.run(c))
```

Old scripts begin with `tf.compat.v1.disable_v2_behavior()` (or `disable_eager_execution()`), which switches the whole
Python process to graph mode (`enable_v2_behavior()` switches back). This notebook builds each graph explicitly
instead, inside `with graph.as_default():`. Within that block every operation adds a node to `graph` instead of
running (graph mode, as in v1), and `placeholder`, `Session` and `feed_dict` work as in v1; outside it TensorFlow
stays eager, as v2, so both can be shown side by side. That block is not all of v1, though: the rest of what
`disable_v2_behavior()` switches off stays on. Variables are resource variables (`ResourceVariable`; v1 made
reference variables, `RefVariable`), `tf.cond` and `tf.while_loop` build v2 control flow, and shapes behave as in v2
(`x.shape[1]` is an `int` or `None`, not a `Dimension`). None of that changes a result in this notebook's graphs
(the next cell prints the variable's class); old code that relies on v1's behaviour needs
`tf.compat.v1.disable_v2_behavior()` at its start.
""")

nb.code(r"""
graph = tf.Graph()
with graph.as_default():                 # v1 mode inside this block
    a = tf.constant(2.0, name="a")
    b = tf.constant(3.0, name="b")
    c = tf.add(a, b, name="c")
print("v1, before running:", c)          # a symbolic tensor: a name, a shape, a dtype, no value
print("the graph's operations:", [op.name for op in graph.get_operations()])
with v1.Session(graph=graph) as sess:
    print("v1, sess.run(c):", sess.run(c))

c2 = tf.constant(2.0) + tf.constant(3.0)  # v2: eager, the value is there at once
print("v2:", c2, "->", c2.numpy())
""")

nb.md(r"""
## 2. Placeholders and `feed_dict`; variables and their initialisation

Seed 004 lists the kinds of nodes:

* `tf.constant`: a constant (定数) in the graph; [v1/v2]
* `tf.Variable`: a variable (変数), e.g. a network's weights and biases; [v1/v2] in v1 it **must be initialised**
  inside the session (`sess.run(tf.global_variables_initializer())`) before it can be read;
* `tf.placeholder(dtype, shape)`: an input argument of the graph, e.g. the input nodes of a network. [v1 only] It
  reserves a dtype and a shape (`None` for "any size", usually the batch axis) and gets its value at run time from
  `sess.run(fetches, feed_dict={placeholder: value, ...})`. The shape may be left out (seed 004: 「shapeは省略可」):
  `placeholder(tf.float32)` then accepts a value of any shape, and the graph knows nothing about it in advance.

`sess.run` takes one tensor or a list of them (the **fetches**) and returns their values as NumPy arrays. Reading a
variable that was never initialised is `FailedPreconditionError`, as the cell below shows.
""")

nb.code(r"""
graph = tf.Graph()
with graph.as_default():
    x = v1.placeholder(tf.float32, shape=(None, 2), name="x")       # any number of rows, 2 columns
    w = tf.Variable(tf.ones((2, 1)), name="w")
    y = tf.matmul(x, w)
    init = v1.global_variables_initializer()
with v1.Session(graph=graph) as sess:
    try:
        sess.run(y, feed_dict={x: [[1.0, 2.0]]})
    except tf.errors.FailedPreconditionError as err:
        print("without initialisation:", type(err).__name__, "-", err.message.splitlines()[-1][:120])
    sess.run(init)
    print("after sess.run(init):", sess.run(y, feed_dict={x: [[1.0, 2.0], [3.0, 4.0]]}).ravel())
print("w is a", type(w).__name__, "(graph mode without disable_v2_behavior(): a v2 resource variable)")

graph = tf.Graph()
with graph.as_default():
    anything = v1.placeholder(tf.float32, name="anything")          # no shape: any shape is accepted
    doubled = 2 * anything
print("placeholder without a shape:", anything.shape)
with v1.Session(graph=graph) as sess:
    print("  fed a scalar:", sess.run(doubled, feed_dict={anything: 1.5}),
          "  fed a 2x3 matrix:", sess.run(doubled, feed_dict={anything: np.ones((2, 3))}).shape)
""")

nb.md(r"""
### Exercise 1: `affine_graph(w, b)`

Build, in a **new** `tf.Graph`, the graph of an affine layer $y = xW + b$ for the NumPy arrays `w` (shape `(D, M)`) and
`b` (shape `(M,)`) as constants (`tf.constant(w, dtype=tf.float32)`): a `float32` placeholder `x` of shape `(None, D)`
(any batch size), and `y`. Return `(graph, x, y)`; `y` must belong to `graph`. Nothing is run here: the test runs
your graph in a session.
""")

nb.answer("affine_graph", r"""
def affine_graph(w, b):
    ### BEGIN SOLUTION
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape=(None, w.shape[0]), name="x")
        y = tf.matmul(x, tf.constant(w, dtype=tf.float32)) + tf.constant(b, dtype=tf.float32)
    return graph, x, y
    ### END SOLUTION
""")

nb.test("test_affine_graph", r"""
def _run_graph(graph, fetches, feed):
    with quietly(), v1.Session(graph=graph) as sess:
        return sess.run(fetches, feed_dict=feed)

_w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
_b = np.array([0.5, -1.0, 2.0])
_g, _x, _y = call(affine_graph, _w, _b, _object=True).satisfies(lambda v: len(v) == 3, "a triple (graph, x, y)").value
check(isinstance(_g, tf.Graph) and _y.graph is _g and _x.graph is _g, call="affine_graph(w, b)",
      expected="x and y in the returned graph", got="another graph", hint="build them inside `with graph.as_default():`")
check(_x.op.type == "Placeholder", call="affine_graph(w, b)", expected="x a placeholder", got=_x.op.type,
      hint="x = tf.compat.v1.placeholder(tf.float32, shape=(None, D))")
_feed = np.array([[1.0, 1.0], [0.0, 2.0]], dtype=np.float32)
call(_run_graph, _g, _y, {_x: _feed}, _name="sess.run(y, feed_dict={x: <2 rows>})").close(
    _feed @ _w + _b, rtol=1e-6, hint="y = x @ W + b")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(0)
for _n, _d, _m in ((1, 3, 1), (7, 4, 2), (100, 784, 10)):
    _w, _b = _rng.normal(size=(_d, _m)), _rng.normal(size=_m)
    _g, _x, _y = call(affine_graph, _w, _b, _object=True).value
    check(_x.dtype == tf.float32 and _x.shape.as_list() == [None, _d], call=f"affine_graph(<w of shape ({_d}, {_m})>, b)",
          expected=f"a float32 placeholder of shape (None, {_d})", got=f"{_x.dtype.name} {_x.shape}",
          hint="shape=(None, w.shape[0]): any batch size")
    _feed = _rng.normal(size=(_n, _d)).astype(np.float32)
    call(_run_graph, _g, _y, {_x: _feed}, _name=f"sess.run(y, feed_dict={{x: <{_n} rows>}})").shape((_n, _m)).close(
        _feed.astype(float) @ _w + _b, rtol=1e-4, atol=1e-4)
    check(not [v for v in _g.get_collection(v1.GraphKeys.GLOBAL_VARIABLES)], call="affine_graph(w, b)",
          expected="w and b as constants (the session runs without an initialiser)", got="variables",
          hint="tf.constant(w, dtype=tf.float32)")
_g1, _, _ = call(affine_graph, _w, _b, _object=True).value
_g2, _, _ = call(affine_graph, _w, _b, _object=True).value
check(_g1 is not _g2, call="affine_graph (twice)", expected="a new graph each call", got="the same graph",
      hint="graph = tf.Graph() inside the function")
### END HIDDEN TESTS
""", points=2)

nb.md(r"""
## 3. Training in v1: softmax regression on MNIST

The model of this section is **softmax regression** (ソフトマックス回帰), a single fully connected layer followed by
softmax: logits $z = xW + b$ for $x \in \mathbb{R}^{784}$, $W \in \mathbb{R}^{784 \times 10}$, and the mean
cross-entropy error (交差エントロピー誤差) over a batch of $N$ images with labels $t_n$:

$$
L = -\frac{1}{N} \sum_{n=1}^{N} \log \frac{e^{z_{n, t_n}}}{\sum_k e^{z_{nk}}},
\qquad
\frac{\partial L}{\partial W} = \frac{1}{N} x^\top (p - T), \quad \frac{\partial L}{\partial b} = \frac{1}{N} \sum_n (p_n - T_n),
$$

where $p$ are the softmax probabilities and $T$ the one-hot labels. In v1 the training step is itself a node:
`train_op = tf.compat.v1.train.GradientDescentOptimizer(learning_rate).minimize(loss)` adds the gradient computation
and the update $W \leftarrow W - \eta\, \partial L / \partial W$ to the graph; each `sess.run(train_op, feed_dict=...)`
performs one step of gradient descent (勾配降下法) on the batch fed.

### Exercise 2: `softmax_regression_graph(n_features, n_classes, learning_rate)`

In a new graph create

* placeholders `x` (`float32`, shape `(None, n_features)`) and `t` (`int64`, shape `(None,)`, class numbers);
* variables `W` (zeros, `(n_features, n_classes)`) and `b` (zeros, `(n_classes,)`), both `float32`;
* `logits = x @ W + b`; `loss`, the mean of
  `tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=logits)`;
* `train_op`, a `GradientDescentOptimizer(learning_rate)` minimising `loss`; `init`, the variables' initialiser.

Return them in a dict with the keys `"graph", "x", "t", "W", "b", "logits", "loss", "train_op", "init"`.
""")

nb.answer("softmax_regression_graph", r"""
def softmax_regression_graph(n_features, n_classes, learning_rate):
    ### BEGIN SOLUTION
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, shape=(None, n_features), name="x")
        t = v1.placeholder(tf.int64, shape=(None,), name="t")
        W = tf.Variable(tf.zeros((n_features, n_classes)), name="W")
        b = tf.Variable(tf.zeros((n_classes,)), name="b")
        logits = tf.matmul(x, W) + b
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=logits))
        train_op = v1.train.GradientDescentOptimizer(learning_rate).minimize(loss)
        init = v1.global_variables_initializer()
    return {"graph": graph, "x": x, "t": t, "W": W, "b": b, "logits": logits, "loss": loss,
            "train_op": train_op, "init": init}
    ### END SOLUTION
""")

nb.test("test_softmax_regression_graph", r"""
def _numpy_step(w, b, x, t, lr):
    z = x @ w + b
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(len(t)), t]))
    d = p.copy()
    d[np.arange(len(t)), t] -= 1
    return loss, w - lr * x.T @ d / len(t), b - lr * d.sum(axis=0) / len(t)

def _one_step(parts, x, t):
    with quietly(), v1.Session(graph=parts["graph"]) as sess:
        sess.run(parts["init"])
        loss, _ = sess.run([parts["loss"], parts["train_op"]], feed_dict={parts["x"]: x, parts["t"]: t})
        return loss, sess.run(parts["W"]), sess.run(parts["b"])

_keys = {"graph", "x", "t", "W", "b", "logits", "loss", "train_op", "init"}
_p = call(softmax_regression_graph, 4, 3, 0.5, _object=True).satisfies(lambda v: isinstance(v, dict) and _keys <= set(v),
                                                         f"a dict with the keys {sorted(_keys)}").value
check(all(getattr(_p[_k], "graph", None) is _p["graph"] for _k in _keys - {"graph"}), call="softmax_regression_graph(4, 3, 0.5)",
      expected="every node in the returned graph", got="nodes in another graph", hint="build inside `with graph.as_default():`")
_x = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
_t = np.array([0, 1, 2, 2, 1, 0])
_loss, _w, _b = _numpy_step(np.zeros((4, 3)), np.zeros(3), _x.astype(float), _t, 0.5)
_r = call(_one_step, _p, _x, _t, _name="one sess.run([loss, train_op]) after init")
call(lambda: _r.value[0], _name="loss before the step").close(_loss, rtol=1e-5, hint="log(3) for zero weights and 3 classes")
call(lambda: _r.value[1], _name="W after one step").close(_w, rtol=1e-4, atol=1e-6,
     hint="GradientDescentOptimizer(learning_rate).minimize(loss), the mean cross-entropy")
### BEGIN HIDDEN TESTS
call(lambda: _r.value[2], _name="b after one step").close(_b, rtol=1e-4, atol=1e-6)
check(_p["x"].shape.as_list() == [None, 4] and _p["t"].shape.as_list() == [None] and _p["t"].dtype == tf.int64
      and _p["x"].dtype == tf.float32, call="softmax_regression_graph(4, 3, 0.5)",
      expected="x float32 (None, 4), t int64 (None,)", got=f"x {_p['x'].dtype.name} {_p['x'].shape}, t {_p['t'].dtype.name} {_p['t'].shape}")
_rng = np.random.default_rng(1)
for _n, _d, _k, _lr in ((10, 5, 4, 0.1), (32, 784, 10, 0.5)):
    _p = call(softmax_regression_graph, _d, _k, _lr, _object=True).value
    _x = _rng.random((_n, _d)).astype(np.float32)
    _t = _rng.integers(0, _k, size=_n)
    with quietly(), v1.Session(graph=_p["graph"]) as _sess:
        _sess.run(_p["init"])
        _w, _b = np.zeros((_d, _k)), np.zeros(_k)
        for _step in range(3):
            _loss, _w, _b = _numpy_step(_w, _b, _x.astype(float), _t, _lr)
            _got, _ = _sess.run([_p["loss"], _p["train_op"]], feed_dict={_p["x"]: _x, _p["t"]: _t})
            check(abs(_got - _loss) <= 1e-4 * max(1, abs(_loss)), call=f"softmax_regression_graph({_d}, {_k}, {_lr}): step {_step + 1}",
                  expected=f"loss {_loss:.6f}", got=f"{_got:.6f}", hint="zero initial weights; the mean (not the sum) of the cross-entropy")
        _gw, _gb = _sess.run([_p["W"], _p["b"]])
    check(np.allclose(_gw, _w, atol=1e-5) and np.allclose(_gb, _b, atol=1e-5), call=f"softmax_regression_graph({_d}, {_k}, {_lr})",
          expected="W and b after 3 steps of gradient descent", got="other values", hint="GradientDescentOptimizer(learning_rate)")
### END HIDDEN TESTS
""", points=3)

nb.md(r"""
### Exercise 3: `train_v1(parts, x, t, epochs, batch_size)`

The v1 training loop (ミニバッチ学習): open a `Session` on `parts["graph"]`, run `parts["init"]` once, then for each
epoch run one `train_op` step per mini-batch, **in order** (rows `0..batch_size-1`, then the next `batch_size`, ...;
the last batch may be smaller), fetching the loss with the step: `sess.run([loss, train_op], feed_dict=...)`. Return
`(losses, W, b)`: the list of every step's loss (as Python floats, one per batch, all epochs) and the final `W` and `b`
as NumPy arrays, read with `sess.run` **before** the session closes (a closed session's variables are gone).
""")

nb.answer("train_v1", r"""
def train_v1(parts, x, t, epochs, batch_size):
    ### BEGIN SOLUTION
    losses = []
    with v1.Session(graph=parts["graph"]) as sess:
        sess.run(parts["init"])
        for epoch in range(epochs):
            for start in range(0, len(x), batch_size):
                feed = {parts["x"]: x[start:start + batch_size], parts["t"]: t[start:start + batch_size]}
                loss, _ = sess.run([parts["loss"], parts["train_op"]], feed_dict=feed)
                losses.append(float(loss))
        W, b = sess.run([parts["W"], parts["b"]])
    return losses, W, b
    ### END SOLUTION
""")

nb.test("test_train_v1", r"""
def _reference(parts, x, t, epochs, batch_size):
    out = []
    with quietly(), v1.Session(graph=parts["graph"]) as sess:
        sess.run(parts["init"])
        for _ in range(epochs):
            for s in range(0, len(x), batch_size):
                out.append(float(sess.run([parts["loss"], parts["train_op"]],
                                          feed_dict={parts["x"]: x[s:s + batch_size], parts["t"]: t[s:s + batch_size]})[0]))
        return out, *sess.run([parts["W"], parts["b"]])

_rng = np.random.default_rng(0)
_x = _rng.random((10, 5)).astype(np.float32)
_t = _rng.integers(0, 3, size=10)
_want = _reference(call(softmax_regression_graph, 5, 3, 0.5, _object=True).value, _x, _t, 2, 4)
_r = call(train_v1, call(softmax_regression_graph, 5, 3, 0.5, _object=True).value, _x, _t, 2, 4, _name="train_v1(<graph>, x, t, epochs=2, batch_size=4)")
_r.satisfies(lambda v: len(v) == 3, "a triple (losses, W, b)")
check(len(_r.value[0]) == 6, call=_r.call_text, expected="6 losses: 3 batches (4, 4, 2) in each of 2 epochs",
      got=f"{len(_r.value[0])} losses", hint="one step per batch, the last batch smaller")
call(lambda: _r.value[0], _name="losses").close(_want[0], rtol=1e-5, hint="batches in order; run init once, before the loop")
### BEGIN HIDDEN TESTS
call(lambda: _r.value[1], _name="W").is_instance(np.ndarray, hint="sess.run(W) before the session closes").close(_want[1], rtol=1e-5, atol=1e-7)
call(lambda: _r.value[2], _name="b").close(_want[2], rtol=1e-5, atol=1e-7)
check(all(isinstance(_l, float) for _l in _r.value[0]), call=_r.call_text, expected="Python floats",
      got=str(sorted({type(_l).__name__ for _l in _r.value[0]})), hint="float(loss)")
for _n, _bs, _ep in ((12, 12, 3), (25, 7, 1), (9, 20, 2)):
    _x = _rng.random((_n, 6)).astype(np.float32)
    _t = _rng.integers(0, 4, size=_n)
    _want = _reference(call(softmax_regression_graph, 6, 4, 0.3, _object=True).value, _x, _t, _ep, _bs)
    _got = call(train_v1, call(softmax_regression_graph, 6, 4, 0.3, _object=True).value, _x, _t, _ep, _bs,
                _name=f"train_v1(<graph>, <{_n} rows>, t, epochs={_ep}, batch_size={_bs})").value
    check(len(_got[0]) == len(_want[0]) and np.allclose(_got[0], _want[0], rtol=1e-5)
          and np.allclose(_got[1], _want[1], rtol=1e-5, atol=1e-7), call=f"train_v1(... {_n} rows, epochs={_ep}, batch_size={_bs})",
          expected=f"{len(_want[0])} steps with losses {np.round(_want[0], 5)}", got=f"{len(_got[0])} steps: {np.round(_got[0], 5)}",
          hint="range(0, len(x), batch_size) per epoch, init once")
### END HIDDEN TESTS
""", points=3)

nb.md(r"""
Now on MNIST: softmax regression, the "hello world" of TensorFlow 1's tutorials. Under grading it trains one epoch
on 6 000 images; a full run trains 5 epochs on all 60 000 (seconds).
""")

nb.code(r"""
(x_train, t_train), (x_test, t_test) = load_mnist()          # rows of 784 pixels in [0, 1], labels 0..9
n_train, epochs = pick(full=(60000, 5), grading=(6000, 1))
parts = softmax_regression_graph(784, 10, learning_rate=0.5)
start = time.perf_counter()
losses, W, b = train_v1(parts, x_train[:n_train], t_train[:n_train].astype(np.int64), epochs=epochs, batch_size=100)
print(f"{len(losses)} steps in {time.perf_counter() - start:.1f} s; last loss {losses[-1]:.4f}")
test_accuracy = np.mean((x_test @ W + b).argmax(axis=1) == t_test)
print(f"test accuracy {test_accuracy:.4f}   (softmax regression tops out near 0.92)")

steps_per_epoch = int(np.ceil(n_train / 100))
epoch_means = [float(np.mean(losses[i:i + steps_per_epoch])) for i in range(0, len(losses), steps_per_epoch)]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
axes[0].plot(losses, lw=0.6)
axes[0].set(xlabel="step (mini-batch of 100)", ylabel="cross-entropy", title="training loss per step")
plot_curves(axes[1], {"training": epoch_means}, ylabel="mean cross-entropy", title="per epoch")
plt.tight_layout()
plt.show()
fig, axes = plt.subplots(1, 10, figsize=(12, 1.6))
for k, ax in enumerate(axes):                                  # each class's weights, as an image
    ax.imshow(W[:, k].reshape(28, 28), cmap="RdBu", vmin=-np.abs(W).max(), vmax=np.abs(W).max())
    ax.set(title=str(k), xticks=[], yticks=[])
plt.show()
""")

nb.md(r"""
## 4. Define-and-run versus define-by-run

Notebook 05 built its computational graph **while** running (define-by-run): each layer object remembered its inputs
on the forward pass, and `backward()` walked them back. PyTorch and TensorFlow 2 work the same way. TensorFlow 1 builds
the whole graph **before** any number flows. The difference shows as soon as the model needs a decision:
""")

nb.code(r"""
def clip_eager(v):
    return v if v < 1.0 else tf.constant(1.0)      # plain Python `if` on a value: fine when values exist

print("define-by-run:", clip_eager(tf.constant(3.0)).numpy())
with tf.Graph().as_default():
    p = v1.placeholder(tf.float32, shape=())
    try:
        clip_eager(p)                              # the graph is being built: p has no value to compare
    except TypeError as err:
        print("define-and-run:", type(err).__name__, "-", str(err).splitlines()[0][:110])
    clipped = tf.cond(p < 1.0, lambda: p, lambda: tf.constant(1.0))   # the graph's own control flow
    with v1.Session() as sess:
        print("with tf.cond:", sess.run(clipped, feed_dict={p: 3.0}))
""")

nb.md(r"""
| | define-and-run (TF v1) | define-by-run (TF v2 eager, PyTorch, notebook 05) |
|---|---|---|
| when the graph exists | complete before the first value | built anew by every forward pass |
| Python `if`/`for` on values | no: `tf.cond`, `tf.while_loop` nodes | yes |
| `print`, debugger, NumPy in the middle | no values until `sess.run` | any line, any time |
| inputs | `placeholder` + `feed_dict` | ordinary arguments |
| variables | explicit initialiser in each session | initialised when created |
| whole-graph optimisation, export without Python (servers, phones) | natural: the graph is the program | needs tracing: `tf.function`, `torch.compile`/`torch.export` |

**Why the field moved.** Define-and-run made optimisation and deployment easy, but research code is mostly
experiments, and experiments need debugging, printing and data-dependent control flow. Chainer (2015) and PyTorch
(2016) showed define-by-run could be fast enough; researchers moved, and TensorFlow 2 (2019) made eager execution the
default. The strength of graphs came back **on demand**: `@tf.function` in notebook 09 traces a Python function into
exactly such a graph, where you choose to.

## Summary

* v1: build a `tf.Graph` (symbolic tensors, no values), then `Session.run(fetches, feed_dict=...)` computes values.
  Today: `tf.compat.v1`, inside `with graph.as_default():` or after `tf.compat.v1.disable_v2_behavior()`.
* `placeholder` = graph input (dtype, shape with `None` for the batch); `Variable` = state, initialised with
  `global_variables_initializer()` in each session or `FailedPreconditionError`; `constant` = fixed.
* A training step is a node: `GradientDescentOptimizer(lr).minimize(loss)`, run once per fed mini-batch.
* Define-by-run won research for debuggability and Python control flow; graphs remain, opt-in, as `tf.function`.
""")

nb.save(f"source/{AID}/{AID}.ipynb")
print("wrote", f"source/{AID}/{AID}.ipynb")
