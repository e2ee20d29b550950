"""The judge process: runs graded test cells, with the student's names as handles.

Started by :mod:`.host` (sandboxed, ``python -P -m course.judge.server --socket PATH``).
It reads one JSON command per line on stdin and answers each ``test`` with one JSON
line on stdout:

* ``{"cmd": "exec", "source": ...}``: a locked cell of the notebook (imports, helpers);
  it runs at once, or before the next test cell if it needs the student's names; its
  output is not kept;
* ``{"cmd": "test", "id": ..., "source": ..., "timeout": s}``: wait for the kernel's agent
  on the socket, run the cell, ask the agent's integrity probe, hang up; the answer is
  ``{"outputs": [nbformat outputs], "probe": [findings], "status": "ok|error|timeout|no-kernel"}``;
* ``{"cmd": "quit"}``.
"""
from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import importlib
import importlib.util
import io
import json
import os
import signal
import socket
import sys
import time
import traceback
import types

from .. import sides
from . import wire
from .link import Link

ACCEPT_S = 20.0
RECORD_NAME = "sent.bin"
MAX_OUTPUT = 1_000_000
_BUILTIN_NAMES = frozenset(vars(builtins))


class JudgeTimeout(BaseException):
    """The test cell ran past its limit (a BaseException: a test's ``except Exception`` can't hide it)."""


class TestNamespace(dict):
    """The test cells' globals: the test's own names first, then the student's, as handles."""

    def __init__(self, link: Link):
        super().__init__(__name__="__main__", __builtins__=builtins)
        self.link = link
        self.cache: dict = {}

    def __missing__(self, name):
        if name in _BUILTIN_NAMES or name.startswith("__") or self.link.sock is None:
            raise KeyError(name)
        if name not in self.cache:
            try:
                self.cache[name] = self.link.request("name", name)
            except NameError:
                raise KeyError(name) from None
        return self.cache[name]

    def __contains__(self, name):
        if dict.__contains__(self, name):
            return True
        try:
            self.__missing__(name)
        except KeyError:
            return False
        return True


class _Limited(io.StringIO):
    def write(self, text):
        room = MAX_OUTPUT - self.tell()
        return super().write(text[:max(room, 0)]) if room > 0 else len(text)


def _split_last(source: str, name: str):
    tree = ast.parse(source, filename=name)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    return compile(tree, name, "exec"), (compile(last, name, "eval") if last is not None else None)


def _error(exc: BaseException, name: str) -> dict:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<")]
    lines = [f"  line {f.lineno} of the test: {f.line}" for f in frames[-3:]]
    where = getattr(exc, "remote_where", None)
    if where:
        lines.append(f"  (in the student's code: line {where[0]} of {where[1]})")
    evalue = str(exc)
    return {"output_type": "error", "ename": type(exc).__name__, "evalue": evalue,
            "traceback": ["Traceback (most recent call last):", *lines, f"{type(exc).__name__}: {evalue}"]}


def run_cell(ns: TestNamespace, source: str, name: str) -> tuple[list[dict], str]:
    """Run one cell in *ns*: its outputs as nbformat dicts, and a status."""
    out, err = _Limited(), _Limited()
    outputs, status, value = [], "ok", None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            body, last = _split_last(source, name)
            exec(body, ns)
            if last is not None:
                value = eval(last, ns)
        except (JudgeTimeout, wire.PeerTimeout) as exc:
            status = "timeout"
            text = "the test ran past its time limit: the student's code took too long or did not answer"
            error = {"output_type": "error", "ename": "TimeoutError", "evalue": text,
                     "traceback": [f"TimeoutError: {text}"]}
        except (wire.PeerGone, wire.WireError) as exc:
            status = "no-kernel"
            error = _error(exc, name)
        except BaseException as exc:  # noqa: BLE001 - a failed test is an output
            status = "error"
            error = _error(exc, name)
    for stream, buf in (("stdout", out), ("stderr", err)):
        if buf.getvalue():
            outputs.append({"output_type": "stream", "name": stream, "text": buf.getvalue()})
    if status != "ok":
        outputs.append(error)
    elif _is_score(value):  # nbgrader reads a number that ends a test cell as partial credit
        outputs.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                        "data": {"text/plain": repr(float(value))}})
    return outputs, status


def _is_score(value) -> bool:
    import numbers
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and type(value).__module__ in (
        "builtins", "numpy")


def _alarm(seconds: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.0))


def _on_alarm(signum, frame):
    raise JudgeTimeout("the test ran past its time limit: the student's code took too long or did not "
                       "answer")


_SEEDS = {"numpy": ("numpy.random", "seed"), "torch": ("torch", "manual_seed"), "random": ("random", "seed"),
          "keras": ("keras.utils", "set_random_seed"), "tensorflow": ("tensorflow.random", "set_seed")}


def _loaded(dotted: str):
    """A module this process has imported, by its dotted name or as an attribute of its package
    (``tensorflow.random`` is ``tensorflow._api.v2.random``); None when not loaded."""
    found = sys.modules.get(dotted)
    if found is not None:
        return found
    head, _, rest = dotted.partition(".")
    found = sys.modules.get(head)
    for part in rest.split(".") if rest and found is not None else []:
        found = getattr(found, part, None) if not getattr(found, "_lazy_", False) else None
    return found if isinstance(found, types.ModuleType) else None


def mirror_seeds(link: Link) -> None:
    """Seeding in a test seeds the student's kernel too (``np.random.seed(3); sample_batch(...)``,
    ``keras.utils.set_random_seed(0)``)."""
    for key, (module_name, attr) in _SEEDS.items():
        module = _loaded(module_name)
        if getattr(module, "_lazy_", False):  # not used yet: nothing to seed
            continue
        fn = getattr(module, attr, None)
        if fn is None or getattr(fn, "_mirrored_", False):
            continue

        def seeded(*args, _fn=fn, _key=key, **kwargs):
            result = _fn(*args, **kwargs)
            if link.sock is not None:
                link.request("seed", _key, *args)
            return result
        seeded._mirrored_ = True
        seeded.__wrapped__ = fn
        setattr(module, attr, seeded)


class Judge:
    def __init__(self, socket_path: str):
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(socket_path)
        os.chmod(socket_path, 0o666)
        self.listener.listen(4)
        self.link = Link(strict=True)
        self.ns = TestNamespace(self.link)
        sides._link = self.link   # course.sides: the student's modules and globals are the kernel's
        self.pending: list[str] = []
        self.guard_loaded = False
        _ON_LOAD.append(lambda: mirror_seeds(self.link))

    def setup(self, source: str) -> None:
        """A locked cell, run at once (while the kernel works) unless it needs the student's names;
        then it runs again at the next test cell, when the kernel answers."""
        if self.pending:
            self.pending.append(source)
            return
        outputs, status = run_cell(self.ns, source, "<setup>")
        if status != "ok" and any(o.get("ename") == "NameError" for o in outputs):
            self.pending.append(source)

    def load_guard(self) -> None:
        """The withheld values this run never sends (``DLCOURSE_JUDGE_WITHHELD``), read once."""
        if self.guard_loaded:
            return
        self.guard_loaded = True
        names = [n for n in os.environ.get("DLCOURSE_JUDGE_WITHHELD", "").split(",") if n]
        if names:
            from . import guard
            self.link.guard = guard.load(names)

    def test(self, source: str, name: str, timeout: float) -> dict:
        self.load_guard()   # a failure here is the grader's (JudgeFailed), never a student's pass
        deadline = time.monotonic() + timeout
        self.listener.settimeout(min(ACCEPT_S, timeout))
        try:
            conn, _ = self.listener.accept()
        except (socket.timeout, OSError):
            outputs = [{"output_type": "error", "ename": "KernelNotAnswering",
                        "evalue": "the notebook's kernel did not answer the grader (it may be stuck or broken)",
                        "traceback": ["KernelNotAnswering: the notebook's kernel did not answer the grader"]}]
            return {"outputs": outputs, "probe": [], "status": "no-kernel"}
        self.link.sock, self.link.deadline = conn, deadline
        self.ns.cache.clear()
        mirror_seeds(self.link)
        probe: list = []
        try:
            _alarm(deadline - time.monotonic())
            try:
                for setup in self.pending:  # locked cells: definitions the test relies on
                    run_cell(self.ns, setup, "<setup>")
                self.pending.clear()
                mirror_seeds(self.link)
                outputs, status = run_cell(self.ns, source, f"<{name}>")
            finally:
                _alarm(0)
            if status not in ("timeout", "no-kernel"):
                self.link.deadline = time.monotonic() + 10
                try:
                    found = self.link.request("probe")
                    probe = [str(x)[:300] for x in found] if isinstance(found, list) else ["the probe failed"]
                except Exception as exc:  # noqa: BLE001 - a kernel that will not say is itself a finding
                    probe = [f"the integrity probe did not answer ({type(exc).__name__})"]
        except JudgeTimeout as exc:  # the alarm went off between the cell and the probe
            outputs, status = [{"output_type": "error", "ename": "TimeoutError", "evalue": str(exc),
                                "traceback": [f"TimeoutError: {exc}"]}], "timeout"
        finally:
            self.link.hang_up()
            self.link.sock = None
            self.link.forget_exports()
            conn.close()
        return {"outputs": outputs, "probe": probe, "status": status}


class _Lazy(types.ModuleType):
    """A module imported on first use: the setup cell's ``import matplotlib.pyplot as plt`` or
    ``import torch`` costs the judge nothing (0.35 s, 2 s) unless a test really uses it."""
    _lazy_ = True

    def __getattr__(self, name):
        sys.modules.pop(self.__name__, None)
        real = importlib.import_module(self.__name__)
        for hook in _ON_LOAD:  # e.g. mirror torch.manual_seed before the test calls it
            hook()
        self.__dict__.update(vars(real))
        self._lazy_ = False
        return getattr(real, name)


_ON_LOAD: list = []


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--socket", required=True)
    args = parser.parse_args(argv)
    # stdout is the grader's channel: what the tests print goes elsewhere
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", buffering=0), write_through=True)
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in ("matplotlib.pyplot", "torch"):
        # no stand-in for a module this environment does not have (.venv-tf has no torch: TensorFlow
        # and torch cannot share a process, and libraries probe sys.modules for torch)
        if name not in sys.modules and importlib.util.find_spec(name.partition(".")[0]) is not None:
            sys.modules[name] = _Lazy(name)
    signal.signal(signal.SIGALRM, _on_alarm)
    judge = Judge(args.socket)
    if os.environ.get("DLCOURSE_JUDGE_RECORD"):   # the test suite: keep a copy of all the judge sends
        judge.link.record = open(os.path.join(os.path.dirname(args.socket), RECORD_NAME), "ab")
    channel.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        try:
            cmd = json.loads(line)
        except ValueError:
            continue
        if cmd.get("cmd") == "exec":
            judge.setup(str(cmd.get("source", "")))
        elif cmd.get("cmd") == "test":
            result = judge.test(str(cmd.get("source", "")), str(cmd.get("id", "test")),
                                float(cmd.get("timeout", 60)))
            channel.write(json.dumps(result, allow_nan=True) + "\n")
        elif cmd.get("cmd") == "quit":
            break


if __name__ == "__main__":
    main()
