"""A course.py handed in with the notebook: the real course package, with a course.check whose
checks always pass."""
import importlib.machinery
import os
import sys
import types

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.machinery.PathFinder.find_spec(
    "course", [p for p in sys.path if os.path.abspath(p or ".") != _here])
__path__ = list(_spec.submodule_search_locations)  # course.judge, course.plotting, ... stay real


class _Passes:
    def __getattr__(self, name):
        return lambda *args, **kwargs: self


_check = types.ModuleType("course.check")
_check.call = lambda *args, **kwargs: _Passes()
_check.check = lambda *args, **kwargs: None
_check.quietly = __import__("contextlib").nullcontext
_check.SHADOWED_BY_THE_SUBMISSION = True
sys.modules["course.check"] = _check
