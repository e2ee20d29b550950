"""Writes source/09_tensorflow_keras/09_tensorflow_keras.ipynb (the TF appendix, TensorFlow v2 / Keras).

    .venv/bin/python tools/tf_notebook_09.py     # then: python -m course release 09_tensorflow_keras

The notebook is the truth once written; this script is how it was first authored (edit either, keep
them in step).  It names the "Python 3 (TensorFlow)" kernel of course/tf_env.py.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.authoring import Notebook  # noqa: E402
from course.tf_env import KERNELSPEC  # noqa: E402

AID = "09_tensorflow_keras"
nb = Notebook()
nb.nb.metadata["kernelspec"] = dict(KERNELSPEC)

nb.md(r"""
# 09 · TensorFlow v2 and Keras (optional appendix: TensorFlow v2 編)

**Estimated time:** 2.5 hours · **Seed:** 004 (CNN lab manual, "5. TensorFlow v2 編") · **Kernel:** Python 3 (TensorFlow)

This notebook is part of the **optional appendix**. It runs in its own kernel, **Python 3 (TensorFlow)**, from its own
virtual environment (`make tf` installs it; see `docs/tensorflow.md`): TensorFlow and PyTorch cannot share one Python
process in the versions the course pins, so this notebook never imports torch.

**Objectives.** After this notebook you can

1. create tensors and variables (`tf.constant`, `tf.Variable`) and move between TensorFlow's channels-last layout
   (NHWC) and PyTorch's channels-first layout (NCHW);
2. take gradients with `tf.GradientTape`, and say why a second `gradient()` call on the same tape raises;
3. build an input pipeline with `tf.data.Dataset` (`from_tensor_slices`, `map`, `shuffle`, `batch`);
4. define one model in each of Keras's three ways: the **Sequential**, **Functional** (with a branch) and
   **Subclassing** APIs;
5. train with `compile` / `fit` / `evaluate` / `predict` and read the `History`;
6. train a model with your own `GradientTape` loop, with and without `@tf.function`, and measure its accuracy with
   a metric object (`SparseCategoricalAccuracy`);
7. switch `Dropout`, `BatchNormalization` and `RandomFlip` between training and inference with `training`, and
   train a regression network both ways (the seed's `run_nn`).

The seed's motto: *PyTorchが分かればTensorFlowも分かる* (if you know PyTorch you know TensorFlow); learn what differs.
Three of the seed's snippets do not run as printed with today's TensorFlow (2.21, Keras 3), and two of its descriptions
are wrong for today's Keras (a list in `from_tensor_slices([data, labels])`, `Conv2D`'s `padding` as a number of
pixels); each is shown in its working form below, with the reason.

Fill in each cell marked `# YOUR CODE HERE`, then run the test cell below it. More tests run when your work is graded.
""")

nb.readonly("setup", r"""
import os
# Set before TensorFlow is imported: otherwise its oneDNN and CPU-feature notices go to stderr
# (and a test cell that writes to stderr scores 0).
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

import time

import numpy as np
import matplotlib.pyplot as plt
import tensorflow as tf
import keras

from course.check import call, check, describe, quietly
from course.datasets import load_mnist
from course.grading import pick
from course.plotting import plot_curves
from course.env import report

report()
print(f"TensorFlow {tf.__version__}, Keras {keras.__version__}; "
      f"GPUs: {tf.config.list_physical_devices('GPU') or 'none (TensorFlow runs on the CPU)'}")
keras.utils.set_random_seed(0)   # Python's random, NumPy and TensorFlow in one call
""")

nb.md(r"""
## 1. TensorFlow and Keras

A deep-learning framework (ディープラーニングフレームワーク) gives you tensors, automatic differentiation, layers,
optimizers and data pipelines. Seed 004 teaches two: **PyTorch** (used mostly in research) and **TensorFlow**
(used a lot in industry, with many articles online). **Keras** began as a separate library on top of
TensorFlow; today it is built in: `tf.keras.layers.Dense` is TensorFlow's fully connected layer, as `torch.nn.Linear`
is PyTorch's. (Since TensorFlow 2.16, `tf.keras` *is* Keras 3, which this notebook also imports as `keras`.)

TensorFlow changed deeply between version 1 and version 2; this notebook is version 2, notebook 10 is version 1.

## 2. Tensors and variables (`tf.Tensor`, `tf.Variable`)

A `tf.Tensor` is an immutable array with a `shape` and a `dtype`; `.numpy()` converts it to NumPy. A `tf.Variable`
holds a tensor that can change in place (`assign`, `assign_sub`): model weights are variables. Unlike PyTorch, a
TensorFlow tensor has no `.grad` and no `requires_grad`: gradients are recorded by a separate object, the tape
(section 3). `tf.expand_dims(x, axis)` adds an axis of length 1, like `unsqueeze` in PyTorch.
""")

nb.code(r"""
x = tf.Variable([[1, 2], [3, 4]])              # the seed's example
print(x.shape, x.dtype)
print(x.numpy())
print(tf.expand_dims(x, axis=0).shape)          # (1, 2, 2)
c = tf.constant([1.0, 2.0, 3.0])
print(c * 2 + 1, tf.reduce_sum(c).numpy())
x.assign_add([[10, 10], [10, 10]])              # a variable changes in place; a constant cannot
print(x.numpy())
""")

nb.md(r"""
### 2.1 Channels last (NHWC) versus channels first (NCHW)

The seed stresses a layout difference that costs everyone an afternoon once:

| | a batch of feature maps (特徴マップ) | a convolution's weights |
|---|---|---|
| PyTorch | $(N, C, H, W)$: batch, channel, height, width | $(C_\text{out}, C_\text{in}, k_H, k_W)$ |
| TensorFlow | $(N, H, W, C)$: batch, height, width, channel | $(k_H, k_W, C_\text{in}, C_\text{out})$ |

An image batch in PyTorch's layout becomes TensorFlow's by **moving** the channel axis to the end:
$x^\text{NHWC}_{n,h,w,c} = x^\text{NCHW}_{n,c,h,w}$, a transpose with the axis order $(0, 2, 3, 1)$. A `reshape` to the
same shape is wrong: it keeps the numbers in memory order and scrambles the pixels whenever $C > 1$.

`load_mnist(flatten=False)` returns the book's (and PyTorch's) layout, `(N, 1, 28, 28)` float32 in $[0, 1]$.

### Exercise 1: `to_nhwc(x)`

Take a NumPy batch `x` of shape `(N, C, H, W)` and return a **`tf.Tensor`** of shape `(N, H, W, C)` and dtype
`float32` with $y_{n,h,w,c} = x_{n,c,h,w}$ (use `tf.transpose` with `perm`, or NumPy's `transpose` and
`tf.convert_to_tensor`). Do not change `x`.
""")

nb.answer("to_nhwc", r"""
def to_nhwc(x):
    ### BEGIN SOLUTION
    return tf.transpose(tf.convert_to_tensor(x, dtype=tf.float32), perm=[0, 2, 3, 1])
    ### END SOLUTION
""")

nb.test("test_to_nhwc", r"""
_x = np.arange(2 * 3 * 4 * 5, dtype=np.float32).reshape(2, 3, 4, 5)   # N=2, C=3, H=4, W=5
_r = call(to_nhwc, _x)
_r.is_instance(tf.Tensor, hint="return a TensorFlow tensor, e.g. tf.transpose(...) or tf.convert_to_tensor(...)")
_r.shape((2, 4, 5, 3), hint="move the channel axis to the end: perm=[0, 2, 3, 1]")
_r.close(np.transpose(_x, (0, 2, 3, 1)), hint="transpose, do not reshape: y[n, h, w, c] = x[n, c, h, w]")
_r.inputs_unchanged()
### BEGIN HIDDEN TESTS
_r.satisfies(lambda v: v.dtype == tf.float32, "a float32 tensor", hint="convert with dtype=tf.float32")
_x64 = np.random.default_rng(1).normal(size=(3, 2, 6, 7))              # float64 in, float32 out
_r = call(to_nhwc, _x64)
_r.is_instance(tf.Tensor)
_r.satisfies(lambda v: v.dtype == tf.float32, "a float32 tensor from float64 input", hint="dtype=tf.float32")
_r.close(np.transpose(_x64, (0, 2, 3, 1)), rtol=1e-6, atol=1e-6)
_r.inputs_unchanged()
_one = np.random.default_rng(2).random((4, 1, 28, 28), dtype=np.float32)   # MNIST's layout
call(to_nhwc, _one).shape((4, 28, 28, 1)).close(_one.reshape(4, 28, 28, 1))
_sq = np.random.default_rng(3).random((1, 3, 5, 5), dtype=np.float32)       # H == W == 5, C == 3
call(to_nhwc, _sq).close(np.transpose(_sq, (0, 2, 3, 1)), hint="perm=[0, 2, 3, 1], not [0, 3, 2, 1]")
### END HIDDEN TESTS
""", points=2)

nb.code(r"""
(x_train_nchw, t_train), (x_test_nchw, t_test) = load_mnist(flatten=False)   # float32 in [0, 1], labels 0..9
x_train = to_nhwc(x_train_nchw).numpy()
x_test = to_nhwc(x_test_nchw).numpy()
print("PyTorch layout:", x_train_nchw.shape, "  TensorFlow layout:", x_train.shape, x_train.dtype)
fig, axes = plt.subplots(1, 8, figsize=(10, 1.6))
for ax, img, label in zip(axes, x_train[:8], t_train[:8]):
    ax.imshow(img[:, :, 0], cmap="gray")
    ax.set(title=str(label), xticks=[], yticks=[])
plt.show()
""")

nb.md(r"""
## 3. Gradients with `tf.GradientTape` (勾配テープ)

In PyTorch a tensor remembers how it was computed and `loss.backward()` writes `.grad` into each parameter. TensorFlow
records the computation on a **tape** instead: every operation on a watched tensor (every trainable `tf.Variable` is
watched) inside `with tf.GradientTape() as tape:` is written down, and after the block

```python
grads = tape.gradient(target, sources)      # target: the value to differentiate; sources: a list of variables
```

plays the tape backwards (reverse-mode automatic differentiation, 誤差逆伝播法) and returns one gradient per source,
in the same order. For $y = x^2$ at $x = 3$, $\partial y / \partial x = 2x = 6$.

The seed's warning: `gradient()` may be called **once** per tape. The tape frees its records when it has been played,
so a second call raises `RuntimeError`. Ask for all the gradients you need in one call (pass a list of sources), or
create the tape with `tf.GradientTape(persistent=True)` (and `del tape` when done).
""")

nb.code(r"""
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x ** 2
print("dy/dx =", tape.gradient(y, x).numpy())
try:
    tape.gradient(y, x)                          # a second call on the same tape
except RuntimeError as err:
    print("second call:", type(err).__name__, "-", err)

with tf.GradientTape(persistent=True) as tape:
    y = x ** 2
    z = y ** 2                                   # z = x^4
print("persistent tape: dy/dx =", tape.gradient(y, x).numpy(), " dz/dx =", tape.gradient(z, x).numpy())
del tape
""")

nb.md(r"""
### Exercise 2: `mse_and_gradients(w, b, x, t)`

A linear model $y = xW + b$ with the mean squared error (平均二乗誤差)
$L = \frac{1}{NM}\sum_{n,m} (y_{nm} - t_{nm})^2$ over an $N \times M$ output. Given the variables `w` (shape
`(D, M)`) and `b` (shape `(M,)`) and the arrays `x` `(N, D)` and `t` `(N, M)`, compute $L$ **inside** a
`tf.GradientTape` and return `(loss, [dL/dw, dL/db])`: the loss as a scalar tensor and the two gradients as tensors
shaped like `w` and `b`. (`tf.reduce_mean(tf.square(...))` is $L$; inputs may arrive as float64 NumPy arrays: cast them
to the variables' dtype, `float32`.) Do not change `w` or `b`.

For checking by hand: $\partial L / \partial W = \frac{2}{NM} x^\top (y - t)$ and
$\partial L / \partial b = \frac{2}{NM} \sum_n (y_n - t_n)$.
""")

nb.answer("mse_and_gradients", r"""
def mse_and_gradients(w, b, x, t):
    ### BEGIN SOLUTION
    x = tf.convert_to_tensor(x, dtype=tf.float32)
    t = tf.convert_to_tensor(t, dtype=tf.float32)
    with tf.GradientTape() as tape:
        y = tf.matmul(x, w) + b
        loss = tf.reduce_mean(tf.square(y - t))
    dw, db = tape.gradient(loss, [w, b])
    return loss, [dw, db]
    ### END SOLUTION
""")

nb.test("test_mse_and_gradients", r"""
def _expected(w, b, x, t):
    y = x @ w + b
    n = y.size
    return np.mean((y - t) ** 2), [2 / n * x.T @ (y - t), 2 / n * (y - t).sum(axis=0)]

_rng = np.random.default_rng(0)
_w0, _b0 = _rng.normal(size=(3, 2)).astype(np.float32), _rng.normal(size=2).astype(np.float32)
_x, _t = _rng.normal(size=(5, 3)), _rng.normal(size=(5, 2))
_w, _b = tf.Variable(_w0), tf.Variable(_b0)
_r = call(mse_and_gradients, _w, _b, _x, _t)
_loss, _grads = _expected(_w0.astype(float), _b0.astype(float), _x, _t)
_r.satisfies(lambda v: len(v) == 2 and len(v[1]) == 2, "a pair (loss, [dL/dw, dL/db])")
call(lambda: _r.value[0], _name="loss").close(_loss, rtol=1e-4, hint="tf.reduce_mean(tf.square(y - t))")
call(lambda: _r.value[1][0], _name="dL/dw").satisfies(lambda g: g is not None, "a gradient, not None",
     hint="compute the loss inside `with tf.GradientTape() as tape:`").close(_grads[0], rtol=1e-4, atol=1e-6)
call(lambda: _r.value[1][1], _name="dL/db").close(_grads[1], rtol=1e-4, atol=1e-6)
### BEGIN HIDDEN TESTS
check(np.array_equal(_w.numpy(), _w0) and np.array_equal(_b.numpy(), _b0), call="mse_and_gradients(w, b, x, t)",
      expected="w and b unchanged", got="they were changed", hint="only compute gradients; do not update")
for _seed, (_n, _d, _m) in ((1, (7, 4, 1)), (2, (1, 2, 3)), (3, (50, 6, 4))):
    _rng = np.random.default_rng(_seed)
    _w0, _b0 = _rng.normal(size=(_d, _m)).astype(np.float32), _rng.normal(size=_m).astype(np.float32)
    _x, _t = _rng.normal(size=(_n, _d)).astype(np.float32), _rng.normal(size=(_n, _m)).astype(np.float32)
    _r = call(mse_and_gradients, tf.Variable(_w0), tf.Variable(_b0), _x, _t)
    _loss, _grads = _expected(_w0.astype(float), _b0.astype(float), _x.astype(float), _t.astype(float))
    call(lambda: _r.value[0], _name=f"loss (N={_n}, D={_d}, M={_m})").close(_loss, rtol=1e-4, atol=1e-6)
    call(lambda: _r.value[1][0], _name=f"dL/dw (N={_n}, D={_d}, M={_m})").shape((_d, _m)).close(
        _grads[0], rtol=1e-4, atol=1e-5, hint="the mean runs over all N*M elements")
    call(lambda: _r.value[1][1], _name=f"dL/db (N={_n}, D={_d}, M={_m})").shape((_m,)).close(
        _grads[1], rtol=1e-4, atol=1e-5)
### END HIDDEN TESTS
""", points=2)

nb.md(r"""
## 4. Input pipelines with `tf.data.Dataset` (データセット)

`tf.data.Dataset` is TensorFlow's dataset **and** data loader in one. `tf.data.Dataset.from_tensor_slices((x, t))`
cuts the arrays along their first axis into `(image, label)` pairs; methods chain into a pipeline that a `for` loop
(or `fit`) iterates over:

* `shuffle(buffer_size, seed=...)`: a random order; a buffer as large as the data set shuffles it completely, and the
  order changes every epoch (pass over the data);
* `batch(batch_size)`: stacks consecutive elements into mini-batches (ミニバッチ); the last one may be smaller;
* `map(f)`: applies `f` to every element (preprocessing, 前処理; data augmentation, データ拡張).

**The seed's snippet `...batch(100).map(lambda x: x / 255)` fails**: each element is a *pair*, so `map` calls
`f(x, t)` with two arguments (`TypeError: <lambda>() takes 1 positional argument but 2 were given`), and dividing the
labels by 255 would be wrong anyway. The working form takes both and scales only the images:
`.map(lambda x, t: (tf.cast(x, tf.float32) / 255.0, t))`. Order matters too: `shuffle` **before** `batch` shuffles
samples; after `batch` it would only shuffle whole batches, whose contents stay the same every epoch.

The seed writes the pair as a **list**, `from_tensor_slices([data, labels])`, but its own example uses a **tuple**,
`from_tensor_slices((X_train, y_train))`, as this notebook does. Only the tuple works as meant: a tuple (or a dict) is
a structure whose parts are cut into slices side by side, while a list is first converted into **one** tensor. Images
and labels of different shapes then fail (`ValueError: Can't convert non-rectangular Python sequence to Tensor`), and
two arrays of the same shape are stacked, so that the dataset has 2 elements, all the data and then all the labels,
instead of one pair per sample. The cell after Exercise 3 shows both.

### Exercise 3: `make_dataset(x, t, batch_size, seed=None)`

`x` is a NumPy array of `uint8` images (0..255, any shape after the first axis), `t` the labels. Return a
`tf.data.Dataset` of batches `(images, labels)` where the images are `float32` in $[0, 1]$ and the labels unchanged;
when `seed` is not `None`, shuffle all the samples (a buffer of `len(x)`, with `seed=seed`) before batching; when it is
`None`, keep the order.

**Graded:** the batches (sizes, the last one smaller), the images (`float32`, $x/255$) and the labels (unchanged, each
with its own image); without a seed, the original order. With a seed: the same seed gives the same order, two seeds
give two orders, single samples are shuffled (not whole batches), and some sample moves 150 or more places (a buffer
of `len(x)`). Not graded: TensorFlow's exact order, and whether a second pass over the dataset gives a new order.
""")

nb.answer("make_dataset", r"""
def make_dataset(x, t, batch_size, seed=None):
    ### BEGIN SOLUTION
    ds = tf.data.Dataset.from_tensor_slices((x, t))
    if seed is not None:
        ds = ds.shuffle(len(x), seed=seed)
    ds = ds.batch(batch_size)
    return ds.map(lambda images, labels: (tf.cast(images, tf.float32) / 255.0, labels))
    ### END SOLUTION
""")

nb.test("test_make_dataset", r"""
# 10 tiny "images" whose pixels all hold 25 * label, so every image says which label it belongs to
_t = np.arange(10, dtype=np.int64)
_x = np.repeat((25 * _t).astype(np.uint8)[:, None, None], 3, axis=1).repeat(2, axis=2)    # shape (10, 3, 2)
_ds = call(make_dataset, _x, _t, 4, _object=True).is_instance(tf.data.Dataset, hint="return the tf.data.Dataset").value
_batches = call(lambda: [(a.numpy(), b.numpy()) for a, b in _ds], _name="list(make_dataset(x, t, 4))").value
check([len(b) for _, b in _batches] == [4, 4, 2], call="make_dataset(x, t, 4)", expected="batches of 4, 4, 2",
      got=str([len(b) for _, b in _batches]), hint="ds.batch(batch_size)")
_imgs = np.concatenate([a for a, _ in _batches])
check(_imgs.dtype == np.float32 and np.allclose(_imgs, _x / 255.0), call="make_dataset(x, t, 4)",
      expected="float32 images in [0, 1] (x / 255)", got=f"{_imgs.dtype} values from {_imgs.min()} to {_imgs.max()}",
      hint="map(lambda x, t: (tf.cast(x, tf.float32) / 255.0, t))")
check(np.array_equal(np.concatenate([b for _, b in _batches]), _t), call="make_dataset(x, t, 4)",
      expected="the labels unchanged, in order", got=describe(np.concatenate([b for _, b in _batches])),
      hint="scale only the images; without a seed, do not shuffle")
### BEGIN HIDDEN TESTS
def _pairs_ok(batches):
    return all(np.allclose(a.reshape(len(a), -1), (25 * b / 255.0)[:, None]) for a, b in batches)

_n = 200
_t = np.arange(_n) % 10
_x = np.repeat((25 * _t).astype(np.uint8)[:, None, None], 2, axis=1).repeat(2, axis=2)
for _seed in (0, 7):
    _ds = call(make_dataset, _x, _t, 16, seed=_seed, _object=True).value
    _ep1 = call(lambda: [(a.numpy(), b.numpy()) for a, b in _ds], _name=f"one epoch of make_dataset(..., seed={_seed})").value
    _ep2 = [(a.numpy(), b.numpy()) for a, b in _ds]
    _labels = np.concatenate([b for _, b in _ep1])
    check(sorted(_labels.tolist()) == sorted(_t.tolist()), call=f"make_dataset(x, t, 16, seed={_seed})",
          expected="every sample exactly once per epoch", got=f"{len(_labels)} labels", hint="shuffle(len(x), seed=seed)")
    check(_pairs_ok(_ep1), call=f"make_dataset(x, t, 16, seed={_seed})", expected="each image still with its own label",
          got="images and labels shuffled apart", hint="shuffle the (x, t) pairs together: from_tensor_slices((x, t))")
    check(not np.array_equal(_labels, _t), call=f"make_dataset(x, t, 16, seed={_seed})", expected="a shuffled order",
          got="the original order", hint="when seed is not None, ds.shuffle(len(x), seed=seed)")
    # shuffled samples, not shuffled batches: a batch of 16 consecutive samples holds labels (k..k+15) % 10
    _runs = sum(np.array_equal(np.sort(b), np.sort((np.arange(len(b)) + b[0]) % 10)) for _, b in _ep1)
    check(_runs < len(_ep1) // 2, call=f"make_dataset(x, t, 16, seed={_seed})",
          expected="samples shuffled before batching", got="batches of consecutive samples (whole batches shuffled)",
          hint="shuffle(...) before batch(...)")
_big = np.random.default_rng(0).integers(0, 256, size=(33, 28, 28, 1)).astype(np.uint8)
_ds = call(make_dataset, _big, np.zeros(33, np.int64), 32, _object=True).value
_b = [a.numpy() for a, _ in _ds]
check([len(a) for a in _b] == [32, 1] and _b[0].shape[1:] == (28, 28, 1) and _b[0].dtype == np.float32
      and np.allclose(np.concatenate(_b), _big / 255.0, atol=1e-7), call="make_dataset(<33 images 28x28x1>, t, 32)",
      expected="float32 batches of shape (32, 28, 28, 1) and (1, 28, 28, 1), values x / 255",
      got=str([(a.shape, a.dtype) for a in _b]))
### END HIDDEN TESTS
""", points=3)

nb.code(r"""
(x_raw, t_raw), _ = load_mnist(normalize=False, flatten=False)        # uint8 0..255
x_raw = np.transpose(x_raw, (0, 2, 3, 1))                              # NHWC
demo_ds = make_dataset(x_raw[:1000], t_raw[:1000], batch_size=100, seed=0)
images, labels = next(iter(demo_ds))
print("one batch:", images.shape, images.dtype, "values", float(tf.reduce_min(images)), "to",
      float(tf.reduce_max(images)), "; labels", labels[:10].numpy())
print("element spec:", demo_ds.element_spec)
""")

nb.code(r"""
# the seed's form, from_tensor_slices([data, labels]): a list is made into ONE tensor first
try:
    tf.data.Dataset.from_tensor_slices([x_raw[:1000], t_raw[:1000]])
except ValueError as err:
    print("from_tensor_slices([images, labels]):", type(err).__name__, "-", err)
a, b = np.arange(6).reshape(3, 2), 10 * np.arange(6).reshape(3, 2)     # two arrays of the same shape
as_list = tf.data.Dataset.from_tensor_slices([a, b])
as_tuple = tf.data.Dataset.from_tensor_slices((a, b))
print("a list of two (3, 2) arrays:", len(as_list), "elements:", [e.numpy().tolist() for e in as_list])
print("a tuple of the same arrays: ", len(as_tuple), "elements:", [tuple(v.numpy().tolist() for v in e) for e in as_tuple])
""")

nb.md(r"""
## 5. Three ways to define a model (モデルの定義方法)

`keras.layers` has the layers of seed 004: `Dense(units, activation)` (fully connected, 全結合層),
`Conv2D(filters, kernel_size, padding)` (convolution, 畳み込み層), `MaxPool2D`, `ReLU`, `Softmax`, `Flatten`,
`Dropout`, `Concatenate`, `Reshape`, `RandomFlip`. Unlike PyTorch, a layer is **not told its input size**: `Dense(100)`
creates its weight matrix the first time it sees an input, from that input's last axis.

`Conv2D`'s `padding` is **not** a number of pixels, whatever the seed says (「padding: パディング数」: that is PyTorch's
`Conv2d(padding=p)`). In Keras it is a string: `"valid"` (no padding, the default: a 3×3 kernel turns 28×28 into
26×26) or `"same"` (zeros around the input so that, with stride 1, the output keeps the input's height and width). A
number such as `padding=1` is an error; a padding of $p$ pixels is a layer of its own, `ZeroPadding2D(p)`.

Data augmentation layers (データ拡張層) such as `RandomFlip("horizontal")` transform only in training mode:
`flip(x, training=True)` mirrors each image left-right with probability ½, `flip(x, training=False)` returns it
unchanged. Inside a model, `fit` runs them in training mode and `evaluate` and `predict` in inference mode; called on
its own without `training`, `RandomFlip` flips (its default is `training=True`). The cell below shows both layers.

As the seed warns (注意: 「tfでは最終層活性化関数(softmaxなど)の定義が必要」), a Keras classifier ends in its activation
(`activation="softmax"`), and the loss `SparseCategoricalCrossentropy()` then expects probabilities. (PyTorch's `CrossEntropyLoss` takes logits; in Keras
that is `SparseCategoricalCrossentropy(from_logits=True)`.)

1. **Sequential API**: a list of layers, each feeding the next. The simplest, but one input, one output, no branches.
   The seed writes `model = tf.keras.Model()` and then `model.add(...)`: that fails (`Model` has no `add`); the
   class with `add` is **`keras.Sequential`**: `keras.Sequential([...])` or `keras.Sequential()` then `.add(...)`.
2. **Functional API**: start from `inputs = keras.Input(shape)`, call layers on tensors (`x = layer(x)`), and finish with
   `keras.Model(inputs=inputs, outputs=outputs)`. Branches (分岐) and merges (合流, `Concatenate`) and several inputs
   or outputs are possible.
3. **Subclassing API**: a class that inherits `keras.Model`, creates its layers in `__init__` (after
   `super().__init__()`) and connects them in **`call(self, x, training=False)`**, Keras's `forward`. (The seed says
   `__call__`; override `call`, and Keras's own `__call__` calls it.) Layers such as `Dropout` and
   `BatchNormalization` behave differently in training and inference (seed: 「__call__のtraining引数で、モードを変える」),
   so `call` takes a `training` argument and passes it on to them (section 8 shows batch normalisation's two modes).

The three exercises build models for MNIST in TensorFlow's layout, `(28, 28, 1)` per image, with 10 softmax outputs.
""")

nb.code(r"""
# padding is a string in Keras: "valid" (none, the default) or "same"; a number of pixels is refused
probe = np.zeros((1, 28, 28, 1), np.float32)
for padding in ("valid", "same"):
    print(f'Conv2D(8, 3, padding="{padding}"): output shape', keras.layers.Conv2D(8, 3, padding=padding)(probe).shape)
try:
    keras.layers.Conv2D(8, 3, padding=1)
except (ValueError, AttributeError) as err:
    print("Conv2D(8, 3, padding=1):", type(err).__name__, "-", err)
print("a count of pixels: ZeroPadding2D(1) then Conv2D(8, 3):",
      keras.layers.Conv2D(8, 3)(keras.layers.ZeroPadding2D(1)(probe)).shape)

# data augmentation (データ拡張) as a layer: RandomFlip acts only in training mode
flip = keras.layers.RandomFlip("horizontal", seed=0)
digits = x_train[:8]
flipped = flip(digits, training=True).numpy()
was_flipped = [bool(np.array_equal(f, d[:, ::-1])) for f, d in zip(flipped, digits)]
print("training=True, flipped left-right:", was_flipped)
print("training=False, unchanged:", bool(np.array_equal(flip(digits, training=False).numpy(), digits)))
print("no training argument (RandomFlip's default is training=True), some flipped:",
      not np.array_equal(flip(digits).numpy(), digits))
fig, axes = plt.subplots(2, 8, figsize=(10, 2.9))
for i in range(8):
    axes[0, i].imshow(digits[i, :, :, 0], cmap="gray")
    axes[1, i].imshow(flipped[i, :, :, 0], cmap="gray")
    axes[1, i].set_title("flipped" if was_flipped[i] else "as is", fontsize=9)
for ax in axes.flat:
    ax.set(xticks=[], yticks=[])
axes[0, 0].set_ylabel("input")
axes[1, 0].set_ylabel("training=True")
plt.tight_layout()
plt.show()
""")

nb.md(r"""
### Exercise 4: `build_sequential()`

Return a `keras.Sequential` model: `Input((28, 28, 1))` → `Flatten` → `Dense(100, relu)` → `Dense(10, softmax)`
(784·100 + 100 + 100·10 + 10 = 79 510 parameters).
""")

nb.answer("build_sequential", r"""
def build_sequential():
    ### BEGIN SOLUTION
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    ### END SOLUTION
""")

MODEL_HELPERS = r"""
def _probabilities_ok(model, name, n=5):
    _imgs = np.random.default_rng(0).random((n, 28, 28, 1), dtype=np.float32)
    _r = call(lambda: model(_imgs, training=False), _name=f"{name}(<{n} images 28x28x1>)")
    _r.shape((n, 10), hint="10 outputs per image")
    _r.satisfies(lambda p: np.all(np.asarray(p) >= 0) and np.allclose(np.sum(np.asarray(p), axis=1), 1, atol=1e-5),
                 "probabilities: non-negative, summing to 1 per image", hint="end with Dense(10, activation='softmax')")
    return _r
"""

nb.test("test_build_sequential", MODEL_HELPERS + r"""
_m = call(build_sequential, _object=True).is_instance(keras.Sequential, hint="return keras.Sequential([...])").value
_probabilities_ok(_m, "build_sequential()")
call(_m.count_params, _name="build_sequential().count_params").equal(79510,
     hint="Flatten, Dense(100), Dense(10): 784*100 + 100 + 100*10 + 10")
### BEGIN HIDDEN TESTS
_dense = [l for l in _m.layers if isinstance(l, keras.layers.Dense)]
check([l.units for l in _dense] == [100, 10], call="build_sequential()", expected="Dense layers of 100 and 10 units",
      got=str([l.units for l in _dense]))
_act = np.asarray(_dense[0].activation(tf.constant([-2.0, 0.5, 3.0])))
check(np.allclose(_act, [0.0, 0.5, 3.0]), call="build_sequential()", expected="Dense(100, activation='relu'): relu(-2, 0.5, 3) = (0, 0.5, 3)",
      got=f"its activation gives {_act}", hint="activation='relu'")
check(tuple(_m.input_shape) == (None, 28, 28, 1), call="build_sequential()", expected="input shape (None, 28, 28, 1)",
      got=str(_m.input_shape), hint="keras.Input((28, 28, 1)) first")
### END HIDDEN TESTS
""", points=2)

nb.md(r"""
### Exercise 5: `build_functional()` (a branch and a merge)

With the Functional API, one input `keras.Input((28, 28, 1))` feeds two branches (分岐) whose outputs are merged
(合流) with `keras.layers.Concatenate()` and classified:

* branch A: `Flatten` → `Dense(32, relu)`;
* branch B: `Conv2D(8, 3, activation="relu")` (`padding="valid"`, the default) → `MaxPool2D(2)` → `Flatten` →
  `Dense(32, relu)`;
* merge: `Concatenate()([a, b])` (64 values) → `Dense(10, softmax)`.

Return `keras.Model(inputs=..., outputs=...)`. Parameters: A 25 120; B 80 + 43 296 (13·13·8 = 1 352 values into 32 units); head 650; 69 146 in all.
""")

nb.answer("build_functional", r"""
def build_functional():
    ### BEGIN SOLUTION
    inputs = keras.Input((28, 28, 1))
    a = keras.layers.Flatten()(inputs)
    a = keras.layers.Dense(32, activation="relu")(a)
    b = keras.layers.Conv2D(8, 3, activation="relu")(inputs)
    b = keras.layers.MaxPool2D(2)(b)
    b = keras.layers.Flatten()(b)
    b = keras.layers.Dense(32, activation="relu")(b)
    x = keras.layers.Concatenate()([a, b])
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs)
    ### END SOLUTION
""")

nb.test("test_build_functional", MODEL_HELPERS + r"""
_m = call(build_functional, _object=True).is_instance(keras.Model, hint="return keras.Model(inputs=..., outputs=...)").value
_probabilities_ok(_m, "build_functional()")
check(any(isinstance(l, keras.layers.Concatenate) for l in _m.layers), call="build_functional()",
      expected="a Concatenate layer that merges the two branches", got=str([type(l).__name__ for l in _m.layers]),
      hint="keras.layers.Concatenate()([a, b])")
call(_m.count_params, _name="build_functional().count_params").equal(69146,
     hint="A: Flatten, Dense(32); B: Conv2D(8, 3), MaxPool2D(2), Flatten, Dense(32); then Dense(10)")
### BEGIN HIDDEN TESTS
_convs = [l for l in _m.layers if isinstance(l, keras.layers.Conv2D)]
check(len(_convs) == 1 and _convs[0].filters == 8 and tuple(_convs[0].kernel_size) == (3, 3)
      and tuple(_convs[0].kernel.shape) == (3, 3, 1, 8), call="build_functional()",
      expected="one Conv2D(8, 3) whose kernel has TensorFlow's shape (3, 3, 1, 8)",
      got=str([(l.filters, tuple(l.kernel.shape)) for l in _convs]))
_cat = next(l for l in _m.layers if isinstance(l, keras.layers.Concatenate))
check(tuple(_cat.output.shape) == (None, 64), call="build_functional()", expected="Concatenate output (None, 64)",
      got=str(tuple(_cat.output.shape)))
check(len(_m.inputs) == 1 and tuple(_m.inputs[0].shape) == (None, 28, 28, 1), call="build_functional()",
      expected="one input of shape (None, 28, 28, 1)", got=str([tuple(i.shape) for i in _m.inputs]))
# the branches really start from the same input: zeroing the conv kernel changes the output only through branch B
_probe = np.random.default_rng(5).random((3, 28, 28, 1), dtype=np.float32)
_before = _m(_probe).numpy()
_convs[0].kernel.assign(tf.zeros_like(_convs[0].kernel))
_convs[0].bias.assign(tf.ones_like(_convs[0].bias))
check(not np.allclose(_before, _m(_probe).numpy()), call="build_functional()", expected="branch B feeds the output",
      got="the output does not depend on the Conv2D branch")
### END HIDDEN TESTS
""", points=2)

nb.md(r"""
### Exercise 6: `MLP` by subclassing

Complete the class: in `__init__`, after `super().__init__()`, create `Flatten`, `Dense(100, relu)`, `Dropout(0.2)`
and `Dense(10, softmax)` as attributes; in `call(self, x, training=False)` connect them in that order, passing
`training=training` to the dropout layer (dropout is active only while training, ドロップアウト).
""")

nb.answer("mlp", r"""
class MLP(keras.Model):
    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.flatten = keras.layers.Flatten()
        self.fc1 = keras.layers.Dense(100, activation="relu")
        self.dropout = keras.layers.Dropout(0.2)
        self.fc2 = keras.layers.Dense(10, activation="softmax")
        ### END SOLUTION

    def call(self, x, training=False):
        ### BEGIN SOLUTION
        x = self.flatten(x)
        x = self.fc1(x)
        x = self.dropout(x, training=training)
        return self.fc2(x)
        ### END SOLUTION
""")

nb.test("test_mlp", MODEL_HELPERS + r"""
_m = call(MLP).value
_probabilities_ok(_m, "MLP()")
call(_m.count_params, _name="MLP().count_params").equal(79510, hint="Flatten, Dense(100), Dropout, Dense(10)")
### BEGIN HIDDEN TESTS
_imgs = np.random.default_rng(1).random((64, 28, 28, 1), dtype=np.float32)
_i1, _i2 = _m(_imgs, training=False).numpy(), _m(_imgs, training=False).numpy()
check(np.array_equal(_i1, _i2), call="MLP()(x, training=False)", expected="the same output twice (no dropout)",
      got="two different outputs", hint="dropout only when training: self.dropout(x, training=training)")
_t1, _t2 = _m(_imgs, training=True).numpy(), _m(_imgs, training=True).numpy()
check(not np.allclose(_t1, _t2), call="MLP()(x, training=True)", expected="dropout active: outputs differ between calls",
      got="the same output twice", hint="pass training=training to the Dropout layer")
check(any(isinstance(l, keras.layers.Dropout) and abs(l.rate - 0.2) < 1e-9 for l in _m.layers), call="MLP()",
      expected="a Dropout(0.2) layer", got=str([type(l).__name__ for l in _m.layers]))
check(np.allclose(_m.predict(_imgs[:4], verbose=0), _i1[:4], atol=1e-6), call="MLP().predict(x)",
      expected="predict = the model in inference mode", got="something else",
      hint="call(self, x, training=False): the default is inference")
### END HIDDEN TESTS
""", points=2)

nb.md(r"""
## 6. `compile`, `fit`, `evaluate`, `predict`

Seed 004's first way to train: create the parts (model, loss function, optimizer, metrics) and leave the rest to Keras.

* `model.compile(optimizer, loss, metrics)`: sets the optimizer (`keras.optimizers.Adam()`; unlike PyTorch it is
  **not** given `model.parameters()`), the loss (`keras.losses.SparseCategoricalCrossentropy()`; *Sparse* means
  the labels are class numbers, not one-hot vectors) and metrics (`"accuracy"`).
* `history = model.fit(x, t, batch_size, epochs, validation_split)`: the whole training loop, with logging.
  `validation_split=0.1` holds out the **last** 10 % of `x` as validation data (検証データ). The return value is a
  `History` whose `.history` is a dict of lists, one value per epoch: `loss`, `accuracy`, `val_loss`, `val_accuracy`.
* `model.evaluate(x, t)`: loss and metrics on other data (test data, テストデータ);
* `model.predict(x)`: the outputs (inference, 推論), as NumPy.

### Exercise 7: `compile_and_fit(model, x, t, epochs, batch_size)`

Compile `model` with `keras.optimizers.Adam(learning_rate=1e-3)`, `keras.losses.SparseCategoricalCrossentropy()` and
`metrics=["accuracy"]`, fit it on `x, t` for `epochs` epochs of `batch_size` with `validation_split=0.1` and
`verbose=0` (no progress bar), and return the `History`.
""")

nb.answer("compile_and_fit", r"""
def compile_and_fit(model, x, t, epochs, batch_size):
    ### BEGIN SOLUTION
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model.fit(x, t, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0)
    ### END SOLUTION
""")

nb.test("test_compile_and_fit", r"""
def _call(*args, **kwargs):
    # course.check.call copies its arguments first (to see whether they changed); copying a Keras model or
    # optimizer makes Keras warn, so that copy is made quietly too
    with quietly():
        return call(*args, **kwargs)

keras.utils.set_random_seed(0)
_xs = np.random.default_rng(0).random((200, 28, 28, 1), dtype=np.float32)
_ts = (_xs[:, :14].mean(axis=(1, 2, 3)) > _xs[:, 14:].mean(axis=(1, 2, 3))).astype(np.int64)   # top half brighter?
_model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
_h = _call(compile_and_fit, _model, _xs, _ts, 3, 20, _object=True).is_instance(keras.callbacks.History, hint="return what fit returns").value
check(set(_h.history) >= {"loss", "accuracy", "val_loss", "val_accuracy"}, call="compile_and_fit(...).history",
      expected="keys loss, accuracy, val_loss, val_accuracy", got=str(sorted(_h.history)),
      hint="metrics=['accuracy'] and validation_split=0.1")
check(len(_h.history["loss"]) == 3, call="compile_and_fit(model, x, t, 3, 20)", expected="3 epochs",
      got=f"{len(_h.history['loss'])} epochs")
### BEGIN HIDDEN TESTS
check(isinstance(_model.optimizer, keras.optimizers.Adam) and abs(float(_model.optimizer.learning_rate) - 1e-3) < 1e-9,
      call="compile_and_fit(...)", expected="Adam with learning_rate=1e-3",
      got=f"{type(_model.optimizer).__name__} lr={float(_model.optimizer.learning_rate):g}")
check(_h.params.get("steps") == 9, call="compile_and_fit(model, <200 samples>, t, 3, 20)",
      expected="9 steps per epoch (180 training samples in batches of 20)", got=str(_h.params.get("steps")),
      hint="validation_split=0.1 and batch_size=batch_size")
# Keras's own result for the same recipe, from the same initial weights and seed
keras.utils.set_random_seed(1)
_a = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
_b = keras.models.clone_model(_a)
_b.set_weights(_a.get_weights())
keras.utils.set_random_seed(2)
_got = _call(compile_and_fit, _a, _xs, _ts, 2, 30, _object=True).value.history
keras.utils.set_random_seed(2)
_b.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
_want = _b.fit(_xs, _ts, batch_size=30, epochs=2, validation_split=0.1, verbose=0).history
check(np.allclose(_got["val_loss"], _want["val_loss"], rtol=1e-4) and np.allclose(_got["loss"], _want["loss"], rtol=1e-4),
      call="compile_and_fit(model, x, t, 2, 30)", expected=f"the recipe's losses {np.round(_want['loss'], 5)}, "
      f"validation {np.round(_want['val_loss'], 5)}", got=f"{np.round(_got['loss'], 5)}, validation {np.round(_got['val_loss'], 5)}",
      hint="Adam(1e-3), SparseCategoricalCrossentropy() (probabilities, not logits), validation_split=0.1")
### END HIDDEN TESTS
""", points=2)

nb.md(r"""
Now the real thing: the Sequential MLP on MNIST. Under grading (`NBGRADER_EXECUTION` set) it trains one epoch on
6 000 images; a full run trains 5 epochs on all 60 000 (about half a minute on a laptop CPU).
""")

nb.code(r"""
keras.utils.set_random_seed(0)
n_train, epochs = pick(full=(60000, 5), grading=(6000, 1))
model = build_sequential()
start = time.perf_counter()
history = compile_and_fit(model, x_train[:n_train], t_train[:n_train], epochs=epochs, batch_size=100)
print(f"fit: {epochs} epoch(s) on {n_train} images in {time.perf_counter() - start:.1f} s")
for key, values in history.history.items():
    print(f"{key:>13s}: {np.round(values, 4)}")
test_loss, test_acc = model.evaluate(x_test, t_test, verbose=0)
print(f"test: loss {test_loss:.4f}, accuracy {test_acc:.4f}")
probs = model.predict(x_test[:5], verbose=0)
print("predict: shape", probs.shape, "; classes", probs.argmax(axis=1), "; true", t_test[:5])
""")

nb.md(r"""
### Learning curves (学習曲線)

`history.history` holds one value per epoch: the training values are averaged during the epoch, while the weights
still change; the validation values are measured at its end.
""")

nb.code(r"""
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
plot_curves(axes[0], {"training": history.history["loss"], "validation": history.history["val_loss"]},
            ylabel="cross-entropy", title="loss")
plot_curves(axes[1], {"training": history.history["accuracy"], "validation": history.history["val_accuracy"]},
            ylabel="accuracy", title="accuracy")
plt.tight_layout()
plt.show()
""")

nb.md(r"""
### The Functional model, trained with `fit` (the seed's `run_cnn_keras`)

The seed's CNN scripts train a Functional model with `fit` (`run_cnn_keras.py`) and a Subclassing model with a custom
loop (`run_cnn.py`, section 7). Your `compile_and_fit` works for any Keras model: here it trains the two-branch model
of Exercise 5, with its convolution branch (畳み込み層), on the same images. Under grading it trains one epoch on
3 000 images; a full run trains 2 epochs on all 60 000.
""")

nb.code(r"""
keras.utils.set_random_seed(0)
n_func, func_epochs = pick(full=(60000, 2), grading=(3000, 1))
functional = build_functional()
start = time.perf_counter()
func_history = compile_and_fit(functional, x_train[:n_func], t_train[:n_func], epochs=func_epochs, batch_size=100)
print(f"fit, Functional API (two branches): {func_epochs} epoch(s) on {n_func} images in "
      f"{time.perf_counter() - start:.1f} s")
for key, values in func_history.history.items():
    print(f"{key:>13s}: {np.round(values, 4)}")
func_loss, func_acc = functional.evaluate(x_test, t_test, verbose=0)
print(f"test: loss {func_loss:.4f}, accuracy {func_acc:.4f}   (the Sequential MLP above: accuracy {test_acc:.4f})")
""")

nb.md(r"""
## 7. A custom training loop with `GradientTape` (カスタム訓練ループ)

Seed 004's second way: write the loop yourself, as in PyTorch; the model, the loss function and the optimizer stay
separate objects. One mini-batch step:

1. forward pass inside `with tf.GradientTape() as tape:` : `y = model(x, training=True)`,
   `loss = loss_fn(t, y)`. Note the order: **Keras losses take `(labels, outputs)`**, the reverse of PyTorch's
   `loss_fn(outputs, labels)`.
2. `grads = tape.gradient(loss, model.trainable_weights)`;
3. `optimizer.apply_gradients(zip(grads, model.trainable_weights))`. The seed writes
   `optimizer.apply_gradients(gradients, model.trainable_weights)`: that raises `TypeError` (it takes 2 positional
   arguments but 3 were given). The method takes **one** argument, a sequence of `(gradient, variable)` pairs: `zip`.

Decorating the step with `@tf.function` traces it once into a graph and runs the graph afterwards: faster, but
`print` and breakpoints inside only work while tracing, so the seed advises leaving it off while debugging. (A graph?
That is TensorFlow v1's whole model, in notebook 10.)

### Exercise 8: `train_step(model, loss_fn, optimizer, x, t)`

One step as above; return the loss (a scalar tensor) computed **before** the update.
""")

nb.answer("train_step", r"""
def train_step(model, loss_fn, optimizer, x, t):
    ### BEGIN SOLUTION
    with tf.GradientTape() as tape:
        outputs = model(x, training=True)
        loss = loss_fn(t, outputs)
    gradients = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(gradients, model.trainable_weights))
    return loss
    ### END SOLUTION
""")

nb.test("test_train_step", r"""
def _call(*args, **kwargs):
    # course.check.call copies its arguments first (to see whether they changed); copying a Keras model or
    # optimizer makes Keras warn, so that copy is made quietly too
    with quietly():
        return call(*args, **kwargs)

def _tiny(seed):
    keras.utils.set_random_seed(seed)
    m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    return m

def _manual_step(m, x, t, lr):
    # plain SGD on the mean cross-entropy, computed here with NumPy
    w, b = (v.numpy().astype(float) for v in m.trainable_weights)
    z = x @ w + b
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(p[np.arange(len(t)), t]))
    d = p.copy()
    d[np.arange(len(t)), t] -= 1
    d /= len(t)
    return loss, w - lr * x.T @ d, b - lr * d.sum(axis=0)

_x = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)
_t = np.array([0, 1, 2, 0, 1, 2])
_m = _tiny(0)
_loss, _w, _b = _manual_step(_m, _x.astype(float), _t, 0.5)
_r = _call(train_step, _m, keras.losses.SparseCategoricalCrossentropy(), keras.optimizers.SGD(0.5), _x, _t)
_r.close(_loss, rtol=1e-4, hint="loss_fn(t, y): Keras losses take (labels, outputs)")
check(np.allclose(_m.trainable_weights[0].numpy(), _w, atol=1e-5) and np.allclose(_m.trainable_weights[1].numpy(), _b, atol=1e-5),
      call="train_step(model, loss, SGD(0.5), x, t)", expected="weights after one SGD step: w - 0.5 * dL/dw",
      got="other weights", hint="optimizer.apply_gradients(zip(grads, model.trainable_weights))")
### BEGIN HIDDEN TESTS
for _seed in (1, 2):
    _m = _tiny(_seed)
    _x = np.random.default_rng(_seed).normal(size=(10, 4)).astype(np.float32)
    _t = np.random.default_rng(_seed + 10).integers(0, 3, size=10)
    for _step in range(3):                        # three steps in a row, each from the weights the last one left
        _loss, _w, _b = _manual_step(_m, _x.astype(float), _t, 0.1)
        _call(train_step, _m, keras.losses.SparseCategoricalCrossentropy(), keras.optimizers.SGD(0.1), _x, _t).close(
            _loss, rtol=1e-4, hint="return the loss computed before the update")
        _now = [_v.numpy() for _v in _m.trainable_weights]
        check(np.allclose(_now[0], _w, atol=1e-5) and np.allclose(_now[1], _b, atol=1e-5),
              call=f"train_step (step {_step + 1})", expected="one SGD step on this batch's gradient", got="other weights")
# dropout layers need training=True inside the step
keras.utils.set_random_seed(3)
_d = keras.Sequential([keras.Input((50,)), keras.layers.Dropout(0.5), keras.layers.Dense(2, activation="softmax")])
_xd = np.ones((8, 50), np.float32)
_ls = [float(_call(train_step, _d, keras.losses.SparseCategoricalCrossentropy(), keras.optimizers.SGD(0.0), _xd,
                  np.zeros(8, int)).value) for _ in range(3)]
check(len(set(np.round(_ls, 6))) > 1, call="train_step(<model with Dropout>, ..., SGD(0.0), x, t)  (3 times)",
      expected="a different loss each time (dropout is active while training)", got=str(np.round(_ls, 6)),
      hint="y = model(x, training=True)")
### END HIDDEN TESTS
""", points=3)

nb.md(r"""
### Exercise 9: `evaluate_accuracy(model, dataset)` with a metric object

Seed 004 lists a third part next to the loss function and the optimizer: a **metric** (評価指標, optional),
`metric = tf.keras.metrics.SparseCategoricalAccuracy()`. A metric object keeps a running count over many batches:

* `metric.update_state(t, y)`: adds one batch: the labels `t` (class numbers: *Sparse*) and the outputs `y` (one row
  of class scores per sample; the predicted class is the row's argmax), labels first, as for losses;
* `metric.result()`: the accuracy over every sample added so far, a scalar tensor;
* `metric.reset_state()`: starts a new count (`fit` does this every epoch for the `"accuracy"` given to `compile`).

Write `evaluate_accuracy(model, dataset)`: for each batch `(x, t)` of the `tf.data.Dataset`, compute the model's
outputs **in inference mode**, `model(x, training=False)` (no dropout; batch normalisation with its moving averages),
add the batch to a `SparseCategoricalAccuracy` that starts from zero in this call, and return the accuracy over the
whole dataset as a Python `float`: `float(metric.result())`.

**Graded:** the number returned (finite; a Python float, or anything `float()` accepts) is the fraction of all the
samples whose output's argmax is the label, a last smaller batch included (not the mean of the batches'
accuracies), to within $10^{-6}$. The models are softmax classifiers built with the Sequential API, with weights the
test sets and whose outputs it computes itself: plain, with `Dropout`, and with `BatchNormalization`; the datasets
hold `float32` features and `int64` labels in batches of 1 to 100; two calls in a row must each count only their own
dataset.
""")

nb.answer("evaluate_accuracy", r"""
def evaluate_accuracy(model, dataset):
    ### BEGIN SOLUTION
    metric = keras.metrics.SparseCategoricalAccuracy()
    for x, t in dataset:
        metric.update_state(t, model(x, training=False))
    return float(metric.result())
    ### END SOLUTION
""")

nb.test("test_evaluate_accuracy", r"""
from course.sides import student_side
_tfs, _ks = student_side("tensorflow"), student_side("keras")   # the models and datasets evaluate_accuracy reads live where it runs
def _call(*args, **kwargs):
    # course.check.call copies its arguments first (to see whether they changed); copying a Keras model makes
    # Keras warn, so that copy is made quietly too
    with quietly():
        return call(*args, **kwargs)

def _softmax_net(seed, d=4, k=3):
    # a softmax classifier where evaluate_accuracy runs, with weights drawn here and sent to it;
    # the scores are computed here (the argmax of the softmax is the argmax of the scores)
    g = np.random.default_rng(seed)
    w, b = g.normal(0, 1, (d, k)), g.normal(0, 0.5, k)
    m = _ks.Sequential([_ks.Input((d,)), _ks.layers.Dense(k, activation="softmax")])
    m.set_weights([w.astype(np.float32), b.astype(np.float32)])
    return m, lambda x: x @ w + b

def _data(seed, n, d, scores, share=0.7):
    # n samples; about `share` of the labels agree with the model, the others are drawn at random
    g = np.random.default_rng(seed)
    x = g.normal(0, 1, (n, d)).astype(np.float32)
    t = np.where(g.random(n) < share, scores(x.astype(float)).argmax(axis=1), g.integers(0, 3, n)).astype(np.int64)
    return x, t

def _accuracy_ok(model, scores, x, t, batch, text, hint):
    want = float(np.mean(scores(x.astype(float)).argmax(axis=1) == t))
    ds = _tfs.data.Dataset.from_tensor_slices((x, t)).batch(batch)
    r = _call(evaluate_accuracy, model, ds, _name=text)
    r.satisfies(lambda v: np.shape(v) == () and np.isfinite(float(v)), "one finite number (float(metric.result()))",
                hint="one number: float(...) of the metric's result()")
    r.close(want, rtol=0, atol=1e-6, hint=hint)
    return r

_m, _scores = _softmax_net(0)
_x, _t = _data(1, 50, 4, _scores)
_accuracy_ok(_m, _scores, _x, _t, 8, "evaluate_accuracy(<softmax model>, <50 samples in batches of 8>)",
             "the fraction of ALL samples whose output's argmax is the label: metric.update_state(t, y) for each "
             "batch (labels first), then float(metric.result()); the last batch holds only 2 samples")
_x2, _t2 = _data(2, 30, 4, _scores, share=0.2)
_accuracy_ok(_m, _scores, _x2, _t2, 7, "evaluate_accuracy(<softmax model>, <30 other samples in batches of 7>) "
             "(the call after the one above)",
             "create the metric inside evaluate_accuracy (or reset_state() first): each call counts only its own dataset")
### BEGIN HIDDEN TESTS
# dropout: inference mode, so the test's NumPy forward pass without dropout is the answer, every time
_g = np.random.default_rng(5)
_w1, _b1, _w2, _b2 = _g.normal(0, 1, (4, 32)), _g.normal(0, 0.5, 32), _g.normal(0, 0.5, (32, 3)), _g.normal(0, 0.5, 3)
_m = _ks.Sequential([_ks.Input((4,)), _ks.layers.Dense(32, activation="relu"), _ks.layers.Dropout(0.5),
                     _ks.layers.Dense(3, activation="softmax")])
_m.set_weights([_v.astype(np.float32) for _v in (_w1, _b1, _w2, _b2)])
_scores = lambda x: np.maximum(x @ _w1 + _b1, 0) @ _w2 + _b2
_x, _t = _data(6, 300, 4, _scores, share=0.9)
for _round in (1, 2):
    _accuracy_ok(_m, _scores, _x, _t, 32, f"evaluate_accuracy(<model with Dropout(0.5)>, <300 samples>) (call {_round} of 2)",
                 "outputs in inference mode: model(x, training=False), so that dropout is off")
# batch normalisation: inference mode normalises with the moving averages the test sets, not the batch's statistics
_g = np.random.default_rng(7)
_gamma, _beta = _g.uniform(0.5, 2.0, 4), _g.normal(0, 1, 4)
_mean, _var = np.array([1.5, -1.0, 0.5, 2.0]), np.array([0.25, 4.0, 1.0, 0.5])
_w, _b = _g.normal(0, 1, (4, 3)), _g.normal(0, 0.5, 3)
_m = _ks.Sequential([_ks.Input((4,)), _ks.layers.BatchNormalization(), _ks.layers.Dense(3, activation="softmax")])
_m.set_weights([_v.astype(np.float32) for _v in (_gamma, _beta, _mean, _var, _w, _b)])
_scores = lambda x: ((x - _mean) / np.sqrt(_var + 1e-3) * _gamma + _beta) @ _w + _b   # Keras's epsilon: 1e-3
_x, _t = _data(8, 200, 4, _scores, share=0.8)
_accuracy_ok(_m, _scores, _x, _t, 25, "evaluate_accuracy(<model with BatchNormalization>, <200 samples in batches of 25>)",
             "model(x, training=False): batch normalisation then uses its moving averages, not the batch's statistics")
# batches of one, and one batch larger than the data set
_m, _scores = _softmax_net(9, d=5)
_x, _t = _data(10, 23, 5, _scores, share=0.5)
for _batch in (1, 100):
    _accuracy_ok(_m, _scores, _x, _t, _batch, f"evaluate_accuracy(<softmax model>, <23 samples in batches of {_batch}>)",
                 "count every sample once: the accuracy over the whole dataset")
### END HIDDEN TESTS
""", points=2)

nb.md(r"""
Your Subclassing model `MLP` (Exercise 6) trained by the loop, as the seed's `run_cnn.py` trains its model (custom
loop × Subclassing API), once eagerly and once with the step traced by `tf.function`, with a `tf.data` pipeline from
Exercise 3; your `evaluate_accuracy` measures it on the test set. Compare the times: the traced step skips Python for every operation after the first
call. (The first traced call pays for the tracing.)
""")

nb.code(r"""
def run_loop(step, epochs, n_images):
    keras.utils.set_random_seed(0)
    model = MLP()                                  # the Subclassing model of Exercise 6
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam(1e-3)
    train_ds = make_dataset(x_raw[:n_images], t_raw[:n_images], batch_size=100, seed=0)
    losses, start = [], time.perf_counter()
    for epoch in range(epochs):
        total, count = 0.0, 0
        for x, t in train_ds:
            total += float(step(model, loss_fn, optimizer, x, t)) * len(t)
            count += len(t)
        losses.append(total / count)
    accuracy = evaluate_accuracy(model, test_ds)   # Exercise 9: a SparseCategoricalAccuracy over the test set
    return losses, time.perf_counter() - start, accuracy

test_ds = tf.data.Dataset.from_tensor_slices((x_test, t_test)).batch(1000)
loop_epochs, loop_images = pick(full=(3, 60000), grading=(1, 3000))
eager = run_loop(train_step, loop_epochs, loop_images)
traced = run_loop(tf.function(train_step), loop_epochs, loop_images)
for name, (losses, seconds, acc) in (("eager", eager), ("@tf.function", traced)):
    print(f"{name:>13s}: {seconds:5.1f} s, training loss per epoch {np.round(losses, 4)}, test accuracy {acc:.4f}")
fig, ax = plt.subplots(figsize=(6, 3.6))
plot_curves(ax, {"eager": eager[0], "@tf.function": traced[0]}, ylabel="training loss",
            title="custom loop: the same numbers, different speed")
plt.show()
""")

nb.md(r"""
## 8. Regression with TensorFlow (the seed's `run_nn`) and batch normalisation's `training`

The seed's first scripts are a regression (回帰): `run_nn.py` trains a fully connected network with a custom training
loop and the Subclassing API, `run_nn_keras.py` the same network with `fit` and the Sequential API. Here both, on
notebook 07's California housing data: 8 facts about a block of houses, and its median value in units of
\$100 000. The features are standardised (標準化) with the training rows' mean and standard deviation; the split is
80/10/10 % drawn with NumPy's generator (seed 0); notebook 07's `random_split` is PyTorch's, which this kernel does not
import, so the rows differ from 07's. The loss is the mean squared error (`keras.losses.MeanSquaredError()`), the
output layer has no activation, and the loop reuses your `train_step` (Exercise 8), which takes any loss function.

The network has a **batch normalisation** layer (バッチ正規化, `keras.layers.BatchNormalization`), the other layer
besides `Dropout` that the seed says switches with `training`:

* `training=True`: normalise each feature with the mean and variance of **this batch**, and move the running averages
  towards them: `moving_mean ← 0.99 · moving_mean + 0.01 · batch mean` (Keras's `momentum=0.99` is PyTorch's
  `momentum=0.1`), and the same for `moving_variance`;
* `training=False`: normalise with the running averages, so one sample's output no longer depends on the batch.

So `call(self, x, training=False)` passes `training` on, as `MLP` does for dropout. The cell below builds the model
and calls it once in each mode.
""")

nb.code(r"""
from course.datasets import load_california_housing

housing = load_california_housing()
order = np.random.default_rng(0).permutation(len(housing.target))
n_tr, n_va = int(0.8 * len(order)), int(0.1 * len(order))
rows = {"train": order[:n_tr], "val": order[n_tr:n_tr + n_va], "test": order[n_tr + n_va:]}
feature_mean, feature_std = housing.data[rows["train"]].mean(axis=0), housing.data[rows["train"]].std(axis=0)


def housing_xy(part):
    # standardised features (clipped to [-4, 4], as in notebook 07b) and targets (N, 1), float32
    r = rows[part]
    return (np.clip((housing.data[r] - feature_mean) / feature_std, -4, 4).astype(np.float32),
            housing.target[r].reshape(-1, 1).astype(np.float32))


(xh_train, th_train), (xh_val, th_val), (xh_test, th_test) = (housing_xy(p) for p in ("train", "val", "test"))
print("training, validation, test rows:", len(xh_train), len(xh_val), len(xh_test))


class Regressor(keras.Model):
    # the seed's run_nn: a fully connected network for one real number, with batch normalisation
    def __init__(self):
        super().__init__()
        self.fc1 = keras.layers.Dense(64, activation="relu")
        self.bn = keras.layers.BatchNormalization()
        self.fc2 = keras.layers.Dense(64, activation="relu")
        self.out = keras.layers.Dense(1)           # no activation: a regression outputs any real number

    def call(self, x, training=False):
        x = self.fc1(x)
        x = self.bn(x, training=training)          # batch statistics in training, moving averages in inference
        return self.out(self.fc2(x))


keras.utils.set_random_seed(0)
regressor = Regressor()
batch = xh_train[:256]
in_inference = regressor(batch, training=False).numpy()
in_training = regressor(batch, training=True).numpy()     # this call also updates the moving averages, once
print("before training: outputs with training=True and training=False differ by up to",
      f"{np.abs(in_training - in_inference).max():.3f}")
print("moving_mean (first 4 of 64) after that one call:", np.round(regressor.bn.moving_mean.numpy()[:4], 4))
""")

nb.md(r"""
Before any training the moving averages are 0 (mean) and 1 (variance), so inference normalises with those while
training uses the batch's own statistics: the two modes' outputs differ by up to about 2 (in units of \$100 000),
and one training-mode call moves `moving_mean` only 1 % of the way towards the batch mean (the 0.001 printed).

Training, both ways, as the seed's two scripts: `run_nn` (custom loop × Subclassing API) and `run_nn_keras` (`fit` ×
Sequential API), each for 20 epochs on the 16 512 training rows in batches of 64 (under grading, not at all: this
part is not graded). The validation MSE is measured after every epoch in inference mode; the test MSE once at the
end.
""")

nb.code(r"""
mse = keras.losses.MeanSquaredError()


def run_nn(epochs, n_rows):
    # the seed's run_nn.py: custom training loop x Subclassing API (your train_step, traced by tf.function)
    keras.utils.set_random_seed(0)
    model, optimizer, step = Regressor(), keras.optimizers.Adam(1e-3), tf.function(train_step)
    train_set = (tf.data.Dataset.from_tensor_slices((xh_train[:n_rows], th_train[:n_rows]))
                 .shuffle(n_rows, seed=0).batch(64))
    history = {"loss": [], "val_loss": []}
    for epoch in range(epochs):
        total = 0.0
        for x, t in train_set:
            total += float(step(model, mse, optimizer, x, t)) * len(t)
        history["loss"].append(total / n_rows)
        history["val_loss"].append(float(mse(th_val, model(xh_val, training=False))))
    return model, history, float(mse(th_test, model(xh_test, training=False)))


def run_nn_keras(epochs, n_rows):
    # the seed's run_nn_keras.py: fit x Sequential API, the same layers
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.BatchNormalization(), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=keras.losses.MeanSquaredError())
    history = model.fit(xh_train[:n_rows], th_train[:n_rows], batch_size=64, epochs=epochs,
                        validation_data=(xh_val, th_val), verbose=0).history
    return model, history, model.evaluate(xh_test, th_test, verbose=0)
""")

nb.code(r"""
reg_epochs = pick(full=20, grading=0)      # under grading nothing is trained here: it is not graded, and takes time
if reg_epochs:
    for name, run in (("custom loop x Subclassing", run_nn), ("fit x Sequential", run_nn_keras)):
        start = time.perf_counter()
        trained, hist, test_mse = run(reg_epochs, len(xh_train))
        print(f"{name:>25s}: {reg_epochs} epochs on {len(xh_train)} rows in {time.perf_counter() - start:.1f} s; "
              f"test MSE {test_mse:.4f} (RMSE ${100_000 * np.sqrt(test_mse):,.0f})")
        if name.startswith("custom"):
            regressor, loop_history = trained, hist
        else:
            fit_history = hist
    # batch normalisation after training: the moving averages have followed the batches
    batch = xh_test[:256]
    in_training = regressor(batch, training=True).numpy()
    in_inference = regressor(batch, training=False).numpy()
    print("after training: moving_mean (first 4 of 64):", np.round(regressor.bn.moving_mean.numpy()[:4], 4),
          "; outputs with training=True and training=False differ by up to",
          f"{np.abs(in_training - in_inference).max():.3f}")
    fig, ax = plt.subplots(figsize=(7, 4))
    plot_curves(ax, {"custom loop: training": loop_history["loss"], "custom loop: validation": loop_history["val_loss"],
                     "fit: training": fit_history["loss"], "fit: validation": fit_history["val_loss"]},
                ylabel="MSE", title="California housing: run_nn and run_nn_keras")
    plt.tight_layout()
    plt.show()
else:
    print("grading mode: the regression is not trained")
""")

nb.md(r"""
Both ways reach a test MSE of about 0.3 (a typical error, the RMSE, of about \$55 000), the custom loop 0.292 and
`fit` 0.313: the two runs take their mini-batches in different orders (the loop's `shuffle(..., seed=0)`, `fit`'s
own shuffling), so their numbers differ a little. After training, the moving means have moved from 0 towards the
batches' means (0.1 to 0.2 for the first four units), and on one test batch the two modes' outputs differ by at most
0.19: smaller than at the start, not zero. Evaluate and predict with `training=False` (what `evaluate`, `predict` and
your `evaluate_accuracy` do): then a sample's prediction does not depend on the other samples of its batch.
""")

nb.md(r"""
## 9. GPUs

TensorFlow uses a GPU by itself when one is available (the setup cell printed `tf.config.list_physical_devices('GPU')`;
an empty list means CPU only); PyTorch asks you to move model and data with `.to(device)`. The seed's author prefers
PyTorch's explicit switch, and so does this course; the TensorFlow package this appendix installs
(`tensorflow-cpu`) is CPU-only anyway.

## Summary

* `tf.Tensor` is immutable, `tf.Variable` holds weights; TensorFlow's images are **NHWC** (conv kernels
  `(kH, kW, in, out)`), PyTorch's NCHW: convert with a transpose `(0, 2, 3, 1)`, never a reshape.
* `tf.GradientTape` records; `tape.gradient(loss, [vars])` plays it back **once** (`persistent=True` for more).
* `tf.data.Dataset.from_tensor_slices((x, t)).shuffle(n).batch(b).map(lambda x, t: ...)`: map functions take
  both parts of a pair; shuffle before batching.
* Keras models: `keras.Sequential([...])` (not `keras.Model()` + `add`), the Functional API for branches and merges,
  subclassing with `call(self, x, training=False)`; layers infer their input size; classifiers end in softmax.
* `Conv2D(..., padding="valid" | "same")`: a string, not a count of pixels; data augmentation layers such as
  `RandomFlip` act only in training mode.
* `compile` / `fit` (→ `History`) / `evaluate` / `predict` for any model (the Sequential MLP, the Functional two-branch
  CNN), or your own loop (the Subclassing `MLP`): losses take `(labels, outputs)`,
  `apply_gradients(zip(grads, vars))`, `@tf.function` for speed once it works.
* A metric object counts over many batches: `SparseCategoricalAccuracy()`, `update_state(t, y)`, `result()`,
  `reset_state()`.
* `training=True` / `False` switches `Dropout` (on / off) and `BatchNormalization` (batch statistics, moving
  averages updated / moving averages); a subclass's `call` passes it on. A regression is the same loop with
  `MeanSquaredError` and no output activation.
* Next: notebook 10, TensorFlow v1, where everything is a graph first.
""")

nb.save(f"source/{AID}/{AID}.ipynb")
print("wrote", f"source/{AID}/{AID}.ipynb")
