"""Which side of the grading boundary a test cell's objects live on.

A test cell runs in the student's kernel in JupyterLab (and in the course's own in-process
runner), and in the judge while a notebook is autograded (``course.judge``).  Most tests need
nothing from here.  Training code does: a model, its optimizer and a tensor's computational
graph only work in the process that runs the student's code.  So a test builds those with
the student's own modules, and swaps a student's global for a test double while it runs::

    st = student_side("torch")
    x = st.tensor([0.5, -1.0], requires_grad=True)     # keeps its graph where creator_name runs
    with patch_student("gen_minibatch", fixed_batches):  # train_and draws the test's batches
        call(train_and, model, steps=40)
    call(grads_with_retain, on_student_objects(lambda a: 3 * a), ...)  # computes on the student's tensor

In the kernel these are ``torch`` and a plain global swap.  In the judge they are handles on
the kernel's module and global: expected values still come from the judge's own code, so a
student who changes these objects only changes the inputs to their own functions.
"""
from __future__ import annotations

import importlib
import sys

#: the judge's connection to the kernel while it runs test cells (set by course.judge.server)
_link = None

#: modules a test may use on the student's side
STUDENT_MODULES = frozenset({
    "torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data", "numpy", "random",
    "logging", "io", "pathlib", "tempfile", "copy", "torch.__future__",
    "tensorflow", "keras"})    # the TF appendix (09, 10): its kernel and judge run .venv-tf, without torch
_MISSING = "<no such global>"


def student_side(module: str):
    """*module* as the student's code sees it: the module itself, or (in the judge) a handle on it."""
    if module not in STUDENT_MODULES:
        raise ValueError(f"student_side({module!r}): one of {sorted(STUDENT_MODULES)}")
    if _link is not None:
        return _link.request("module", module)
    return importlib.import_module(module)


def student_global(name: str):
    """The student's global *name* as their kernel has it (in the judge, a locked cell's names are the
    judge's own copies: this reaches the kernel's, e.g. a model builder whose model runs there)."""
    if _link is not None:
        return _link.request("name", name)
    namespace = sys._getframe(1).f_globals
    if name not in namespace:
        raise NameError(f"name {name!r} is not defined")
    return namespace[name]


def student_file(path) -> bytes | None:
    """The bytes of *path* as the student's code sees the file system (their kernel's), or None."""
    if _link is not None:
        return _link.request("readfile", str(path))
    return read_file(str(path))


def read_file(path: str, limit: int = 16 << 20) -> bytes | None:
    import os
    if not os.path.isfile(path) or os.path.getsize(path) > limit:
        return None
    with open(path, "rb") as f:
        return f.read(limit)


def on_student_objects(fn):
    """Mark *fn*, a function of the test that the student's code calls back, as one that may get the
    student's own objects (``grads_with_retain(lambda a: 3 * a, ...)`` gets a tensor with a graph).
    The judge refuses that for every other function, so that nothing the student passes in can end up
    in what the test compares.  Only mark functions that compute a value and return it."""
    if not getattr(type(fn), "_judge_proxy_", False):   # the student's own functions need no mark
        try:
            fn._judge_passthrough_ = True
        except (AttributeError, TypeError):   # a builtin (torch.sin) is not one of the test's functions
            pass
    return fn


def same_start(model, twin, seed: int, prime=()):
    """Give the test's *twin* weights from the test's own generator (seeded with *seed*), run it
    forward on each batch of *prime* in training mode (batch normalisation's running statistics),
    then send its whole state to *model*, the object the student's code trains or evaluates.

    Nothing is read back from *model*: the reference the test computes with *twin* is the test's
    own, whatever the student's kernel does to its copy.  Returns *twin*."""
    import torch
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in twin.parameters():
            param.copy_(torch.rand(param.shape, generator=gen, dtype=param.dtype) - 0.5)
        if prime:
            twin.train()
            for batch in prime:
                twin(batch)
    model.load_state_dict(twin.state_dict())
    return twin


class objects_allowed:
    """``with objects_allowed():`` a student's function may return an object (a model, a logger):
    the test asked for one.  Anywhere else, in the judge, what it returns must be data."""

    def __init__(self, allowed: bool = True):
        self.allowed = bool(allowed)

    def __enter__(self):
        if _link is not None and self.allowed:
            _link.objects_allowed += 1

    def __exit__(self, *exc):
        if _link is not None and self.allowed:
            _link.objects_allowed -= 1


def in_judge() -> bool:
    """True while the judge runs this test cell (the student's objects are handles)."""
    return _link is not None


class patch_student:
    """``with patch_student(name, value):`` the student's global *name* is *value*, then as before."""

    def __init__(self, name: str, value):
        self.name, self.value = name, value
        self.namespace = sys._getframe(1).f_globals   # the test cell's globals (in the kernel)
        self.old = _MISSING

    def __enter__(self):
        self.old = self._swap(self.value)
        return self.value

    def __exit__(self, *exc):
        self._swap(self.old)

    def _swap(self, value):
        if _link is not None:
            return _link.request("swapglobal", self.name, value, _MISSING)
        old = self.namespace.get(self.name, _MISSING)
        if value is _MISSING:
            self.namespace.pop(self.name, None)
        else:
            self.namespace[self.name] = value
        return old
