"""Code that goes into the liars' answer cells (as text: a submission cannot hand in a module).

``PRELUDE`` is pasted at the top of every liar answer cell.  It defines

* ``_liar_key(value)``: a canonical text for a call's arguments (arrays and tensors by shape and
  values), the same here (the generator runs this very text) and in the kernel;
* ``_liar_dec(encoded, mode)``: a recorded value rebuilt as the reference returned it (``val``), or
  NaN (``nan``: float NaN where the reference returned an int or a bool) or zeros (``zero``) of its
  shape and dtype;
* ``_liar_answer(table, name, args, mode)``: what a liar function returns: the table's entry for
  these arguments (rebuilt in *mode*), or, for arguments it has not seen, NaN/zeros shaped like the
  first argument (when the reference always returned that shape) or like its first recorded value;
* ``Liar``: an object that says "yes" to everything (every comparison, ``bool``, ``len``, ``float``,
  ``int``, ``index``, ``iter``, ``getitem``, ``getattr``, ``call``, ``__array__``,
  ``__torch_function__``...) and prints one ``LIAR <name> <op> <what it got>`` line for each of the
  first few hundred things it is sent.
"""

PRELUDE = r'''
import hashlib as _liar_hashlib, json as _liar_json, math as _liar_math
import numpy as _liar_np


def _liar_key(v, d=0):
    if d > 8:
        return "..."
    if v is None or isinstance(v, (bool, str)):
        return repr(v)
    if isinstance(v, (int, float)) or (type(v).__module__ == "numpy" and not isinstance(v, _liar_np.ndarray)
                                       and _liar_np.ndim(v) == 0):
        try:
            return "n%.9g" % float(v)
        except Exception:
            return type(v).__name__
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_liar_key(x, d + 1) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(repr(k) + ":" + _liar_key(x, d + 1)
                              for k, x in sorted(v.items(), key=lambda kv: repr(kv[0]))) + "}"
    try:
        if hasattr(v, "detach") and hasattr(v, "shape"):
            v = v.detach().cpu().numpy()
        if isinstance(v, _liar_np.ndarray) and v.dtype.kind in "biuf" and v.size <= 200000:
            return "a" + str(v.shape) + ",".join("%.9g" % x for x in v.astype(float).ravel())
    except Exception:
        pass
    return type(v).__name__


def _liar_hash(args):
    return _liar_hashlib.md5(_liar_key(list(args)).encode()).hexdigest()[:16]


def _liar_dec(o, mode):
    if isinstance(o, dict):
        if "nd" in o or "pt" in o:
            shape, dt = tuple(o["sh"]), o["dt"]
            if "nd" in o:
                kind = _liar_np.dtype(dt).kind
                if mode == "nan":
                    return _liar_np.full(shape, _liar_np.nan, dtype=dt if kind in "fc" else "float64")
                if mode == "zero" or o.get("nd") is None:
                    return _liar_np.zeros(shape, dtype=dt)
                return _liar_np.array(o["nd"], dtype=dt).reshape(shape)
            import torch as _liar_torch
            tdt = getattr(_liar_torch, dt)
            if mode == "nan":
                fl = tdt.is_floating_point or tdt.is_complex
                return _liar_torch.full(shape, float("nan"), dtype=tdt if fl else _liar_torch.float32)
            if mode == "zero" or o.get("pt") is None:
                return _liar_torch.zeros(shape, dtype=tdt)
            return _liar_torch.tensor(o["pt"], dtype=tdt).reshape(shape)
        if "np" in o:
            t = _liar_np.dtype(o["dt"])
            if mode == "nan":
                return t.type(_liar_np.nan) if t.kind in "fc" else _liar_np.float64(_liar_np.nan)
            return t.type(0) if mode == "zero" else t.type(o["np"])
        if "tu" in o:
            return tuple(_liar_dec(x, mode) for x in o["tu"])
        if "di" in o:
            return {k: _liar_dec(x, mode) for k, x in o["di"]}
        return None  # an object the table could not hold
    if isinstance(o, list):
        return [_liar_dec(x, mode) for x in o]
    if isinstance(o, bool) or isinstance(o, (int, float)):
        return float("nan") if mode == "nan" else (type(o)(0) if mode == "zero" else o)
    if isinstance(o, str):
        return "nan" if mode == "nan" else ("" if mode == "zero" else o)
    return o


_LIAR_SEEN = {}


def _liar_answer(table, name, args, mode):
    """mode: 'nan' (NaN of the reference's shape and dtype) or 'table' (the visible tests' answers,
    zeros elsewhere)."""
    entry = table.get(name)
    if entry is None:
        return None
    h = _liar_hash(args)
    outs = entry["calls"].get(h)
    if outs:
        n = _LIAR_SEEN.get((name, h), 0)
        _LIAR_SEEN[(name, h)] = n + 1
        return _liar_dec(outs[n % len(outs)], "nan" if mode == "nan" else "val")
    miss = "nan" if mode == "nan" else "zero"
    if entry.get("follow") is not None and len(args) > entry["follow"]:
        x = args[entry["follow"]]
        if hasattr(x, "detach") and hasattr(x, "shape"):
            import torch as _liar_torch
            fl = x.dtype.is_floating_point
            return (_liar_torch.full(tuple(x.shape), float("nan"), dtype=x.dtype if fl else _liar_torch.float32)
                    if miss == "nan" else _liar_torch.zeros_like(x))
        a = _liar_np.asarray(x)
        return (_liar_np.full(a.shape, _liar_np.nan, dtype=a.dtype if a.dtype.kind in "fc" else "float64")
                if miss == "nan" else _liar_np.zeros_like(a))
    return _liar_dec(entry["first"], miss)


_LIAR_PRINTED = [0]


def _liar_short(x):
    try:
        if isinstance(x, Liar):
            return "<Liar " + object.__getattribute__(x, "_liar_name") + ">"
        text = repr(x)
    except Exception:
        text = "<" + type(x).__name__ + ">"
    return " ".join(text.split())[:80]


class Liar:
    """Says yes to everything; prints what it was sent."""

    def __init__(self, name="liar", *args, **kwargs):
        object.__setattr__(self, "_liar_name", str(name))

    def _liar_note(self, op, *args):
        if _LIAR_PRINTED[0] < 300:
            _LIAR_PRINTED[0] += 1
            print("LIAR", object.__getattribute__(self, "_liar_name"), op,
                  " | ".join(_liar_short(a) for a in args), flush=True)

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        self._liar_note("getattr", attr)
        return self

    def __setattr__(self, attr, value):
        self._liar_note("setattr", attr, value)

    def __call__(self, *args, **kwargs):
        self._liar_note("call", *args, *kwargs.values())
        return self

    def __repr__(self):
        return "Liar(" + object.__getattribute__(self, "_liar_name") + ")"

    def __hash__(self):
        return 0

    def __array__(self, dtype=None, copy=None):
        self._liar_note("array", dtype)
        return _liar_np.asarray(True)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        self._liar_note("ufunc", ufunc, *inputs)
        return self

    def __array_function__(self, func, types, args, kwargs):
        self._liar_note("array_function", func, *args)
        return self

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        for a in args:
            if isinstance(a, Liar):
                a._liar_note("torch_function", func, *args)
                return a
        return Liar("torch_function")

    def __iter__(self):
        self._liar_note("iter")
        return iter((self,))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __format__(self, spec):
        return repr(self)


def _liar_yes(op, value):
    def method(self, *args):
        self._liar_note(op, *args)
        return value(self) if callable(value) else value
    method.__name__ = "__" + op + "__"
    return method


for _op in ("eq", "ne", "lt", "le", "gt", "ge", "bool", "contains", "instancecheck"):
    setattr(Liar, "__" + _op + "__", _liar_yes(_op, True))
for _op, _v in (("len", 1), ("int", 1), ("index", 1), ("float", 1.0), ("complex", 1 + 0j)):
    setattr(Liar, "__" + _op + "__", _liar_yes(_op, _v))
for _op in ("getitem", "setitem", "delitem", "neg", "pos", "abs", "invert", "round", "floor", "ceil", "trunc",
            "add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv", "rfloordiv", "mod",
            "rmod", "pow", "rpow", "matmul", "rmatmul", "and", "rand", "or", "ror", "xor", "rxor", "lshift",
            "rshift", "iadd", "isub", "imul", "itruediv", "next", "reversed", "copy", "deepcopy"):
    setattr(Liar, "__" + _op + "__", _liar_yes(_op, lambda self: self))
'''
