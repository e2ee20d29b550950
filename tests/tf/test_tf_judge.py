"""The judge's link with TensorFlow (09, 10), in .venv-tf: a kernel-side Link serving in a thread, a judge-side
Link, as tests/test_judge.py does for torch.  Eager tensors, dtypes and shapes cross by value; variables, models,
datasets, graphs and sessions stay handles, usable with isinstance and `with`."""

import contextlib

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

from course.judge import wire  # noqa: E402
from course.judge.link import Link, is_proxy  # noqa: E402
from judgepair import linked_pair  # noqa: E402

_CELLS = """
import numpy as np
import tensorflow as tf
import keras
def nhwc(x):
    return tf.transpose(tf.constant(x, tf.float32), perm=[0, 2, 3, 1])
def model():
    return keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
def graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, shape=(None, 2))
        y = 2 * x
    return g, x, y
def twice(t):
    return t * 2
"""


@pytest.fixture
def judge():
    ns: dict = {}
    exec(_CELLS, ns)
    with linked_pair(ns) as (link, _):
        yield link


@contextlib.contextmanager
def asked(link):
    """What course.check.call(..., _object=True) does in the judge: the test asks for objects."""
    link.objects_allowed += 1
    try:
        yield
    finally:
        link.objects_allowed -= 1


def test_eager_tensors_dtypes_and_shapes_cross_by_value(judge):
    x = np.arange(24, dtype=np.float64).reshape(1, 2, 3, 4)
    out = judge.request("name", "nhwc")(x)
    assert not is_proxy(out) and isinstance(out, tf.Tensor) and out.dtype == tf.float32
    assert out.shape == (1, 3, 4, 2) and np.array_equal(out.numpy(), np.transpose(x, (0, 2, 3, 1)))
    back = judge.request("name", "twice")(tf.constant([1, 2], dtype=tf.int64))   # the test's tensor, by value
    assert back.dtype == tf.int64 and back.numpy().tolist() == [2, 4]
    with asked(judge):   # graphs and placeholders: objects the test asks for (the judge's data-only rule)
        g, x, y = judge.request("name", "graph")()
    assert is_proxy(x) and x.dtype == tf.float32 and x.shape.as_list() == [None, 2]
    assert isinstance(g, tf.Graph) and y.graph is g


def test_models_and_variables_stay_handles(judge):
    with asked(judge):
        m = judge.request("name", "model")()
    assert is_proxy(m) and isinstance(m, keras.Sequential) and not isinstance(m, keras.layers.Conv2D)
    assert all(is_proxy(v) for v in m.trainable_weights)
    out = m(np.ones((4, 3), np.float32))
    assert isinstance(out, tf.Tensor) and out.shape == (4, 2)
    with asked(judge):   # assign returns the variable
        m.layers[0].kernel.assign(np.zeros((3, 2), np.float32))
    assert np.array_equal(m(np.ones((1, 3), np.float32)).numpy(), np.zeros((1, 2)))


def test_a_session_runs_the_students_graph_where_it_lives(judge):
    with asked(judge):
        g, x, y = judge.request("name", "graph")()
    v1 = judge.request("name", "tf").compat.v1
    with v1.Session(graph=g) as sess:   # entered and left in the kernel
        out = sess.run(y, feed_dict={x: np.ones((2, 2), np.float32)})
    assert isinstance(out, np.ndarray) and out.tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_a_tensorflow_value_is_refused_where_tensorflow_is_not_used(monkeypatch):
    import sys
    monkeypatch.delitem(sys.modules, "tensorflow")
    with pytest.raises(wire.WireError, match="does not use TensorFlow"):
        Link(strict=True).decode({"TFD": "float32"}, [])
