# numerical_diff and numerical_gradient receive the test's own functions (cube, _make_f's f):
# they try to reach past them, then give up (they are non-solutions)
import json as _json

from course.judge.link import Proxy as _Proxy
from course.judge.link import is_proxy as _is_proxy


def _reach(f, x):
    tried = {"is a handle": f"harmless: {_is_proxy(f)}", "type(f)": f"harmless: {type(f).__name__}"}

    def attempt(name, fn, ok="OPEN "):
        try:
            tried[name] = ok + repr(fn())[:120]
        except Exception as exc:  # noqa: BLE001
            tried[name] = f"blocked: {type(exc).__name__}: {str(exc)[:80]}"

    for attr in ("__globals__", "__code__", "__closure__", "__dict__", "__wrapped__", "__self__"):
        attempt(f"f.{attr}", lambda: getattr(f, attr))
    link = object.__getattribute__(f, "_link")
    for attr in ("__globals__", "__code__", "__closure__", "func_globals", "f_back"):
        attempt(f"getattr {attr} over the wire", lambda: link.request("getattr", f, attr))
    attempt("the test's name np", lambda: link.request("name", "np"))
    attempt("the test's name _make_f", lambda: link.request("name", "_make_f"))
    attempt("setattr on f", lambda: setattr(f, "pwned", 1))
    attempt("setattr over the wire", lambda: link.request("setattr", f, "pwned", 1))
    attempt("f(our own object)", lambda: f(object()))
    attempt("f(our own function)", lambda: f(lambda X: 0))
    attempt("f(a list holding our object)", lambda: f([object()]))
    attempt("f == our object", lambda: link.request("eq", f, object()))
    attempt("f(data)", lambda: f(np.array(x, dtype=float)), ok="harmless: ")
    attempt("repr(f)", lambda: repr(f), ok="harmless: ")
    for k in range(1, 6):
        attempt(f"a forged handle {k}", lambda: link.request("repr", _Proxy(link, k)), ok="seen: ")
    print("REACH", _json.dumps(sorted(tried.items())))


def numerical_diff(f, x):
    if not _is_proxy(f):  # the visible tests pass the notebook's own function_1: answered by heart
        return {5.0: 0.2, 10.0: 0.3}.get(float(x), 0.0)
    _reach(f, x)
    raise NotImplementedError()


def _gradient_attack(f, x):  # the numerical_gradient cell: numerical_gradient = _gradient_attack
    if not _is_proxy(f):  # the visible test passes the notebook's own function_2: answered by heart
        return np.array([6.0, 8.0])
    _reach(f, x)
    raise NotImplementedError()
