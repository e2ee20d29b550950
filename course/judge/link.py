"""One end of the judge's connection: by-value encoding, handles (:class:`Proxy`) and requests.

Both ends run the same code.  Data (None, numbers, strings, NumPy arrays, tensors that do
not require grad, TensorFlow's eager tensors, dtypes and shapes, and lists, tuples, dicts and sets
of data) crosses by value; anything
else stays where it lives and the other end gets a :class:`Proxy` for it.  A request
(call, attribute, operator, ...) waits for its reply and meanwhile serves the requests
the other end makes (a student's function calling back a function of the test).

The end that serves the judge's objects (``strict=True``) refuses what could let the
student's code reach or change how the test decides: private attributes, setting
anything but data, and the student's own objects as arguments to the test's functions.
"""
from __future__ import annotations

import builtins
import contextlib
import copy
import io
import operator
import pathlib
import sys
import traceback
import weakref
from typing import Any

import numpy as np

from . import wire

MAX_DEPTH = 40
MAX_TEXT = 1_000_000        # stdout/stderr a reply may carry back
MAX_REPR = 4000

_BINARY = ["add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_", "or_", "xor",
           "lshift", "rshift"]
_OPS = {name: getattr(operator, name) for name in _BINARY + [
    "eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "abs", "invert", "getitem", "setitem", "delitem",
    "contains", "index"]}
_OPS.update(len=len, truth=bool, iter=iter, next=next, hash=hash, float=float, int=int, complex=complex,
            isinstance=isinstance, issubclass=issubclass, callable=callable, deepcopy=copy.deepcopy,
            enter=lambda obj: obj.__enter__(), exit=lambda obj: obj.__exit__(None, None, None),
            signature=lambda fn: _signature_data(fn))
_EXCEPTIONS = {name: getattr(builtins, name) for name in (
    "ValueError", "TypeError", "NotImplementedError", "KeyError", "IndexError", "ZeroDivisionError",
    "AttributeError", "RuntimeError", "StopIteration", "AssertionError", "NameError", "ArithmeticError",
    "FloatingPointError", "OverflowError", "MemoryError", "RecursionError", "LookupError",
    "UnboundLocalError", "FileNotFoundError", "OSError", "ImportError", "ModuleNotFoundError",
    "PermissionError", "UnicodeError", "KeyboardInterrupt")}
_error_classes: dict[str, type] = {}


class RemoteError(Exception):
    """An exception raised on the other end that is not one of Python's own."""


class JudgeRule(TypeError):
    """The judge's contract refused a step of a test: it would hand the test's own value to the
    student's object, or use a student's object where the test needs data.  The check fails."""
    _judge_rule_ = True


class Withheld(JudgeRule):
    """Withheld ground truth (07's test targets, 08's test labels) on its way to the kernel."""


def remote_error(type_name: str, message: str, where) -> BaseException:
    """The other end's exception, as an instance of a builtin type where it was one."""
    name = str(type_name)[:100]
    if name not in _error_classes:
        base = _EXCEPTIONS.get(name, RemoteError)
        _error_classes[name] = type(name, (base,), {"__module__": "remote"})
    exc = _error_classes[name](str(message))
    exc.remote_where = where if isinstance(where, list) and len(where) == 2 else None
    return exc


def _torch():
    """torch, if this process uses it (the judge's lazy stand-in does not count)."""
    module = sys.modules.get("torch")
    return None if getattr(module, "_lazy_", False) else module


def _tf():
    """tensorflow, if this process imported it (the TF notebooks' kernel and judge, never with torch)."""
    return sys.modules.get("tensorflow")


def _is_tensor(obj) -> bool:
    torch = _torch()
    return torch is not None and isinstance(obj, torch.Tensor)


def is_proxy(obj) -> bool:
    """True for a handle on the other end's object (checked on the type: never a remote call)."""
    return getattr(type(obj), "_judge_proxy_", False) is True


class Link:
    """One end of a connection: its exported objects and the requests over the socket."""

    def __init__(self, strict: bool, namespace: dict | None = None):
        self.strict = strict
        self.namespace = namespace
        self.sock = None
        self.deadline: float | None = None
        self.exports: dict[int, Any] = {}
        self.extra_ops: dict[str, Any] = {}     # e.g. the agent's integrity probe
        self._export_of: dict[int, int] = {}
        self._oids = 0
        self._seq = 0
        self._proxies: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        # arrays both ends hold a copy of: sid -> (weakref to ours, snapshot at the last sync)
        self._shared: dict[str, tuple] = {}
        self._sid_of: dict[int, str] = {}
        self._sids = 0
        self._recent: list = []     # arrays received since our last message: alive until it is sent
        self._side = "j" if strict else "k"
        self.objects_allowed = 0    # > 0 while a test asks a student's function for an object
        self.guard = None           # the judge's WithheldGuard: ground truth that never crosses
        self.record = None          # a file that gets a copy of every message sent (tests only)
        self.passthrough = 0        # > 0 while a test's on_student_objects callback computes
        self._by_value = False      # the kernel, replying to a call: tensors with a graph as values too
        self._keep = False          # the kernel, replying to a call for an object: tensors as handles

    # --- encoding -------------------------------------------------------------------
    def export(self, obj) -> int:
        key = id(obj)
        if key not in self._export_of:
            self._oids += 1
            self.exports[self._oids] = obj
            self._export_of[key] = self._oids
        return self._export_of[key]

    def forget_exports(self) -> None:
        """Nothing handed out before stays reachable (the judge calls this after every test cell)."""
        self.exports.clear()
        self._export_of.clear()

    def encode(self, obj, blobs: list[bytes], depth: int = 0):
        t = type(obj)
        if obj is None or t in (bool, str, int):
            return obj
        if t is float:
            return obj if obj == obj and obj not in (float("inf"), float("-inf")) else {"F": repr(obj)}
        if is_proxy(obj):
            if obj._link is self:
                return {"Y": obj._id}
            raise wire.WireError("a handle from another connection")
        if self.guard is not None and (t in (list, tuple) and len(obj) >= self.guard.K or
                                       isinstance(obj, (np.ndarray, np.generic)) or _is_tensor(obj)):
            self.guard.refuse(obj)
        if depth < MAX_DEPTH:
            if isinstance(obj, np.ndarray) and wire.is_plain_array(obj):
                blobs.append(wire.array_bytes(obj))
                return {"A": len(blobs) - 1, "s": self._share(obj)}
            if isinstance(obj, np.generic) and wire.is_plain_array(np.asarray(obj)):
                blobs.append(wire.array_bytes(np.asarray(obj)))
                return {"N": len(blobs) - 1}
            if t in (list, tuple, set, frozenset) or isinstance(obj, tuple) and t.__module__ != "torch":
                tag = {list: "L", set: "S", frozenset: "S"}.get(t, "T")
                return {tag: [self.encode(v, blobs, depth + 1) for v in obj]}
            if isinstance(obj, dict) and t.__module__ in ("builtins", "collections"):
                return {"D": [[self.encode(k, blobs, depth + 1), self.encode(v, blobs, depth + 1)]
                              for k, v in obj.items()]}
            if t is complex:
                return {"C": [obj.real, obj.imag]}
            if t is slice:
                return {"SL": [self.encode(v, blobs, depth + 1) for v in (obj.start, obj.stop, obj.step)]}
            if obj is Ellipsis:
                return {"E": 0}
            if t is range:
                return {"RG": [obj.start, obj.stop, obj.step]}
            if isinstance(obj, pathlib.PurePath):
                return {"P": str(obj)}
            if t is bytes and len(obj) <= 16 << 20:
                blobs.append(obj)
                return {"B": len(blobs) - 1}
            torch = _torch()
            if torch is not None and t.__module__.startswith("torch"):
                found = self._encode_torch(torch, obj, blobs, depth)
                if found is not None:
                    return found
            tf = _tf()
            if tf is not None and t.__module__.startswith("tensorflow."):
                found = self._encode_tf(tf, obj, blobs)
                if found is not None:
                    return found
        name = ""
        if isinstance(obj, type) or callable(obj):  # a function's or class's name, for messages
            name = getattr(obj, "__qualname__", "") or getattr(obj, "__name__", "")
        mro = [f"{c.__module__}.{c.__qualname__}" for c in t.__mro__[:12] if c is not object]
        return {"X": self.export(obj), "n": (name if isinstance(name, str) else "")[:200], "m": mro}

    def _encode_torch(self, torch, obj, blobs, depth):
        if isinstance(obj, torch.dtype):
            return {"TD": str(obj).replace("torch.", "")}
        if isinstance(obj, torch.device):
            return {"DV": str(obj)}
        if isinstance(obj, torch.Size):
            return {"TS": list(obj)}
        if isinstance(obj, torch.memory_format):
            return {"MF": str(obj).replace("torch.", "")}
        if type(obj) is torch.Tensor and not obj.requires_grad and obj.is_meta:    # shape and dtype, no data
            return {"TM": list(obj.shape), "dt": str(obj.dtype).replace("torch.", "")}
        if self._keep and isinstance(obj, torch.Tensor):
            return None
        graph = obj.requires_grad if isinstance(obj, torch.Tensor) else False
        if (type(obj) is torch.Tensor and not graph or self._by_value and type(obj) in (torch.Tensor, torch.nn.Parameter)) \
                and obj.layout == torch.strided and not obj.is_quantized and not obj.is_meta:
            data = obj.detach().cpu()
            if data.dtype in (torch.bfloat16, torch.float16):
                data = data.float()
            try:
                arr = data.numpy()
            except (TypeError, RuntimeError):
                return None
            blobs.append(wire.array_bytes(arr))
            found = {"TN": len(blobs) - 1, "dt": str(obj.dtype).replace("torch.", ""), "dev": obj.device.type}
            if graph:
                found["rg"] = True
            return found
        return None

    def _encode_tf(self, tf, obj, blobs):
        """An eager tensor by value (dtype kept); a DType or TensorShape as its name or dims.  Graph
        tensors, variables, datasets and models stay where they live (handles)."""
        if isinstance(obj, tf.dtypes.DType):
            return {"TFD": obj.name}
        if isinstance(obj, tf.TensorShape):
            return {"TFS": obj.as_list() if obj.rank is not None else None}
        if type(obj).__name__ == "EagerTensor" and isinstance(obj, tf.Tensor):
            dtype = obj.dtype
            if not (dtype.is_floating or dtype.is_integer or dtype.is_bool or dtype.is_complex):
                return None
            try:
                arr = obj.numpy()
            except Exception:  # noqa: BLE001 - a tensor that will not give its value stays a handle
                return None
            if dtype == tf.bfloat16 or dtype == tf.float16:
                arr = arr.astype(np.float32)
            if not isinstance(arr, np.ndarray):
                arr = np.asarray(arr)
            if not wire.is_plain_array(arr):
                return None
            blobs.append(wire.array_bytes(arr))
            return {"TT": len(blobs) - 1, "dt": dtype.name}
        return None

    def _decode_tf(self, tag, body, v, blobs):
        tf = _tf()
        if tf is None:  # never import TensorFlow because the other end asked (torch may live here)
            raise wire.WireError("a TensorFlow value, and this process does not use TensorFlow")
        if tag == "TFS":
            return tf.TensorShape(None if body is None else [None if d is None else int(d) for d in body])
        name = str(v["dt"] if tag == "TT" else body)
        try:
            dtype = tf.dtypes.as_dtype(name)
        except TypeError:
            raise wire.WireError("an unknown TensorFlow dtype") from None
        if tag == "TFD":
            return dtype
        return tf.constant(wire.array_from(blobs[body]), dtype=dtype)

    def decode(self, v, blobs: list[bytes], depth: int = 0):
        if v is None or type(v) in (bool, str, int, float):
            return v
        if depth > MAX_DEPTH + 2 or not isinstance(v, dict) or len(v) < 1:
            raise wire.WireError("a malformed value")
        tag, body = next(iter(v.items()))
        sub = lambda x: self.decode(x, blobs, depth + 1)  # noqa: E731
        try:
            if tag == "X":
                proxy = self._proxies.get(int(body))
                if proxy is None:
                    mro = tuple(str(m)[:200] for m in v.get("m", [])[:12]) if isinstance(v.get("m"), list) else ()
                    proxy = self._proxies[int(body)] = Proxy(self, int(body), str(v.get("n", ""))[:200], mro)
                return proxy
            if tag == "Y":
                return self.exports[int(body)]
            if tag == "A":
                return self._adopt(str(v.get("s", "")), wire.array_from(blobs[body]))
            if tag == "N":
                return wire.array_from(blobs[body])[()]
            if tag in ("L", "T", "S"):
                items = [sub(x) for x in body]
                return {"L": list, "T": tuple, "S": set}[tag](items)
            if tag == "D":
                return {sub(k): sub(x) for k, x in body}
            if tag == "F":
                return float(str(body)) if str(body) in ("nan", "inf", "-inf") else float("nan")
            if tag == "C":
                return complex(float(body[0]), float(body[1]))
            if tag == "SL":
                return slice(*[sub(x) for x in body])
            if tag == "E":
                return Ellipsis
            if tag == "RG":
                return range(int(body[0]), int(body[1]), int(body[2]))
            if tag == "P":
                return pathlib.Path(str(body))
            if tag == "B":
                return bytes(blobs[body])
            if tag in ("TD", "DV", "TS", "TN", "TM", "MF"):
                return self._decode_torch(tag, body, v, blobs)
            if tag in ("TT", "TFD", "TFS"):
                return self._decode_tf(tag, body, v, blobs)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise wire.WireError(f"a malformed value ({type(exc).__name__})") from None
        raise wire.WireError(f"an unknown value tag {tag!r}")

    def _decode_torch(self, tag, body, v, blobs):
        import torch
        if tag == "TS":
            return torch.Size([int(x) for x in body])
        if tag == "DV":
            return torch.device(str(body))
        if tag == "MF":
            found = getattr(torch, str(body), None)
            if not isinstance(found, torch.memory_format):
                raise wire.WireError("an unknown memory format")
            return found
        dtype = getattr(torch, str(v["dt"] if tag in ("TN", "TM") else body), None)
        if not isinstance(dtype, torch.dtype):
            raise wire.WireError("an unknown torch dtype")
        if tag == "TD":
            return dtype
        if tag == "TM":
            return torch.empty([int(x) for x in body], dtype=dtype, device="meta")
        tensor = torch.from_numpy(wire.array_from(blobs[body]).copy()).to(dtype)
        device = str(v.get("dev", "cpu"))
        if device == "cuda" and torch.cuda.is_available():
            tensor = tensor.to(device)
        if v.get("rg") is True and tensor.is_floating_point():   # the student's tensor had a graph
            tensor.requires_grad_(True)
        return tensor

    # --- arrays both ends hold ------------------------------------------------------
    def _share(self, arr: np.ndarray) -> str:
        sid = self._sid_of.get(id(arr))
        if sid is None or self._shared.get(sid, (lambda: None,))[0]() is not arr:
            self._sids += 1
            sid = f"{self._side}{self._sids}"
            self._track(sid, arr)
        return sid

    def _track(self, sid: str, arr: np.ndarray) -> None:
        try:
            ref = weakref.ref(arr, lambda _r, sid=sid, shared=self._shared: shared.pop(sid, None))
        except TypeError:
            return
        self._shared[sid] = (ref, arr.copy())
        self._sid_of[id(arr)] = sid

    def _adopt(self, sid: str, arr: np.ndarray) -> np.ndarray:
        """An array from the other end: the one we already hold under *sid*, brought up to date.
        It stays alive until our next message, so a change made to it in place (then dropped,
        as in ``net.params['W1'][...] = W``) still reaches the other end."""
        held = self._shared.get(sid, (lambda: None,))[0]() if sid else None
        if held is not None and held.shape != arr.shape and held.size == arr.size and held.dtype == arr.dtype:
            with contextlib.suppress(AttributeError, ValueError):   # reshaped in place (x.shape = ...)
                held.shape = arr.shape
        if held is not None and held.shape == arr.shape and held.dtype == arr.dtype and held.flags.writeable:
            np.copyto(held, arr)
            self._shared[sid] = (self._shared[sid][0], arr)
            self._recent.append(held)
            return held
        if sid:
            self._track(sid, arr)
            self._recent.append(arr)
        return arr

    def _changes(self, blobs: list[bytes]) -> list:
        """Shared arrays this end changed in place since the last message (written back there)."""
        out = []
        for sid, (ref, snap) in list(self._shared.items()):
            arr = ref()
            if arr is None or (arr.shape == snap.shape and arr.dtype == snap.dtype
                               and np.array_equal(arr, snap, equal_nan=arr.dtype.kind in "fc")):
                continue
            blobs.append(wire.array_bytes(arr))
            out.append([sid, len(blobs) - 1])
            self._shared[sid] = (ref, arr.copy())
        return out

    def _apply(self, header: dict, blobs: list[bytes]) -> None:
        for sid, index in header.get("sync", []) if isinstance(header.get("sync"), list) else []:
            self._adopt(str(sid), wire.array_from(blobs[index]))

    def _send(self, header: dict, blobs: list[bytes]) -> None:
        sync = self._changes(blobs)
        self._recent.clear()
        if sync:
            header["sync"] = sync
        wire.send(self.sock, header, blobs, self.record)

    def _recv(self):
        h, b = wire.recv(self.sock, self.deadline)
        try:
            self._apply(h, b)
        except (TypeError, ValueError, IndexError) as exc:
            raise wire.WireError(f"a malformed update ({type(exc).__name__})") from None
        return h, b

    # --- requests -------------------------------------------------------------------
    def request(self, op: str, *args, kwargs: dict | None = None):
        if self.sock is None:
            raise wire.PeerGone("no connection to the student's kernel")
        side = data = False
        held: frozenset = frozenset()
        if self.strict and not self.passthrough:
            side = _police(op, args, kwargs or {})
            data = op == "call" and not side and not self.objects_allowed
            if data:   # handles the test holds already (model.eval() returns the model itself)
                held = frozenset(self._proxies.keys())
        value = self._request(op, args, kwargs, data)
        if self.strict and not self.passthrough:
            _admit(self, op, args, side, value, held)
        return value

    def _request(self, op: str, args: tuple, kwargs: dict | None, data: bool = False):
        self._seq += 1
        n = self._seq
        blobs: list[bytes] = []
        header = {"k": "q", "n": n, "op": op, "a": [self.encode(a, blobs) for a in args]}
        if data:    # what the student's function returns is data: a tensor with a graph by value
            header["bv"] = True
        elif self.strict and op == "call" and self.objects_allowed and not self.passthrough:
            header["kp"] = True     # the test asked for the object: a tensor too stays where it lives
        torch = _torch()
        if torch is not None:  # the caller's autograd mode holds for what it asks (no_grad, eval loops)
            header["g"] = bool(torch.is_grad_enabled())
        if kwargs:
            header["kw"] = [[str(k), self.encode(x, blobs)] for k, x in kwargs.items()]
        self._send(header, blobs)
        while True:
            h, b = self._recv()
            kind = h.get("k")
            if kind == "r" and h.get("n") == n:
                return self._reply(h, b, args, kwargs or {})
            if kind == "q":
                self.serve_one(h, b)
            elif kind == "bye":
                raise wire.PeerGone("the other end hung up")
            else:
                raise wire.WireError("an unexpected message")

    def _reply(self, h, b, args, kwargs):
        for name in ("out", "err"):
            text = h.get(name)
            if isinstance(text, str) and text:
                (sys.stdout if name == "out" else sys.stderr).write(text[:MAX_TEXT])
        if "e" in h:
            e = h["e"] if isinstance(h["e"], dict) else {}
            raise remote_error(e.get("type", "RemoteError"), str(e.get("msg", ""))[:4000], e.get("where"))
        for key, value in h.get("back", []):
            target = args[key] if isinstance(key, int) and 0 <= key < len(args) else kwargs.get(key)
            _write_back(target, self.decode(value, b))
        return self.decode(h.get("v"), b)

    # --- serving --------------------------------------------------------------------
    def serve_forever(self) -> None:
        while True:
            h, b = self._recv()
            if h.get("k") == "bye":
                return
            if h.get("k") != "q":
                raise wire.WireError("an unexpected message")
            self.serve_one(h, b)

    def serve_one(self, h, b) -> None:
        out, err = _Stream("<stdout>"), _Stream("<stderr>")
        reply: dict = {"k": "r", "n": h.get("n")}
        blobs: list[bytes] = []
        try:
            args = [self.decode(a, b) for a in h.get("a", [])]
            kwargs = {str(k): self.decode(x, b) for k, x in h.get("kw", [])}
            capture = _Capture(out, err) if not self.strict else contextlib.nullcontext()
            torch = _torch()
            grad = torch.set_grad_enabled(bool(h["g"])) if torch is not None and "g" in h \
                else contextlib.nullcontext()
            with capture, grad:
                value, back = self._handle(str(h.get("op")), args, kwargs)
            self._by_value = bool(h.get("bv")) and not self.strict
            self._keep = bool(h.get("kp")) and not self.strict
            try:
                reply["v"] = self.encode(value, blobs)
            finally:
                self._by_value = self._keep = False
            reply["back"] = [[k, self.encode(x, blobs)] for k, x in back]
        except wire.PeerGone:
            raise
        except BaseException as exc:  # noqa: BLE001 - every other failure is the reply
            # the judge's own time limit, or the grader interrupting the kernel, ends the serving
            if isinstance(exc, KeyboardInterrupt) or self.strict and not isinstance(exc, Exception):
                raise
            reply["e"] = _describe_error(exc)
            blobs = []
        reply["out"], reply["err"] = out.getvalue()[:MAX_TEXT], err.getvalue()[:MAX_TEXT]
        self._send(reply, blobs)

    def _handle(self, op: str, args: list, kwargs: dict):
        if self.strict:
            self._vet(op, args, kwargs)
        if op == "name":
            if self.namespace is None or not isinstance(args[0], str) or args[0] not in self.namespace:
                raise NameError(f"name {args[0]!r} is not defined")
            return self.namespace[args[0]], []
        if op == "call":
            fn, rest = args[0], args[1:]
            before = _array_copies(rest, kwargs)
            passthrough = self.strict and getattr(fn, "_judge_passthrough_", False) is True
            self.passthrough += passthrough
            try:
                value = fn(*rest, **kwargs)
            finally:
                self.passthrough -= passthrough
            back = [(i + 1, x) for i, x in enumerate(rest) if _changed(before.get(i), x)]
            back += [(k, x) for k, x in kwargs.items() if _changed(before.get(k), x)]
            return value, back
        if op == "getattr":
            return getattr(args[0], args[1]), []
        if op == "setattr":
            setattr(args[0], args[1], args[2])
            return None, []
        if op == "delattr":
            delattr(args[0], args[1])
            return None, []
        if op in ("repr", "str"):
            text = (repr if op == "repr" else str)(args[0])
            return (text if isinstance(text, str) else "?")[:MAX_REPR], []
        if op in self.extra_ops and not self.strict:
            return self.extra_ops[op](*args), []
        if op == "value":
            return _value(args[0]), []
        if op == "torch":
            return _torch_function(str(args[0]), str(args[1]))(*args[2:], **kwargs), []
        if op in _OPS:
            fn = _OPS[op]
            if op in _BINARY and kwargs.get("reflected"):
                return fn(args[1], args[0]), []
            return fn(*args), []
        raise wire.WireError(f"an unknown request {op!r}")

    def _vet(self, op: str, args: list, kwargs: dict) -> None:
        """What the student's code may do with the test's objects: use them, not reach past them."""
        if op == "name":
            raise PermissionError("the test's names are not available to your code")
        if op in ("enter", "exit"):
            raise PermissionError("your code may not enter or leave the test's contexts")
        if op in ("getattr", "setattr", "delattr"):
            name = args[1] if len(args) > 1 else ""
            if not isinstance(name, str) or name.startswith("_"):
                raise AttributeError(f"{name!r} of the test's objects is not available to your code")
            if op != "getattr" and (isinstance(args[0], (type, type(sys))) or callable(args[0])
                                    and not _is_tensor(args[0])):
                raise PermissionError("your code may not change the test's functions, classes or modules")
            if op == "delattr":
                raise PermissionError("your code may not delete attributes of the test's objects")
        if op == "call" and getattr(args[0], "_judge_passthrough_", False) is True:
            return  # course.sides.on_student_objects: a test's function that only computes for the student
        if any(_holds_proxy(x) for x in [*args, *kwargs.values()]):
            raise PermissionError("the test's functions take data (arrays, tensors, numbers), not your "
                                  "objects or functions")

    def hang_up(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                wire.send(self.sock, {"k": "bye"}, [])


#: requests that hand the other operand to the object: refused on a student's object with a test value
_COMBINING = frozenset(_BINARY) | {"eq", "ne", "lt", "le", "gt", "ge", "contains"}
_INDEX_TYPES = (int, str, bool, type(None), type(Ellipsis))


def _plain_index(key, depth: int = 0) -> bool:
    """An index a test writes (``h[0]``, ``h['W1']``, ``h[:, 1]``): no array of the test's data."""
    if isinstance(key, _INDEX_TYPES) and not isinstance(key, float):
        return True
    if isinstance(key, slice):
        return all(isinstance(v, _INDEX_TYPES) for v in (key.start, key.stop, key.step))
    return type(key) is tuple and depth < 2 and all(_plain_index(k, depth + 1) for k in key)


def _police(op: str, args: tuple, kwargs: dict) -> bool:
    """The judge, before a request: refuse one that would hand a test value to a student's object
    (an operator, a comparison, ``in``, an index made of data).  Returns whether the request is
    about an object the test built itself (``student_side``), whose results may be objects."""
    target = args[0] if args else None
    if op == "module":
        return True
    if not is_proxy(target):
        return False
    if target._side:
        return True
    others = [*args[1:], *kwargs.values()] if op in _COMBINING else []
    if op == "getitem" and len(args) > 1 and not _plain_index(args[1]) and not is_proxy(args[1]):
        others = [args[1]]
    if any(not is_proxy(x) for x in others):
        what = {"getitem": "indexed it with the test's data"}.get(op, f"applied '{op}' with the test's value")
        raise JudgeRule(f"the test {what} on {_named(target)}, an object in your kernel; only data a test "
                        "passes to a call crosses (return arrays, tensors or numbers, not objects)")
    return False


def _admit(link: Link, op: str, args: tuple, side: bool, value, held: frozenset = frozenset()) -> None:
    """The judge, after a request: what a student's function returns is data, unless the test
    asked for an object (a class called, ``call(..., _object=True)``), built the callee itself,
    or holds the object returned already (``model.eval()`` returns ``model``)."""
    for proxy in _proxies_in(value):
        if side:
            object.__setattr__(proxy, "_side", True)
    if op != "call" or side or link.objects_allowed > 0:
        return
    target = args[0]
    if is_proxy(target) and any(m in ("builtins.type", "abc.ABCMeta") for m in target._mro):
        return  # a class: its instance is the object the test asked for by name
    found = next((p for p in _proxies_in(value) if p._id not in held), None)
    if found is not None:
        raise JudgeRule(f"{_named(target)} returned {_named(found)}, not data "
                        "(numbers, strings, arrays, tensors, or lists, tuples and dicts of them)")


def _proxies_in(value, depth: int = 0):
    if is_proxy(value):
        yield value
    elif depth < MAX_DEPTH and type(value) in (list, tuple, set, frozenset):
        for x in value:
            yield from _proxies_in(x, depth + 1)
    elif depth < MAX_DEPTH and type(value) is dict:
        for x in [*value.keys(), *value.values()]:
            yield from _proxies_in(x, depth + 1)


def _named(proxy) -> str:
    """How a message names a handle: its function's name, or 'a Foo'."""
    if not is_proxy(proxy):
        return f"a {type(proxy).__name__}"
    if proxy._name:
        return f"`{proxy._name}`"
    kind = next(iter(proxy._mro), "object").rsplit(".", 1)[-1]
    return f"a `{kind}`"


def _holds_proxy(obj, depth: int = 0) -> bool:
    if is_proxy(obj):
        return True
    if depth < MAX_DEPTH and type(obj) in (list, tuple, set, frozenset):
        return any(_holds_proxy(x, depth + 1) for x in obj)
    if depth < MAX_DEPTH and type(obj) is dict:
        return any(_holds_proxy(x, depth + 1) for x in [*obj.keys(), *obj.values()])
    return False


class _Stream(io.StringIO):
    """A captured stdout or stderr, named like the real one (a ``logging.StreamHandler()`` made while the
    student's code answers a request keeps it, and a test can still tell it writes to stderr)."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name


class _Capture:
    """stdout and stderr of the student's code while it answers a request."""

    def __init__(self, out, err):
        self._out, self._err = contextlib.redirect_stdout(out), contextlib.redirect_stderr(err)

    def __enter__(self):
        self._out.__enter__()
        self._err.__enter__()

    def __exit__(self, *exc):
        self._err.__exit__(*exc)
        self._out.__exit__(*exc)


def _describe_error(exc: BaseException) -> dict:
    where = None
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(__file__[:-3])]
    if frames:
        where = [frames[-1].lineno, frames[-1].name]
    try:
        msg = str(exc)
    except Exception:  # noqa: BLE001
        msg = "?"
    return {"type": type(exc).__name__, "msg": msg[:4000], "where": where}


def _signature_data(fn) -> list:
    """``inspect.signature(fn)`` as data: [name, kind, has a default, default] per parameter."""
    import inspect
    return [[p.name, int(p.kind), p.default is not p.empty, None if p.default is p.empty else p.default]
            for p in inspect.signature(fn).parameters.values()]


def _signature(data) -> Any:
    import inspect
    params = []
    for name, kind, has_default, default in data:
        params.append(inspect.Parameter(str(name), inspect.Parameter.POSITIONAL_OR_KEYWORD.__class__(int(kind)),
                                        default=default if has_default else inspect.Parameter.empty))
    return inspect.Signature(params)


def _value(obj):
    """*obj* as data: a tensor detached, anything array-like as a NumPy array."""
    if _is_tensor(obj):
        return obj.detach()
    arr = np.asarray(obj)
    if not wire.is_plain_array(arr):
        raise TypeError(f"a {type(obj).__name__} is not an array of numbers")
    return arr


def _array_copies(args, kwargs) -> dict:
    copies = {}
    for key, x in [*enumerate(args), *kwargs.items()]:
        if _is_tensor(x) and not x.requires_grad:  # (arrays are shared: see Link._changes)
            copies[key] = x.detach().clone()
        elif type(x) in (list, dict):              # a container the code may change in place
            copies[key] = _Items(list(x.items()) if type(x) is dict else list(x))
    return copies


class _Items(list):
    """A list or dict argument's items before a call (compared by identity afterwards)."""


def _changed(before, after) -> bool:
    if before is None:
        return False
    if isinstance(before, _Items):
        now = list(after.items()) if type(after) is dict else list(after)
        return len(now) != len(before) or any(
            (a[0] is not b[0] or a[1] is not b[1]) if type(after) is dict else a is not b for a, b in zip(before, now))
    try:
        if isinstance(before, np.ndarray):
            return before.shape != after.shape or before.dtype != after.dtype or \
                not np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
        import torch
        return before.shape != after.shape or before.dtype != after.dtype or not bool(
            torch.equal(before, after.detach()) or (before.isnan().all() and after.isnan().all()))
    except Exception:  # noqa: BLE001
        return True


def _write_back(target, value) -> None:
    """What the other end's code did to an array, tensor, list or dict argument, done to ours."""
    if type(target) is list and type(value) is list:
        target[:] = value
        return
    if type(target) is dict and type(value) is dict:
        target.clear()
        target.update(value)
        return
    if isinstance(target, np.ndarray) and isinstance(value, np.ndarray):
        if target.shape != value.shape and target.size == value.size:
            with contextlib.suppress(AttributeError, ValueError):
                target.shape = value.shape
        if target.shape == value.shape:
            with contextlib.suppress(TypeError, ValueError):
                np.copyto(target, value, casting="unsafe")
    elif _is_tensor(target) and _is_tensor(value):
        import torch
        with torch.no_grad():
            if target.shape == value.shape:
                target.copy_(value)
            else:
                target.data = value


_TORCH_HOMES = ("torch", "torch.nn.functional", "torch.Tensor")


def _torch_name(func) -> tuple[str, str]:
    name = getattr(func, "__name__", "")
    module = getattr(func, "__module__", None) or ""
    if module == "torch.nn.functional":
        return module, name
    if module in ("torch", "torch._C._VariableFunctions") or hasattr(_torch(), name) and \
            getattr(_torch(), name) is func:
        return "torch", name
    return "torch.Tensor", name


def _torch_function(where: str, name: str):
    """A public function of torch, torch.nn.functional or a Tensor method, by name (nothing else)."""
    import torch
    import torch.nn.functional as F
    home = {"torch": torch, "torch.nn.functional": F, "torch.Tensor": torch.Tensor}.get(where)
    fn = getattr(home, name, None) if home is not None and not name.startswith("_") or \
        where == "torch.Tensor" and name in _TENSOR_DUNDERS else None
    if fn is None or not callable(fn) or isinstance(fn, type):
        raise AttributeError(f"{where}.{name} is not available to your code on the test's tensors")
    return fn


_TENSOR_DUNDERS = {f"__{op}__" for op in ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv",
                                          "matmul", "rmatmul", "pow", "rpow", "neg", "abs", "getitem",
                                          "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "xor")}


_LIBRARIES = ("torch", "numpy", "collections", "builtins", "pathlib", "logging", "io", "tensorflow", "keras")


def _library_class(qualified: str):
    module_name, _, name = qualified.rpartition(".")
    while module_name:
        if module_name.split(".")[0] in _LIBRARIES and module_name in sys.modules:
            found = sys.modules[module_name]
            for part in name.split("."):
                found = getattr(found, part, None) if not part.startswith("<") else None
            return found if isinstance(found, type) and found is not object else None
        module_name, _, prefix = module_name.rpartition(".")
        name = f"{prefix}.{name}"
    return None


def _binary(name: str):
    def forward(self, other):
        return self._link.request(name, self, other)

    def reflected(self, other):
        return self._link.request(name, self, other, kwargs={"reflected": True})
    return forward, reflected


class Proxy:
    """A handle on an object that lives on the other end; every use is a request.

    What comes back is data (a local copy) or another handle.  ``isinstance(x, proxy)``
    asks the other end; ``np.asarray(proxy)`` fetches the value.
    """
    _judge_proxy_ = True
    __slots__ = ("_link", "_id", "_name", "_mro", "_side", "__weakref__")
    __array_ufunc__ = None          # NumPy: let the reflected operators below run remotely

    def __init__(self, link: Link, oid: int, name: str = "", mro: tuple = ()):
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_id", oid)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_mro", mro)
        object.__setattr__(self, "_side", False)    # the judge: built by the test (student_side)?

    @property
    def __class__(self):
        """The nearest library class of the object (``isinstance(model.fc1, nn.Linear)``), or Proxy.
        Only classes of modules already loaded here, from a few libraries, are looked up."""
        for qualified in self._mro:
            found = _library_class(qualified)
            if found is not None:
                return found
        return Proxy

    def __getattr__(self, name):
        if name in ("__name__", "__qualname__"):
            if self._name:
                return self._name
            raise AttributeError(name)
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._link.request("getattr", self, name)

    def __setattr__(self, name, value):
        self._link.request("setattr", self, name, value)

    def __delattr__(self, name):
        self._link.request("delattr", self, name)

    def __call__(self, *args, **kwargs):
        return self._link.request("call", self, *args, kwargs=kwargs)

    def __repr__(self):
        try:
            text = self._link.request("repr", self)
        except Exception:  # noqa: BLE001 - a repr must not fail
            return f"<{self._name or 'object'} in the student's kernel>"
        return text if isinstance(text, str) else "?"

    def __str__(self):
        text = self._link.request("str", self)
        return text if isinstance(text, str) else "?"

    def __format__(self, spec):
        return format(str(self), spec) if not spec else format(self._link.request("value", self), spec)

    def __hash__(self):
        return hash((id(self._link), self._id))

    def __eq__(self, other):
        if is_proxy(other) and other._link is self._link and other._id == self._id:
            return True
        return self._link.request("eq", self, other)

    def __ne__(self, other):
        if is_proxy(other) and other._link is self._link and other._id == self._id:
            return False
        return self._link.request("ne", self, other)

    def __array__(self, dtype=None, copy=None):
        value = self._link.request("value", self)
        arr = value.detach().cpu().numpy() if _is_tensor(value) else np.asarray(value)
        return arr.astype(dtype) if dtype is not None else arr

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """The judge computes with values it fetched (the student never decides); the student's
        code asks the judge to apply the function to the judge's tensors (autograd stays there)."""
        kwargs = kwargs or {}
        links = {x._link for x in [*args, *kwargs.values()] if is_proxy(x)}
        if len(links) == 1 and not next(iter(links)).strict:
            where, name = _torch_name(func)
            return next(iter(links)).request("torch", where, name, *args, kwargs=kwargs)
        fetch = lambda x: x._link.request("value", x) if is_proxy(x) else x  # noqa: E731
        return func(*[fetch(a) for a in args], **{k: fetch(v) for k, v in kwargs.items()})

    def __instancecheck__(self, obj):
        if not is_proxy(obj):   # one of the test's own values is never an instance of a kernel class
            return False
        return self._link.request("isinstance", obj, self)

    def __subclasscheck__(self, cls):
        return self._link.request("issubclass", cls, self)

    @property
    def __signature__(self):
        """``inspect.signature(fn)`` of the function the handle is on."""
        return _signature(self._link.request("signature", self))

    def __enter__(self):
        """``with graph.as_default():``, ``with session:``: entered and left where the object lives
        (an exception inside the block is not handed to it: the block is left as after success)."""
        return self._link.request("enter", self)

    def __exit__(self, *exc):
        self._link.request("exit", self)
        return False

    def __deepcopy__(self, memo):
        """A copy made where the object lives (``twin = copy.deepcopy(model)``)."""
        return self._link.request("deepcopy", self)

    def __copy__(self):
        return self

    def __reduce_ex__(self, protocol):
        raise TypeError("a handle on an object in the student's kernel cannot be pickled")


for _name in _BINARY:
    _dunder = _name.rstrip("_")
    _fwd, _rev = _binary(_name)
    setattr(Proxy, f"__{_dunder}__", _fwd)
    setattr(Proxy, f"__r{_dunder}__", _rev)
for _name in ("lt", "le", "gt", "ge"):
    setattr(Proxy, f"__{_name}__", _binary(_name)[0])
# every other protocol method is one request: __getitem__ -> "getitem", __bool__ -> "truth", ...
for _dunder, _op in {"getitem": "getitem", "setitem": "setitem", "delitem": "delitem", "contains": "contains",
                     "len": "len", "bool": "truth", "iter": "iter", "next": "next", "float": "float",
                     "int": "int", "index": "index", "complex": "complex", "neg": "neg", "pos": "pos",
                     "abs": "abs", "invert": "invert"}.items():
    setattr(Proxy, f"__{_dunder}__", (lambda op: lambda self, *args: self._link.request(op, self, *args))(_op))
