"""The judge's contract (issue 22): results cross as data, test values never reach a student's
object through an operator, withheld ground truth never crosses, nan never passes."""
import numpy as np
import pytest

from course import sides
from course.check import CheckFailure, call, close_enough
from course.judge.guard import WithheldGuard
from course.judge.link import JudgeRule, Withheld, is_proxy
from judgepair import linked_pair


class Liar:
    """A student's object that says yes to everything and keeps what it is sent."""
    seen: list = []

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        Liar.seen.append(args)
        return self

    def __sub__(self, other):
        Liar.seen.append(other)
        return 0.0

    __rsub__ = __add__ = __mul__ = __truediv__ = __sub__

    def __eq__(self, other):
        Liar.seen.append(other)
        return True

    def __getitem__(self, key):
        Liar.seen.append(key)
        return self


class Model:
    def __init__(self, w):
        self.w = np.asarray(w, dtype=float)

    def forward(self, x):
        return x * self.w

    def lie(self, x):
        return Liar()


@pytest.fixture
def judge():
    Liar.seen = []
    ns = {"Model": Model, "liar": lambda *a: Liar(), "pair": lambda: (1.0, Liar()), "make": lambda w: Model(w),
          "double": lambda x: 2 * x, "nan": lambda x: np.full_like(np.asarray(x, dtype=float), np.nan)}
    with linked_pair(ns, {"module": lambda name: __import__(name)}) as (link, _):
        sides._link = link
        try:
            yield link
        finally:
            sides._link = None


def test_a_function_that_returns_an_object_fails_the_check(judge):
    liar = judge.request("name", "liar")
    with pytest.raises(CheckFailure, match="did not return data") as info:
        call(liar, np.arange(3.0))
    assert "Liar" in str(info.value)
    with pytest.raises(JudgeRule):          # outside call(): the same rule
        judge.request("name", "pair")()
    with pytest.raises(JudgeRule):
        judge.request("name", "Model")([1.0]).lie(np.zeros(2))


def test_objects_where_the_test_asks_for_them(judge):
    model = judge.request("name", "Model")([2.0])            # a class: its instance, by name
    assert is_proxy(model)
    assert model.forward(np.array([1.0, 3.0])).tolist() == [2.0, 6.0]
    made = call(judge.request("name", "make"), [3.0], _object=True).value
    assert is_proxy(made) and made.forward(np.ones(1)).tolist() == [3.0]
    with pytest.raises(CheckFailure, match="did not return data"):
        call(judge.request("name", "make"), [3.0])


def test_operators_with_test_values_never_reach_a_students_object(judge):
    model = judge.request("name", "Model")([2.0])
    secret = np.array([0.25, 0.5, 0.75])
    for use in (lambda: model - secret, lambda: secret - model, lambda: model == secret,
                lambda: model * 2, lambda: secret in model, lambda: model[secret]):
        with pytest.raises(JudgeRule):
            use()
    assert model == model and not (model != model)          # handles with handles: no test value sent
    assert Liar.seen == []


def test_objects_the_test_built_may_take_its_values(judge):
    np_ = judge.request("module", "numpy")                   # student_side("numpy")
    arr = np_.ones(3)
    assert isinstance(arr, np.ndarray)                       # data all the same
    rng = np_.random.default_rng(0)                          # an object the test asked for
    assert is_proxy(rng) and rng.integers(0, 1, 2).tolist() == [0, 0]


def test_nan_never_matches_unless_asked():
    nan3 = np.full(3, np.nan)
    with pytest.raises(CheckFailure):
        call(lambda: nan3).close(nan3)
    call(lambda: nan3).close(nan3, equal_nan=True)
    with pytest.raises(CheckFailure):
        call(lambda: nan3.copy()).equal(nan3)
    assert not close_enough(nan3, nan3) and close_enough(nan3, nan3, equal_nan=True)
    x = np.array([1.0, np.nan])
    call(lambda a: 0, x).inputs_unchanged()                  # an input with nan, left alone


def test_the_withheld_guard_refuses_any_run_of_the_truth(judge):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, 1000)
    targets = rng.uniform(0.15, 5.0, 500)
    guard = WithheldGuard()
    guard.add("labels", labels)
    guard.add("targets", targets)
    judge.guard = guard
    double = judge.request("name", "double")
    for leak in (labels, labels[100:140].astype(np.float32), list(labels[3:40]), targets[7:30].astype(np.float32),
                 np.concatenate([np.zeros(50), targets[200:220]]), labels.reshape(10, 100)[2:4]):
        with pytest.raises(Withheld):
            double(leak)
    import torch
    with pytest.raises(Withheld):
        double(torch.from_numpy(labels[500:600]))
    for fine in (labels[:15], rng.integers(0, 10, 1000), np.sort(labels), targets[:15], rng.uniform(0, 5, 10_000)):
        double(fine)


def test_what_the_students_code_does_to_its_arguments_is_seen(judge):
    """A reshape in place, and a list or dict changed in place, reach the test's own objects."""
    x = np.arange(6.0)
    with linked_pair({"reshape": lambda a: setattr(a, "shape", (2, 3)), "fill": lambda l: l.__setitem__(0, "moved"),
                      "put": lambda d: d.update(k=2)}) as (link, _):
        link.request("name", "reshape")(x)
        items, table = ["here", 1], {"k": 1}
        link.request("name", "fill")(items)
        link.request("name", "put")(table)
    assert x.shape == (2, 3)
    assert items == ["moved", 1] and table == {"k": 2}
