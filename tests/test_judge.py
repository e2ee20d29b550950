"""The judge's protocol in one process: a kernel-side Link serving in a thread, a judge-side Link."""
import io
import pickle
import socket
import threading

import numpy as np
import pytest

from course.check import CheckFailure, call
from course.judge import wire
from course.judge.link import Link, is_proxy


class Always:
    """A student's object that claims to equal everything."""

    def __eq__(self, other):
        return True

    def __bool__(self):
        return True


class Layer:
    def __init__(self, W):
        self.W = W

    def forward(self, x):
        return x @ self.W


@pytest.fixture
def judge():
    ns = {"double": lambda x: 2 * x, "Layer": Layer, "cheat": lambda *a: Always(),
          "bump": lambda x: x.__iadd__(1), "peek": lambda f: f.__globals__, "private": lambda f: f._cache,
          "use": lambda f, x: f(x), "fails": lambda: 1 / 0}
    ours, theirs = socket.socketpair()
    kernel = Link(strict=False, namespace=ns)
    kernel.sock = theirs
    thread = threading.Thread(target=kernel.serve_forever, daemon=True)
    thread.start()
    link = Link(strict=True)
    link.sock = ours
    yield link
    link.hang_up()
    thread.join(5)


def test_values_cross_by_value_and_objects_as_handles(judge):
    double = judge.request("name", "double")
    assert is_proxy(double)
    out = double(np.arange(3.0))
    assert isinstance(out, np.ndarray) and out.tolist() == [0.0, 2.0, 4.0]
    layer = judge.request("name", "Layer")(np.eye(2))
    assert is_proxy(layer) and isinstance(layer, judge.request("name", "Layer"))
    assert layer.forward(np.array([[1.0, 2.0]])).tolist() == [[1.0, 2.0]]


def test_arrays_stay_in_step_on_both_sides(judge):
    W = np.eye(2)
    layer = judge.request("name", "Layer")(W)
    W[...] = 3 * np.eye(2)                          # the test changes it in place: the layer sees it
    assert layer.forward(np.ones((1, 2))).tolist() == [[3.0, 3.0]]
    x = np.zeros(2)
    judge.request("name", "bump")(x)                # the student's code changes its argument
    assert x.tolist() == [1.0, 1.0]


def test_a_students_eq_never_decides_a_check(judge):
    cheat = judge.request("name", "cheat")
    with pytest.raises(CheckFailure):
        call(cheat, 1).equal(42)


def test_the_students_code_cannot_reach_into_the_test(judge):
    secret = lambda x: x + 1  # noqa: E731 - a test's callback
    with pytest.raises(AttributeError):
        judge.request("name", "peek")(secret)
    with pytest.raises(AttributeError, match="not available"):
        judge.request("name", "private")(secret)
    assert judge.request("name", "use")(secret, 1) == 2
    with pytest.raises(ZeroDivisionError):
        judge.request("name", "fails")()
    with pytest.raises(NameError):
        judge.request("name", "nothing_here")


def test_pickles_and_object_arrays_are_refused():
    with pytest.raises(wire.WireError):
        wire.array_from(pickle.dumps([1, 2]))
    buf = io.BytesIO()
    np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError):
        wire.array_from(buf.getvalue())
    with pytest.raises(wire.WireError):
        Link(strict=True).decode({"Q": 1}, [])
