"""The liar fuzzer (issue 22, point 5): submissions built from the notebooks that lie about every answer.

For each judged notebook, :func:`record` runs the **source** notebook in-process (its locked cells,
its answer cells, and the *visible* part of each test cell: what a student sees) and records what
every exercise's functions, methods and variables return on the visible tests' calls.  From that,
:func:`build` writes one submission per liar kind, in which **every** answer cell of the release
notebook lies (each test cell is scored on its own, so each exercise's verdict is still visible):

``stub``   the release notebook as it is (``raise NotImplementedError``): the honest baseline;
``nan``    (a) every function and method returns NaN of the reference's shape and dtype (float NaN
           where the reference returns an int or a bool), every variable is NaN;
``liar``   (b) every name is a :class:`Liar` that says yes to every operator, comparison,
           conversion and attribute, and prints what it was sent (``LIAR name op ...``);
``table``  (c) right only on the visible tests' inputs: a lookup table of the visible calls'
           arguments -> the reference's outputs, zeros elsewhere;
``patch``  (d) the exercises stay stubs, and each answer cell patches, in the kernel, the library
           functions and classes its tests touch (NumPy, torch, torch.nn's Module and Linear,
           ``course.check``) by every route (``sys.modules[...]``, a module alias, ``setattr``,
           classes made with ``type(...)``, a rebound global) to return NaN, zeros or their inputs.

Every one of them must score exactly what the stub scores, on every test cell (``tests/test_liars.py``).
"""
from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import io
import json
import re
import shutil
import sys
import tempfile
import traceback
import warnings
from pathlib import Path

import nbformat

from .kernel import PRELUDE

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("stub", "nan", "liar", "table", "patch")
LIARS = KINDS[1:]
#: the judged notebooks of the main suite (09/10 need .venv-tf: see test_liars' module docstring)
NOTEBOOKS = ("01_perceptron", "02_activations", "03_loss_and_gradients", "04_backprop", "05_chainer_style",
             "06_pytorch_and", "07_pytorch_regression", "07b_training_practice", "08_cnn_cifar10", "08b_gpu")
HIDDEN = "### BEGIN HIDDEN TESTS"
MAX_RECORDS = 40          # per function or method
MAX_ELEMENTS = 20000      # an array larger than this is recorded by shape and dtype only

_ns: dict = {}
exec(compile(PRELUDE, "<liar prelude>", "exec"), _ns)
liar_key, liar_hash = _ns["_liar_key"], _ns["_liar_hash"]


def nbmeta(c) -> dict:
    return c.get("metadata", {}).get("nbgrader", {})


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def answer_ids(nb) -> list[str]:
    return [nbmeta(c)["grade_id"] for c in nb.cells if nbmeta(c).get("solution")]


def test_ids(nb) -> list[str]:
    return [nbmeta(c)["grade_id"] for c in nb.cells
            if c.cell_type == "code" and nbmeta(c).get("grade") and not nbmeta(c).get("solution")]


def exercise_of(gid: str, answers: list[str]) -> str | None:
    """test_<answer> or test_<answer>_<n> -> answer (the longest answer id that matches)."""
    found = [a for a in answers if re.fullmatch(rf"test_{re.escape(a)}(_\d+)?", gid)]
    return max(found, key=len) if found else None


def visible(source: str) -> str:
    return source.split(HIDDEN)[0]


# --- what an answer cell defines -------------------------------------------------------------
def definitions(source: str) -> dict[str, dict]:
    """Top-level names an answer cell defines: functions (their parameters), classes (their bases and
    methods' parameters) and variables."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, dict] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = {"kind": "function", "params": _params(node.args)}
        elif isinstance(node, ast.ClassDef):
            methods = {f.name: _params(f.args)[1:] for f in node.body if isinstance(f, ast.FunctionDef)}
            found[node.name] = {"kind": "class", "bases": [ast.unparse(b) for b in node.bases], "methods": methods}
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        found.setdefault(n.id, {"kind": "variable"})
    return found


def _params(args: ast.arguments) -> list[str]:
    names = [a.arg for a in args.posonlyargs + args.args]
    if args.vararg:
        names.append("*" + args.vararg.arg)
    names += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        names.append("**" + args.kwarg.arg)
    return names


# --- recording the reference ------------------------------------------------------------------
def encode(value, depth: int = 0):
    """A value as JSON (see kernel.PRELUDE's ``_liar_dec``); objects the table cannot hold -> {"ob": type}."""
    import numpy as np
    torch = sys.modules.get("torch")
    if depth > 6:
        return {"ob": "deep"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc":
            return {"ob": f"ndarray[{value.dtype}]"}
        small = value.size <= MAX_ELEMENTS and value.dtype.kind != "c"
        return {"nd": value.ravel().tolist() if small else None, "dt": str(value.dtype), "sh": list(value.shape)}
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return {"np": value.item(), "dt": str(value.dtype)}
    if torch is not None and isinstance(value, torch.Tensor):
        if value.device.type == "meta" or value.is_complex():
            return {"ob": "tensor"}
        small = value.numel() <= MAX_ELEMENTS
        return {"pt": value.detach().cpu().reshape(-1).tolist() if small else None,
                "dt": str(value.dtype).replace("torch.", ""), "sh": list(value.shape)}
    if isinstance(value, tuple):
        return {"tu": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list) and len(value) <= 2000:
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict) and all(isinstance(k, (str, int)) for k in value) and len(value) <= 200:
        return {"di": [[k, encode(v, depth + 1)] for k, v in value.items()]}
    return {"ob": type(value).__name__}


def _shape(value):
    if hasattr(value, "shape") and not isinstance(getattr(value, "shape"), type(None)):
        try:
            return tuple(value.shape)
        except TypeError:
            return None
    return None


class Recorder:
    def __init__(self):
        self.tables: dict[str, dict] = {}      # exercise -> name -> {"calls": {hash: [enc]}, "first", "follow"}
        self.values: dict[str, dict] = {}      # exercise -> variable -> enc
        self._follow: dict[tuple, set] = {}

    def note(self, exercise: str, name: str, args: list, out) -> None:
        table = self.tables.setdefault(exercise, {})
        entry = table.setdefault(name, {"calls": {}, "first": None, "follow": None, "n": 0})
        if entry["n"] >= MAX_RECORDS:
            return
        entry["n"] += 1
        enc = encode(out)
        if entry["first"] is None:
            entry["first"] = enc
        entry["calls"].setdefault(liar_hash(args), []).append(enc)
        # does the output take the shape of one argument, every time?
        shape = _shape(out)
        candidates = {i for i, a in enumerate(args) if shape is not None and _shape(a) == shape}
        key = (exercise, name)
        self._follow[key] = candidates if key not in self._follow else self._follow[key] & candidates
        entry["follow"] = min(self._follow[key]) if self._follow[key] else None

    def wrap(self, exercise: str, name: str, fn, method: bool):
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            return fn

        @functools.wraps(fn)
        def recorded(*args, **kwargs):
            out = fn(*args, **kwargs)
            try:
                bound = sig.bind(*args, **kwargs)
                bound.apply_defaults()
                values = []
                for pname, v in bound.arguments.items():
                    kind = sig.parameters[pname].kind
                    if kind is inspect.Parameter.VAR_POSITIONAL:
                        values.extend(v)
                    elif kind is inspect.Parameter.VAR_KEYWORD:
                        values.extend(v[k] for k in sorted(v))
                    else:
                        values.append(v)
                self.note(exercise, name, values[1:] if method else values, out)
            except Exception:  # noqa: BLE001 - recording never changes what the reference does
                pass
            return out
        return recorded


def record(aid: str) -> dict:
    """Run the source notebook's locked cells, answer cells and visible tests in-process; return
    {exercise: {"defs": definitions, "table": {...}, "values": {...}}} and what failed."""
    nb = read(ROOT / "source" / aid / f"{aid}.ipynb")
    answers = answer_ids(nb)
    rec = Recorder()
    ns: dict = {"__name__": "__main__"}
    defs: dict[str, dict] = {}
    errors: dict[str, str] = {}
    with _in_source_copy(aid, "record"):
        for cell in nb.cells:
            meta = nbmeta(cell)
            gid = meta.get("grade_id", "")
            if cell.cell_type != "code":
                continue
            if meta.get("solution"):
                defs[gid] = definitions(cell.source)
                err = _run(cell.source, ns, gid)
                for name, d in defs[gid].items():
                    if name not in ns:
                        continue
                    obj = ns[name]
                    if d["kind"] == "function" and callable(obj):
                        ns[name] = rec.wrap(gid, name, obj, method=False)
                    elif d["kind"] == "class" and isinstance(obj, type):
                        for m in d["methods"]:
                            if m in vars(obj) and callable(vars(obj)[m]) and not isinstance(
                                    vars(obj)[m], (staticmethod, classmethod)):
                                setattr(obj, m, rec.wrap(gid, f"{name}.{m}", vars(obj)[m], method=True))
                    elif d["kind"] == "variable":
                        rec.values.setdefault(gid, {})[name] = encode(obj)
            elif meta.get("grade"):
                err = _run(visible(cell.source), ns, gid)
            elif meta.get("locked"):
                err = _run(cell.source, ns, gid or "locked")
            elif not _heavy(cell.source):  # plain cells that define what tests use (init_network)
                err = _run(cell.source, ns, "plain")
            else:
                continue  # figures, long training runs
            if err:
                errors[gid or "locked"] = err
    out = {}
    for gid in answers:
        table = {}
        for name, entry in rec.tables.get(gid, {}).items():
            table[name] = {"calls": entry["calls"], "first": entry["first"], "follow": entry["follow"]}
        out[gid] = {"defs": defs.get(gid, {}), "table": table, "values": rec.values.get(gid, {})}
    return {"exercises": out, "errors": errors}


def _run(source: str, ns: dict, name: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(compile(source, f"<{name}>", "exec"), ns)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a visible test may fail in-process (no data)
                return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300]
    return ""


# --- the liars' answer cells --------------------------------------------------------------------
def _call_args(params: list[str]) -> str:
    parts = []
    for p in params:
        if p.startswith("**"):
            parts.append(f"*[{p[2:]}[_k] for _k in sorted({p[2:]})]")
        elif p.startswith("*"):
            parts.append(f"*{p[1:]}")
        else:
            parts.append(p)
    return "[" + ", ".join(parts) + "]"


def _signature(params: list[str]) -> str:
    """The reference's parameters, each optional (a liar accepts what the tests pass)."""
    out, star = [], False
    for p in params:
        if p.startswith("**"):
            out.append(p)
        elif p.startswith("*"):
            out.append(p)
            star = True
        else:
            out.append(f"{p}=None")
    return ", ".join(out)


def _table_name(gid: str) -> str:
    return "_LIAR_T_" + re.sub(r"\W", "_", gid)


def answer_cell(kind: str, gid: str, ex: dict, stub: str, patches: str = "") -> str:
    """The source of exercise *gid*'s answer cell in a *kind* liar."""
    if kind == "stub":
        return stub
    if kind == "patch":
        return f"# liar (d): the library patched in the kernel; the exercise stays a stub\n{patches}\n\n{stub}"
    defs, table, values = ex["defs"], ex["table"], ex["values"]
    mode = {"nan": "nan", "table": "table"}.get(kind)
    lines = [f"# liar ({ {'nan': 'a', 'liar': 'b', 'table': 'c'}[kind] }): {kind}", PRELUDE]
    if mode:
        blob = json.dumps(table, allow_nan=True, separators=(",", ":"))
        lines.append(f"{_table_name(gid)} = _liar_json.loads({blob!r})")
    for name, d in defs.items():
        if d["kind"] == "function":
            params = d["params"]
            if kind == "liar":
                body = f"    return Liar({name!r})({', '.join(p if not p.startswith('*') else p for p in params)})"
            else:
                body = f"    return _liar_answer({_table_name(gid)}, {name!r}, {_call_args(params)}, {mode!r})"
            lines.append(f"def {name}({_signature(params)}):\n{body}")
        elif d["kind"] == "class":
            if kind == "liar":
                lines.append(f"{name} = Liar({name!r})")
                continue
            bases = ", ".join(d["bases"])
            body = ["    def __init__(self, *args, **kwargs):",
                    "        try:\n            super().__init__()\n        except Exception:\n            pass"]
            for m, params in d["methods"].items():
                if m == "__init__":
                    continue
                body.append(f"    def {m}(self, {_signature(params)}):\n"
                            f"        return _liar_answer({_table_name(gid)}, {name + '.' + m!r}, "
                            f"{_call_args(params)}, {mode!r})")
            lines.append(f"class {name}({bases}):\n" + "\n".join(body))
        elif d["kind"] == "variable":
            if kind == "liar":
                lines.append(f"{name} = Liar({name!r})")
            elif kind == "nan" and name in values:
                lines.append(f"{name} = _liar_dec(_liar_json.loads({json.dumps(values[name], allow_nan=True)!r}), "
                             "'nan')")
            elif kind == "table" and name in values:
                # a variable has no inputs: the "elsewhere" of the table is all there is
                lines.append(f"{name} = _liar_dec(_liar_json.loads({json.dumps(values[name], allow_nan=True)!r}), "
                             "'zero')")
    return "\n\n".join(lines)


# --- (d): the library the tests touch, patched ------------------------------------------------
#: module names in the notebooks -> the module
MODULES = {"np": "numpy", "numpy": "numpy", "torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional",
           "optim": "torch.optim", "math": "math"}
CHECK_NAMES = ("call", "check", "close_enough", "describe", "is_number")
RESULT_METHODS = ("close", "equal", "satisfies", "shape", "finite", "is_instance", "inputs_unchanged", "fail")
#: torch.nn.Module's methods (and Linear's) the training tests rely on
MODULE_METHODS = ("forward", "state_dict", "load_state_dict", "reset_parameters", "parameters", "train",
                  "eval", "to", "zero_grad", "named_parameters")


def touched(sources: list[str]) -> list[str]:
    """Dotted library names (``np.allclose``, ``torch.equal``, ``nn.Linear``) used in test cells."""
    found = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                text = ast.unparse(node)
                head = text.split(".")[0]
                if head in MODULES and re.fullmatch(r"[\w.]+", text) and text.count(".") <= 2:
                    found.append(text)
    return list(dict.fromkeys(found))


def patches(names: list[str], index: int) -> str:
    """Patch code for the library names an exercise's tests touch; the route and what the patch
    returns rotate with *index* (and the name), so that every route and every return are used."""
    returns = ["lambda *a, **k: float('nan')", "lambda *a, **k: 0", "lambda *a, **k: a[0] if a else None"]
    lines = ["import sys as _lsys, numpy as _lnp, course.check as _lcheck", "_lmods = {}"]
    for i, dotted in enumerate(names):
        head, _, rest = dotted.partition(".")
        if not rest:
            continue
        module = MODULES[head]
        owner_path, _, attr = (module + "." + rest).rpartition(".")
        target = _resolve(owner_path, attr)
        if target is None or inspect.ismodule(target):  # a submodule (torch.nn): its own names are patched
            continue
        ret = returns[(index + i) % 3]
        route = (index + i) % 4
        owner = f"_lsys.modules[{owner_path.split('.')[0]!r}]"
        for part in owner_path.split(".")[1:]:
            owner = f"getattr({owner}, {part!r})"
        if isinstance(target, type):  # a class: a subclass made with type(...), its methods lying
            lines.append(f"try:\n    _lcls = getattr({owner}, {attr!r})\n"
                         f"    if isinstance(_lcls, type):\n"
                         f"        setattr({owner}, {attr!r}, type(_lcls.__name__, (_lcls,), "
                         "{m: (lambda self, *a, **k: a[0] if a else self) for m in ('forward', '__call__') "
                         "if hasattr(_lcls, m)}))\nexcept Exception:\n    pass")
            continue
        stmt = {0: f"{owner}.{attr} = {ret}" if route == 0 else "",
                1: f"import {owner_path} as _lalias\n    _lalias.{attr} = {ret}",
                2: f"setattr({owner}, {attr!r}, {ret})",
                3: f"_lsys.modules[{owner_path!r}].__dict__[{attr!r}] = {ret}"}[route]
        if route == 0:
            stmt = f"{owner}.{attr} = {ret}"
        lines.append(f"try:\n    {stmt}\nexcept Exception:\n    pass")
    # course.check, by every route: the module's functions, Result's methods, the globals the test cells use
    lines.append("try:\n    for _lm in " + repr(RESULT_METHODS) + ":\n"
                 "        setattr(_lcheck.Result, _lm, lambda self, *a, **k: self)\n"
                 "    _lsys.modules['course.check'].check = lambda *a, **k: None\n"
                 "    _lsys.modules['course.check'].close_enough = lambda *a, **k: True\n"
                 "except Exception:\n    pass")
    lines.append("try:\n    import torch as _ltorch\n    _lnn = _lsys.modules['torch.nn']\n"
                 "    for _lm in " + repr(MODULE_METHODS) + ":\n"
                 "        if _lm == 'forward':\n"
                 "            setattr(_lnn.Linear, 'forward', lambda self, x: x * float('nan'))\n"
                 "        elif _lm == 'state_dict':\n"
                 "            _lnn.Module.state_dict = lambda self, *a, **k: {}\n"
                 "        elif _lm == 'load_state_dict':\n"
                 "            _lnn.Module.load_state_dict = lambda self, *a, **k: None\n"
                 "        elif _lm == 'reset_parameters':\n"
                 "            _lnn.Linear.reset_parameters = lambda self: None\n"
                 "    type(_ltorch.zeros(1)).__eq__ = lambda a, b: _ltorch.ones((), dtype=_ltorch.bool)\n"
                 "    _ltorch.equal = lambda *a, **k: True\n"
                 "    _ltorch.allclose = lambda *a, **k: True\n"
                 "except Exception:\n    pass")
    lines.append("try:\n    _lnp.allclose = lambda *a, **k: True\n    _lnp.isclose = lambda a, b, *r, **k: "
                 "_lnp.ones(_lnp.broadcast(a, b).shape, dtype=bool)\n"
                 "    _lnp.array_equal = lambda *a, **k: True\n    _lnp.testing.assert_allclose = lambda *a, **k: None\n"
                 "except Exception:\n    pass")
    lines.append("def call(fn, *a, **k):  # the test's helpers, rebound: a Result whose checks all pass\n"
                 "    try:\n        return _lcheck.Result('f', a, k, None, tuple(None for _ in a), {})\n"
                 "    except TypeError:\n        return _lcheck.Result('f', a, k, None)\n\n\n"
                 "def check(*a, **k):\n    return None")
    return "\n".join(lines)


def _resolve(owner_path: str, attr: str):
    import importlib
    try:
        return getattr(importlib.import_module(owner_path), attr, None)
    except Exception:  # noqa: BLE001
        return None


# --- the submissions ----------------------------------------------------------------------------
def build(aid: str, kind: str, recorded: dict, folder: Path) -> None:
    """The release notebook with every answer cell replaced by a *kind* liar, into *folder*."""
    src = read(ROOT / "source" / aid / f"{aid}.ipynb")
    nb = read(ROOT / "release" / aid / f"{aid}.ipynb")
    answers = answer_ids(nb)
    tests = {nbmeta(c)["grade_id"]: c.source for c in src.cells if nbmeta(c).get("grade")
             and not nbmeta(c).get("solution")}
    for index, c in enumerate(nb.cells):
        gid = nbmeta(c).get("grade_id")
        if not nbmeta(c).get("solution"):
            continue
        ex = recorded["exercises"].get(gid) or {"defs": {}, "table": {}, "values": {}}
        mine = [s for t, s in tests.items() if exercise_of(t, answers) == gid]
        c.source = answer_cell(kind, gid, ex, c.source, patches(touched(mine), index) if kind == "patch" else "")
    # plain cells that only draw or train at length: a student may delete them (they cost minutes)
    nb.cells = [c for c in nb.cells if nbmeta(c) or c.cell_type != "code" or not _heavy(c.source)]
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(folder / f"{aid}.ipynb"))


@contextlib.contextmanager
def _in_source_copy(aid: str, what: str):
    """Run in a scratch copy of source/<aid>/ in grading mode (nbexec.grading_mode); figures closed and the
    copy removed afterwards."""
    from nbexec import grading_mode
    work = Path(tempfile.mkdtemp(prefix=f"liar-{what}-{aid}-"))
    shutil.copytree(ROOT / "source" / aid, work, dirs_exist_ok=True)
    try:
        with grading_mode(work):
            yield work
    finally:
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        shutil.rmtree(work, ignore_errors=True)


def _heavy(source: str) -> bool:
    return any(s in source for s in ("plt.", "fit(", "train_one_epoch(", "train_and(", "load_mnist(",
                                     "for epoch", "%time", "timeit"))


def run_visible(aid: str, kind: str, recorded: dict) -> dict[str, str]:
    """In-process, as a student sees it: the source notebook with every answer cell a *kind* liar, and
    only the visible part of each test cell; -> {test cell: "" when it passed, else its error}."""
    nb = read(ROOT / "source" / aid / f"{aid}.ipynb")
    ns: dict = {"__name__": "__main__"}
    out: dict[str, str] = {}
    with _in_source_copy(aid, "visible"):
        for cell in nb.cells:
            meta = nbmeta(cell)
            gid = meta.get("grade_id", "")
            if cell.cell_type != "code":
                continue
            if meta.get("solution"):
                ex = recorded["exercises"].get(gid) or {"defs": {}, "table": {}, "values": {}}
                _run(answer_cell(kind, gid, ex, "raise NotImplementedError()"), ns, gid)
            elif meta.get("grade"):
                out[gid] = _run(visible(cell.source), ns, gid)
            elif meta.get("locked") or not _heavy(cell.source):
                _run(cell.source, ns, gid or "plain")
    return out
