"""The judge's protocol in one process: a kernel-side Link serving in a thread, a judge-side Link."""
import io
import pickle

import numpy as np
import pytest

from course.check import CheckFailure, call
from course.judge import wire
from course.judge.link import Link, is_proxy
from judgepair import linked_pair


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
    with linked_pair(ns) as (link, _):
        yield link


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


# --- course.sides: what a test builds on the student's side ------------------------------------------
_STUDENT_CELLS = """
def gen_batch():
    return "the student's batch"

def train():
    return gen_batch()

class Box:
    size = 3

def apply(f):
    return f(Box())

def creator(t):
    return type(t.grad_fn).__name__

def defaults(a, b=2, *, c=None):
    return a

def write(path, text):
    with open(path, "w") as f:
        f.write(text)
"""


@pytest.fixture
def sides():
    """A judge-side Link with course.sides pointed at it, and a kernel with the agent's operations."""
    from course import sides as sides_module
    from course.judge import agent
    ns: dict = {}
    exec(_STUDENT_CELLS, ns)
    ops = dict(module=agent.module, swapglobal=agent.swap_global, readfile=sides_module.read_file)
    saved = agent._link, sides_module._link
    with linked_pair(ns, ops) as (link, kernel):
        agent._link, sides_module._link = kernel, link
        yield link
    agent._link, sides_module._link = saved


def test_tensors_made_on_the_students_side_keep_their_graph(sides):
    from course.sides import student_side
    st = student_side("torch")
    x = st.tensor([1.0, 2.0], requires_grad=True)
    assert is_proxy(x)
    assert sides.request("name", "creator")(x * 2) == "MulBackward0"
    assert sides.request("name", "creator")(st.sigmoid(x)) == "SigmoidBackward0"
    with pytest.raises(ValueError):
        student_side("os")


def test_patch_student_swaps_the_kernels_global_and_puts_it_back(sides):
    from course.sides import patch_student
    train = sides.request("name", "train")
    with patch_student("gen_batch", lambda: "the test's batch"):
        assert train() == "the test's batch"
    assert train() == "the student's batch"


def test_callbacks_get_the_students_objects_only_when_marked(sides):
    from course.sides import on_student_objects
    apply = sides.request("name", "apply")
    with pytest.raises(PermissionError):
        apply(lambda box: 1)
    assert apply(on_student_objects(lambda box: box.size * 2)) == 6


def test_signatures_and_files_of_the_students_side(sides, tmp_path):
    import inspect

    from course.sides import student_file
    assert str(inspect.signature(sides.request("name", "defaults"))) == "(a, b=2, *, c=None)"
    path = tmp_path / "log.txt"
    sides.request("name", "write")(str(path), "written by the student")
    assert student_file(path) == b"written by the student"
    assert student_file(tmp_path / "missing.txt") is None


def test_sides_are_plain_in_the_kernel():
    import torch

    from course.sides import patch_student, student_global, student_side
    assert student_side("torch") is torch
    globals()["_sides_probe"] = 1
    with patch_student("_sides_probe", 2):
        assert student_global("_sides_probe") == 2
    assert student_global("_sides_probe") == 1
    del globals()["_sides_probe"]


def test_torch_memory_formats_devices_and_dtypes_cross_by_value():
    import torch
    ident = lambda x: x  # noqa: E731
    with linked_pair({"ident": ident}) as (link, _):
        for value in (torch.channels_last, torch.float16, torch.device("cpu")):
            assert link.request("name", "ident")(value) == value


# --- contexts and the TF tags (tests/tf/test_tf_judge.py has TensorFlow itself) ----------------------------
class _Ctx:
    def __init__(self):
        self.log = []

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, *exc):
        self.log.append("exit")
        return False


def test_a_students_context_is_entered_where_it_lives_and_the_tests_are_not():
    ctx = _Ctx()
    with linked_pair({"ctx": ctx, "use": lambda c: c.__enter__()}) as (link, _):
        with link.request("name", "ctx") as inside:
            assert is_proxy(inside) and ctx.log == ["enter"]
        assert ctx.log == ["enter", "exit"]
        with pytest.raises(PermissionError, match="contexts"):   # the student's code entering the test's
            link.request("name", "use")(_Ctx())


def test_tensorflow_tags_are_refused_without_tensorflow():
    import sys
    if "tensorflow" in sys.modules:
        pytest.skip("TensorFlow is loaded here")
    with pytest.raises(wire.WireError, match="does not use TensorFlow"):
        Link(strict=True).decode({"TT": 0, "dt": "float32"}, [wire.array_bytes(np.zeros(2, np.float32))])
    assert "tensorflow" not in sys.modules   # never imported because the other end asked
