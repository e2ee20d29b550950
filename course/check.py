"""The one check helper that every test cell uses.

Every failed check raises :class:`CheckFailure` with a message that says

* what was called,
* what was expected,
* what came back,
* a hint.

Student code is called *quietly*: warnings and anything written to stderr are
swallowed, because nbgrader gives 0 to a test cell that writes to stderr even
when every assert passes.  When numerical stability is the point of a test,
the test checks the value itself (nan, inf) instead of relying on warnings.

Typical use in a test cell::

    from course.check import call
    r = call(softmax, np.array([1010.0, 1000.0, 990.0]))
    r.close([9.99954600e-01, 4.53978686e-05, 2.06106005e-09],
            hint="subtract np.max(a) before np.exp so nothing overflows")
    r.inputs_unchanged()
"""
from __future__ import annotations

import contextlib
import copy
import io
import math
import os
import sys
import traceback
import warnings
from typing import Any, Callable

import numpy as np

__all__ = ["CheckFailure", "Result", "call", "check", "quietly", "describe", "trim_traceback"]

_MAX_REPR = 300


class CheckFailure(AssertionError):
    """A failed check; its message is written for the student."""


def describe(value: Any, limit: int = _MAX_REPR, detail: bool = True) -> str:
    """A short, readable repr for messages (arrays, tensors, long lists).

    With ``detail=False`` (arguments in a call's text) a big array shows only
    its shape and dtype.
    """
    is_tensor = type(value).__module__.startswith("torch") and hasattr(value, "shape")
    if isinstance(value, np.ndarray) or is_tensor:
        kind = "tensor" if is_tensor else "array"
        size = value.numel() if is_tensor else value.size
        if not detail and size > 8:
            return f"<{kind} of shape {tuple(value.shape)}, {value.dtype}>"
        with np.printoptions(precision=6, threshold=20, edgeitems=3, linewidth=100):
            body = repr(value)
        text = body if not detail else f"{body}  ({kind}, shape {tuple(value.shape)}, dtype {value.dtype})"
    elif _is_proxy(value) and not value._name:  # an object in the student's kernel (the judge grades)
        kind = next(iter(value._mro), "object").rsplit(".", 1)[-1]
        text = f"{value!r} (a {kind} object, not a plain number, array or tensor)" if detail else repr(value)
    elif callable(value) and hasattr(value, "__name__"):
        text = value.__name__
    else:
        text = repr(value)
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _format(call_text: str, expected: str, got: str, hint: str | None, problem: str) -> str:
    lines = [f"{call_text} {problem}", f"  expected: {expected}", f"  got:      {got}"]
    if hint:
        lines.append(f"  hint:     {hint}")
    return "\n".join(lines)


def check(ok: bool, *, call: str, expected: str, got: str, hint: str | None = None,
          problem: str = "did not do what was expected.") -> None:
    """Raise :class:`CheckFailure` unless *ok*; the base of every other check."""
    if not ok:
        raise CheckFailure(_format(call, expected, got, hint, problem))


@contextlib.contextmanager
def quietly():
    """Run student code with warnings, numpy float errors and stderr silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"), contextlib.redirect_stderr(io.StringIO()):
            yield


def _snapshot(value: Any) -> Any:
    if _is_proxy(value):  # an object in the student's kernel: not copied, not compared
        return None
    try:
        if hasattr(value, "detach") and hasattr(value, "clone"):  # torch tensor
            return value.detach().clone()
        return copy.deepcopy(value)
    except Exception:
        return None


def _is_proxy(value: Any) -> bool:
    """A handle on an object in the student's kernel (while the judge grades): never compared by ``==``."""
    return getattr(type(value), "_judge_proxy_", False) is True


def _same(a: Any, b: Any, lenient: bool = False) -> bool:
    """Equal as data.  Objects of the student's own classes (and handles on them) are equal
    only to themselves: their ``__eq__`` must not decide a check.  *lenient*: when the two
    cannot be compared, count them as equal, and nan as equal to nan (for inputs_unchanged,
    an input compared with its own copy; never for a verdict, where nan equals nothing)."""
    if a is b:
        return True
    if _is_proxy(a) or _is_proxy(b) or type(a).__module__ == "__main__" or type(b).__module__ == "__main__":
        return False
    try:
        if hasattr(a, "detach") and hasattr(b, "detach"):
            import torch
            a, b = a.detach(), b.detach()
            if a.shape != b.shape or a.dtype != b.dtype:
                return False
            if torch.equal(a, b):
                return True
            if not (lenient and a.is_floating_point()):
                return False
            nan = a.isnan()   # nan where the copy had nan: unchanged
            return torch.equal(nan, b.isnan()) and torch.equal(a.masked_fill(nan, 0), b.masked_fill(nan, 0))
        if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
            nan_ok = lenient and all(np.asarray(x).dtype.kind in "fc" for x in (a, b))
            return (np.shape(a) == np.shape(b)
                    and bool(np.array_equal(a, b, equal_nan=nan_ok)))
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(_same(a[k], b[k], lenient) for k in a)
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(_same(x, y, lenient) for x, y in zip(a, b))
        return bool(a == b)
    except Exception:
        return lenient  # cannot compare: do not blame the student for an input, never pass a result


def _as_array(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


class Result:
    """What one call of student code returned, with checks on it."""

    def __init__(self, fn_text: str, args: tuple, kwargs: dict, value: Any,
                 before: tuple, before_kw: dict):
        self.value = value
        self._args, self._kwargs = args, kwargs
        self._before, self._before_kw = before, before_kw
        # the call as it was made: from the copies taken before it ran
        shown = [b if b is not None else a for b, a in zip(before, args)]
        shown_kw = {k: before_kw[k] if before_kw.get(k) is not None else v for k, v in kwargs.items()}
        parts = [describe(a, 80, detail=False) for a in shown] + [
            f"{k}={describe(v, 80, detail=False)}" for k, v in shown_kw.items()]
        self.call_text = f"{fn_text}({', '.join(parts)})"

    def _ipython_display_(self) -> None:
        """A check that ends a cell shows nothing: no ``Out[n]: <Result ...>`` under a test
        cell, and no execute_result that nbgrader would read as partial credit."""

    # -- the checks --------------------------------------------------------
    def fail(self, expected: str, hint: str | None = None, problem: str = "returned the wrong value.",
             got: str | None = None):
        __tracebackhide__ = True  # IPython: show the test's line, not this helper's
        raise CheckFailure(_format(self.call_text, expected,
                                   describe(self.value) if got is None else got, hint, problem))

    def close(self, expected: Any, hint: str | None = None, rtol: float = 1e-6,
              atol: float = 1e-8, equal_nan: bool = False) -> "Result":
        """Numerically close to *expected* (same shape).  nan and inf match nothing unless the
        test says ``equal_nan=True`` (a nan where *expected* has one)."""
        exp = np.asarray(_as_array(expected))
        try:
            got = _as_array(self.value)
        except Exception:
            self.fail(describe(expected), hint, "did not return numbers.")
        if got.shape != exp.shape:
            self.fail(f"shape {exp.shape}: {describe(expected)}", hint,
                      f"returned shape {got.shape}, not {exp.shape}.")
        if not np.allclose(got, exp, rtol=rtol, atol=atol, equal_nan=equal_nan):
            bad = "" if got.size <= 1 else (
                f" (largest difference {np.nanmax(np.abs(got - exp)):.3g})"
                if np.isfinite(got).all() else " (it contains nan or inf)")
            self.fail(describe(expected), hint, f"returned the wrong value{bad}.")
        return self

    def equal(self, expected: Any, hint: str | None = None) -> "Result":
        """Exactly equal (works for ints, numpy scalars, arrays, tuples)."""
        if not _same(self.value, expected) and not self._numeric_equal(expected):
            self.fail(describe(expected), hint)
        return self

    def _numeric_equal(self, expected: Any) -> bool:
        try:
            got, exp = _as_array(self.value), _as_array(expected)
            return got.shape == exp.shape and bool(np.array_equal(got, exp))
        except Exception:
            return False

    def shape(self, expected: tuple, hint: str | None = None) -> "Result":
        got = tuple(getattr(self.value, "shape", np.shape(self.value)))
        if got != tuple(expected):
            self.fail(f"shape {tuple(expected)}", hint, "returned the wrong shape.", got=f"shape {got}")
        return self

    def finite(self, hint: str | None = None) -> "Result":
        try:
            ok = bool(np.isfinite(_as_array(self.value)).all())
        except Exception:
            ok = False
        if not ok:
            self.fail("finite numbers (no nan, no inf)", hint, "returned nan or inf.")
        return self

    def satisfies(self, predicate: Callable[[Any], bool], expected: str,
                  hint: str | None = None) -> "Result":
        """Any property: *expected* says in words what *predicate* checks."""
        try:
            with quietly():
                ok = bool(predicate(self.value))
        except Exception as exc:
            ok, expected = False, f"{expected} (checking it raised {type(exc).__name__}: {exc})"
        if not ok:
            self.fail(expected, hint)
        return self

    def is_instance(self, types, hint: str | None = None) -> "Result":
        if not isinstance(self.value, types):
            names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
            self.fail(f"a value of type {names}", hint, "returned the wrong type.",
                      got=f"{type(self.value).__name__}: {describe(self.value)}")
        return self

    def inputs_unchanged(self, hint: str | None = "work on a copy; do not write into the arguments"
                         ) -> "Result":
        """The call did not modify its (array, tensor, list, dict) arguments."""
        pairs = list(zip(self._before, self._args)) + [
            (self._before_kw[k], v) for k, v in self._kwargs.items()]
        for i, (before, after) in enumerate(pairs):
            if before is not None and not _same(before, after, lenient=True):
                raise CheckFailure(_format(self.call_text, f"argument {i + 1} left as {describe(before)}",
                                           f"it was changed to {describe(after)}", hint,
                                           "modified its input."))
        return self


def call(fn: Callable, *args, _name: str | None = None, _object: bool = False, **kwargs) -> Result:
    """Call student code quietly; an exception becomes a readable CheckFailure.

    While the judge grades, what a student's function returns must be data (numbers, strings,
    arrays, tensors, and lists, tuples and dicts of them); ``_object=True`` says the test asks
    for an object instead (a model, a logger), which stays in the student's kernel as a handle.
    """
    __tracebackhide__ = True
    fn_text = (_name or getattr(fn, "__qualname__", "").split("<locals>.")[-1]
               or getattr(fn, "__name__", None) or repr(fn))
    before = tuple(_snapshot(a) for a in args)
    before_kw = {k: _snapshot(v) for k, v in kwargs.items()}
    try:
        from .sides import objects_allowed
        with quietly(), objects_allowed(_object):
            value = fn(*args, **kwargs)
    except CheckFailure:
        raise
    except NotImplementedError:
        r = Result(fn_text, args, kwargs, None, before, before_kw)
        raise CheckFailure(_format(r.call_text, "an answer", "NotImplementedError",
                                   "replace `raise NotImplementedError()` with your code",
                                   "is not written yet.")) from None
    except Exception as exc:
        r = Result(fn_text, args, kwargs, None, before, before_kw)
        if getattr(exc, "_judge_rule_", False):  # the judge's contract: what was returned is not data
            raise CheckFailure(_format(r.call_text, "data (numbers, arrays, tensors, lists or dicts of them)",
                                       str(exc), "return the values themselves, not an object of your own",
                                       "did not return data.")) from None
        where = getattr(exc, "remote_where", None)  # raised in the student's kernel (the judge)
        lineno, name = where or tuple(traceback.extract_tb(exc.__traceback__)[-1])[1:3]
        got = f"{type(exc).__name__}: {exc} (line {lineno} of {name})"
        raise CheckFailure(_format(r.call_text, "a return value", got,
                                   "the error comes from that line of your code; check shapes and names",
                                   "raised an error.")) from None
    return Result(fn_text, args, kwargs, value, before, before_kw)


def close_enough(a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    """True when *a* and *b* have the same shape and close values (nan matches nothing unless
    *equal_nan*)."""
    try:
        x, y = _as_array(a), _as_array(b)
    except Exception:
        return False
    return x.shape == y.shape and bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def is_number(value: Any) -> bool:
    """Python or numpy real scalar (including 0-d arrays), not bool."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iuf"
    return isinstance(value, (int, float, np.integer, np.floating)) and not (
        isinstance(value, float) and math.isnan(value))


# -- tracebacks end at the student's code ---------------------------------
_COURSE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _in_course(filename: str) -> bool:
    return os.path.abspath(filename).startswith(_COURSE_DIR)


def trim_traceback(tb):
    """*tb* cut at its first frame in the ``course`` package that code outside it called.

    A failed check then shows the test cell's line (the student's call) and the
    call/expected/got/hint message, not the helpers in ``course/check.py`` that raised it.
    The traceback is shortened in place and returned.
    """
    node, previous, outside = tb, None, False
    while node is not None:
        inside = _in_course(node.tb_frame.f_code.co_filename)
        if inside and outside and previous is not None:
            previous.tb_next = None
            break
        outside = outside or not inside
        previous, node = node, node.tb_next
    return tb


def _is_check_failure(etype) -> bool:
    return isinstance(etype, type) and any(
        c.__name__ == "CheckFailure" and c.__module__ == __name__ for c in etype.__mro__)


def _trim_in_ipython() -> None:
    """In IPython (JupyterLab's kernel), show a :class:`CheckFailure` with :func:`trim_traceback`.

    It wraps the shell's traceback formatter, once; other exceptions are shown as before.
    (``set_custom_exc`` would do the same, but the grader flags any custom handler.)
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    formatter = getattr(shell, "InteractiveTB", None)
    original = getattr(formatter, "structured_traceback", None)
    if original is None or getattr(original, "_course_trims_", False):
        return

    def structured_traceback(etype, evalue, etb=None, *args, **kwargs):
        if etb is not None and _is_check_failure(etype):
            etb = trim_traceback(etb)
        return original(etype, evalue, etb, *args, **kwargs)

    structured_traceback._course_trims_ = True
    formatter.structured_traceback = structured_traceback


_trim_in_ipython()
