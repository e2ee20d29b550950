"""The check helper: every failure names the call, the expectation, the result and a hint."""
import warnings

import numpy as np
import pytest

from course.check import CheckFailure, call, check, close_enough, is_number, quietly


def naive_softmax(a):
    return np.exp(a) / np.sum(np.exp(a))


def test_failure_message_has_call_expected_got_hint():
    with pytest.raises(CheckFailure) as err:
        call(naive_softmax, np.array([1010.0, 1000.0, 990.0])).close(
            [9.99954600e-01, 4.53978686e-05, 2.06106005e-09], hint="subtract the max")
    msg = str(err.value)
    assert msg.startswith("naive_softmax(array([1010., 1000.,  990.]))")
    assert "expected:" in msg and "got:" in msg and "nan" in msg and "hint:     subtract the max" in msg


def test_call_is_quiet(capfd):
    r = call(naive_softmax, np.array([1010.0, 1000.0]))   # overflows: RuntimeWarning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call(lambda: warnings.warn("noise"))
    assert capfd.readouterr().err == ""
    assert np.isnan(r.value).all()


def test_exceptions_become_readable_failures():
    def broken(x):
        return x.reshape(7)
    with pytest.raises(CheckFailure, match=r"(?s)^broken\(.*raised an error.*ValueError"):
        call(broken, np.arange(3))
    def stub(x):
        raise NotImplementedError()
    with pytest.raises(CheckFailure, match="is not written yet"):
        call(stub, 1)


def test_inputs_unchanged_catches_mutation():
    def relu_in_place(x):
        x[x < 0] = 0
        return x
    with pytest.raises(CheckFailure, match="modified its input"):
        call(relu_in_place, np.array([-1.0, 2.0])).inputs_unchanged()
    call(np.maximum, np.array([-1.0, 2.0]), 0).inputs_unchanged()


def test_equal_accepts_numpy_scalars_and_0d_arrays():
    call(lambda: np.int64(1)).equal(1)
    call(lambda: np.array(1)).equal(1)
    with pytest.raises(CheckFailure):
        call(lambda: np.array([1, 0])).equal(1)


def test_shape_satisfies_and_check():
    call(np.zeros, (2, 3)).shape((2, 3))
    with pytest.raises(CheckFailure, match="wrong shape"):
        call(np.zeros, (3, 2)).shape((2, 3))
    with pytest.raises(CheckFailure, match="sums to 1"):
        call(np.ones, 3).satisfies(lambda v: np.isclose(v.sum(), 1), "sums to 1")
    with pytest.raises(CheckFailure, match="hint:     h"):
        check(False, call="f()", expected="e", got="g", hint="h")


def test_small_helpers():
    assert close_enough([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))
    assert not close_enough([1.0], [1.0, 2.0])
    assert is_number(np.float32(1)) and is_number(np.array(2.0)) and not is_number(True)
    with quietly():
        np.log(0.0)
