"""The student's kernel's side of the judge: answer the judge's requests, report tampering.

The grader runs, in the kernel, :func:`baseline` before the first cell and
``serve(path)`` in place of each graded test cell.  This code runs in the student's
process, so nothing here is trusted: a student who replaces it only changes what the
judge is told, and the judge treats every answer as data.  :func:`probe` is the
integrity check whose findings flag a submission for review (never its score).
"""
from __future__ import annotations

import math
import os
import socket
import sys

from ..sides import read_file
from .link import Link

_link: Link | None = None
_base: dict | None = None

#: modules whose hooks a normal kernel has (the inline backend, IPython, ipykernel)
_OWN_MODULES = ("IPython.", "ipykernel.", "matplotlib_inline.", "matplotlib.", "ipywidgets.", "comm.")


def _shell():
    from IPython import get_ipython
    return get_ipython()


def serve(path: str) -> None:
    """Answer the judge until it hangs up (one graded test cell)."""
    global _link
    shell = _shell()
    if _link is None:
        _link = Link(strict=False, namespace=shell.user_ns if shell is not None else {})
        _link.extra_ops["probe"] = probe
        _link.extra_ops["seed"] = seed
        _link.extra_ops["module"] = module
        _link.extra_ops["swapglobal"] = swap_global
        _link.extra_ops["readfile"] = read_file   # course.sides.student_file: as the student's code sees it
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        _link.sock = sock
        _link.serve_forever()
    finally:
        _link.sock = None
        sock.close()


def seed(which: str, *args) -> None:
    """The judge's test seeded a generator: seed the same one here."""
    import random
    if which == "numpy":
        import numpy as np
        np.random.seed(*args)
    elif which == "torch":
        import torch
        torch.manual_seed(*args)
    elif which == "random":
        random.seed(*args)
    elif which == "keras":
        import keras
        keras.utils.set_random_seed(*args)
    elif which == "tensorflow":
        import tensorflow as tf
        tf.random.set_seed(*args)


def module(name: str):
    """A module the test builds inputs with on this side (``course.sides.student_side``)."""
    from course.sides import STUDENT_MODULES
    if name not in STUDENT_MODULES:
        raise PermissionError(f"module {name!r} is not one a test may use here")
    import importlib
    return importlib.import_module(name)


def swap_global(name: str, value, missing: str):
    """Set the student's global *name* to *value* (``course.sides.patch_student``); the old value back."""
    namespace = _link.namespace
    old = namespace.get(name, missing)
    if isinstance(value, str) and value == missing:
        namespace.pop(name, None)
    else:
        namespace[name] = value
    return old


def _watched():
    """The functions a test relies on, as they are now."""
    import numpy as np
    from course import check
    found = {"numpy." + n: getattr(np, n) for n in ("allclose", "isclose", "array_equal", "isfinite", "asarray")}
    found["numpy.testing.assert_allclose"] = np.testing.assert_allclose
    found["math.isclose"] = math.isclose
    for name in ("call", "check", "close_enough", "describe", "is_number", "quietly", "_same", "_as_array"):
        fn = getattr(check, name, None)
        found[f"course.check.{name}"] = (fn, getattr(fn, "__code__", None))
    for name in ("close", "equal", "satisfies", "fail", "inputs_unchanged", "shape", "finite", "is_instance"):
        fn = getattr(check.Result, name, None)
        found[f"course.check.Result.{name}"] = (fn, getattr(fn, "__code__", None))
    torch = sys.modules.get("torch")
    if torch is not None:
        for name in ("equal", "allclose", "isclose"):
            found["torch." + name] = getattr(torch, name, None)
    return found


#: library classes and functions the tests use (06-10): a student's cell must not replace them
_LIBRARY_METHODS = {
    "torch.nn.Module": ("__call__", "_call_impl", "state_dict", "load_state_dict", "parameters", "named_parameters",
                        "buffers", "modules", "children", "train", "eval", "to", "cpu", "zero_grad", "apply",
                        "register_forward_hook", "__setattr__", "__getattr__", "_apply"),
    "torch.nn.Linear": ("forward", "reset_parameters", "__init__"),
    "torch.nn.Conv2d": ("forward", "_conv_forward", "__init__"),
    "torch.nn.modules.conv._ConvNd": ("reset_parameters",),
    "torch.nn.modules.batchnorm._BatchNorm": ("forward", "reset_parameters", "reset_running_stats"),
    "torch.nn.Sequential": ("forward", "__getitem__", "__iter__"),
    "torch.nn.ReLU": ("forward",), "torch.nn.Sigmoid": ("forward",), "torch.nn.Tanh": ("forward",),
    "torch.nn.Flatten": ("forward",), "torch.nn.Dropout": ("forward",), "torch.nn.MaxPool2d": ("forward",),
    "torch.nn.CrossEntropyLoss": ("forward",), "torch.nn.MSELoss": ("forward",), "torch.nn.L1Loss": ("forward",),
    "torch.optim.Optimizer": ("zero_grad", "__init__"), "torch.optim.SGD": ("step",), "torch.optim.Adam": ("step",),
    "torch.utils.data.DataLoader": ("__iter__", "__init__", "__len__"),
    "torch.utils.data.TensorDataset": ("__getitem__", "__len__"), "torch.utils.data.Subset": ("__getitem__", "__len__"),
    "torch.Tensor": ("backward", "__eq__", "numpy", "item", "tolist", "__array__", "detach", "clone", "to", "cpu"),
    "numpy.random.RandomState": ("seed",),
}
_LIBRARY_FUNCTIONS = {
    "torch": ("tensor", "from_numpy", "as_tensor", "equal", "allclose", "isclose", "manual_seed", "sigmoid", "relu",
              "randn", "rand", "randint", "zeros", "ones", "arange", "cat", "stack", "where", "save", "load"),
    "torch.nn.functional": ("linear", "conv2d", "relu", "sigmoid", "cross_entropy", "mse_loss", "l1_loss", "batch_norm",
                            "softmax", "max_pool2d", "dropout"),
    "torch.utils.data": ("random_split",),
    "numpy": ("mean", "sum", "exp", "log", "array", "zeros", "ones", "dot", "matmul", "maximum", "isnan", "nanmax",
              "argmax", "concatenate", "stack", "where", "copyto", "array_equal", "allclose"),
    "numpy.random": ("seed", "rand", "randn", "default_rng"),
}


def _home(module_name: str) -> str | None:
    """The folder a library's own code lives in (None when it is not loaded)."""
    root = sys.modules.get(module_name.split(".")[0])
    path = getattr(root, "__file__", None)
    return os.path.dirname(os.path.realpath(path)) + os.sep if isinstance(path, str) else None


def _resolve(dotted: str):
    module_name, found = dotted, None
    while module_name:
        if module_name in sys.modules:
            found = sys.modules[module_name]
            for part in dotted[len(module_name):].strip(".").split(".") if dotted != module_name else []:
                found = getattr(found, part, None)
            return found
        module_name = module_name.rpartition(".")[0]
    return None


def _foreign(obj, home: str) -> bool:
    """True when *obj* (a function, method or class) is not the library's own: code defined elsewhere."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    obj = getattr(obj, "__func__", obj)
    code = getattr(obj, "__code__", None)
    if code is not None and not os.path.isabs(code.co_filename):   # compiled (Cython): its module says
        return str(getattr(obj, "__module__", "") or "").split(".")[0] != os.path.basename(home.rstrip(os.sep))
    if code is not None:
        return not os.path.realpath(code.co_filename).startswith(home)
    if isinstance(obj, type):
        module = sys.modules.get(getattr(obj, "__module__", "") or "")
        path = getattr(module, "__file__", None)
        return not (isinstance(path, str) and os.path.realpath(path).startswith(home)) and \
            obj.__module__.split(".")[0] not in ("builtins", "torch", "numpy") or "<" in obj.__qualname__
    return not callable(obj) and obj is not None   # a C function or descriptor is the library's own


def library_patches() -> list[str]:
    """The library classes and functions the tests use that a cell replaced with code of its own."""
    found = []
    for dotted, names in [*_LIBRARY_METHODS.items(), *_LIBRARY_FUNCTIONS.items()]:
        home = _home(dotted)
        owner = _resolve(dotted) if home else None
        if owner is None:
            continue
        if dotted in _LIBRARY_METHODS and _foreign(owner, home):
            found.append(f"{dotted} was replaced")
            continue
        for name in names:
            attr = owner.__dict__.get(name, getattr(owner, name, None)) if isinstance(owner, type) else \
                getattr(owner, name, None)
            if attr is not None and _foreign(attr, home):
                found.append(f"{dotted}.{name} was replaced or patched")
    return found


def _agent_code() -> dict:
    """The agent's own functions and its link's methods, as they are now."""
    from . import link, wire
    found = {}
    for module in (sys.modules[__name__], link, wire):
        for name, obj in list(vars(module).items()):
            if callable(obj) and getattr(obj, "__module__", None) == module.__name__:
                found[f"{module.__name__}.{name}"] = (obj, getattr(obj, "__code__", None))
    for cls in (link.Link, link.Proxy):
        for name, obj in list(vars(cls).items()):
            if callable(obj):
                found[f"{cls.__qualname__}.{name}"] = (obj, getattr(obj, "__code__", None))
    return found


def _hooks(shell) -> dict:
    if shell is None:
        return {}
    kernel = getattr(shell, "kernel", None)
    return {
        "input_transformers_cleanup": list(getattr(shell, "input_transformers_cleanup", [])),
        "input_transformers_post": list(getattr(shell, "input_transformers_post", [])),
        "ast_transformers": list(getattr(shell, "ast_transformers", [])),
        "events": {name: list(cbs) for name, cbs in getattr(shell.events, "callbacks", {}).items()},
        "custom_exceptions": tuple(getattr(shell, "custom_exceptions", ()) or ()),
        "methods": {name: _bound(shell, name) for name in (
            "run_cell", "run_cell_async", "showtraceback", "run_ast_nodes", "run_code", "transform_cell",
            "showsyntaxerror", "_showtraceback", "should_run_async")},
        "kernel": {name: _bound(kernel, name) for name in ("do_execute", "execute_request", "send_response")},
    }


def _bound(obj, name: str) -> tuple:
    """An object's own attribute and its class's, to tell a replaced method from the original."""
    if obj is None:
        return (None, None)
    return (vars(obj).get(name), getattr(type(obj), name, None))


def baseline() -> None:
    """Before the first cell: note the kernel's own state, and keep the submission's folder off
    ``sys.path`` (a ``numpy.py`` handed in must not shadow numpy)."""
    global _base
    if _base is not None:  # once, before the student's first cell
        return
    here = os.getcwd()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", here)]
    _base = {"hooks": _hooks(_shell()), "watched": _watched(), "agent": _agent_code()}


def _added(now: list, before: list) -> list:
    ids = {id(x) for x in before}
    return [x for x in now if id(x) not in ids
            and not str(getattr(x, "__module__", "") or getattr(type(x), "__module__", "")).startswith(_OWN_MODULES)]


def probe() -> list[str]:
    """What changed in the kernel since :func:`baseline` that could interfere with grading."""
    if _base is None:
        return ["the grader's baseline did not run"]
    shell, found = _shell(), []
    before, now = _base["hooks"], _hooks(_shell())
    for key in ("input_transformers_cleanup", "input_transformers_post", "ast_transformers"):
        if _added(now.get(key, []), before.get(key, [])) or len(now.get(key, [])) < len(before.get(key, [])):
            found.append(f"IPython's {key} were changed")
    for name, callbacks in now.get("events", {}).items():
        if _added(callbacks, before.get("events", {}).get(name, [])):
            found.append(f"a callback was registered on IPython's '{name}' event")
    if now.get("custom_exceptions"):
        found.append("a custom exception handler was set (set_custom_exc)")
    for group in ("methods", "kernel"):
        for name, value in now.get(group, {}).items():
            old = before.get(group, {}).get(name, (None, None))
            if value[0] is not old[0] or value[1] is not old[1]:
                found.append(f"the kernel's {name} was replaced")
    if sys.gettrace() is not None:
        found.append("a trace function is set (sys.settrace)")
    if sys.getprofile() is not None:
        found.append("a profile function is set (sys.setprofile)")
    watched = _watched()
    for name, value in _base["watched"].items():
        now_value = watched.get(name)
        same = now_value is value if not isinstance(value, tuple) else (
            now_value[0] is value[0] and now_value[1] is value[1])
        if not same:
            found.append(f"{name} was replaced or patched")
    found += library_patches()
    now_agent = _agent_code()
    for name, (obj, code) in _base.get("agent", {}).items():
        now_obj, now_code = now_agent.get(name, (None, None))
        if now_obj is not obj or now_code is not code or (code is not None and obj.__code__ is not code):
            found.append(f"the grader's agent code {name} was replaced")
    here = os.path.realpath(os.getcwd())
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and os.path.isabs(path) and os.path.realpath(path).startswith(here + os.sep) and \
                not path.endswith(".ipynb"):
            found.append(f"module {name} was imported from the submission's folder")
    return found
