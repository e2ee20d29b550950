"""Grade corpus answers the way ``course grade`` does: in the sandboxed kernel, with every test cell in the judge.

tests/nbexec.py runs a notebook in-process, which cannot see a test that means something else under the judge
(a check on memory sharing made on the judge's copy of an array).  Here the verdict is the grader's own:

* the grader's configuration (``course.grader.worker._config``: the sandbox, the hidden modules, the withheld
  data, the judge and its sandbox), the grader's ``GuardedExecute`` (kernel, judge, timeouts, output limits),
  and the grader's scoring (``course.grader.scoring.normalise``, then nbgrader's ``determine_grade``): a test
  cell passes when it scores its full points;
* the fast path: one kernel and one judge per notebook, for all of its cases.  The notebook is rewritten into
  one long notebook that nbgrader's executor runs top to bottom.  At each exercise with cases, a *snapshot*
  cell (kernel side, outside the student's names) notes the kernel's state; then, per case, the answer cell
  with the case's code, the cells between it and the exercise's last test cell, the exercise's test cells
  (run by the judge, as in a real grading) and a *restore* cell that puts the kernel back as the snapshot
  found it (the student's globals, the classes defined so far, small arrays/tensors/models/lists in place,
  the random generators, torch's global switches, the working folder, cwd, environment, warnings filters,
  loggers, patched library functions).  Then the reference answer runs with its tests (the reference check)
  and the notebook goes on.
* A case that leaves something the restore cell cannot put back (a patched library module, a changed data
  file), a cell that times out (later cells would get the grader's shorter limit) or a dead kernel ends the
  run after that case; the remaining cases run in a fresh kernel and judge, from the start of the notebook.

Each case's state when it starts is the state of a real grading of the notebook with that answer (the
reference answers before it, the notebook's own cells in order); cells after the exercise's tests are not
run, as in tests/nbexec.py.
"""
from __future__ import annotations

import copy
import json
import os
import random
import re
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from nbexec import CellResult, ROOT, nb_meta, source_path, tests_of

MARK = "CORPUS-RESTORE "


@dataclass(frozen=True)
class Case:
    exercise: str
    verdict: str          # "wrong" | "right"
    label: str
    code: str

    @property
    def key(self) -> tuple:
        return (self.exercise, self.verdict, self.label)


@dataclass
class JudgedRun:
    assignment: str
    results: dict = field(default_factory=dict)      # Case.key -> [CellResult]
    reference: dict = field(default_factory=dict)    # exercise -> [CellResult]
    notes: list = field(default_factory=list)        # restarts, restores, probe findings
    runs: int = 0
    seconds: float = 0.0


# --- the kernel side: snapshot and restore (run with exec in a namespace of its own: no student name) -----
_KERNEL = r'''
import copy, logging, os, re, random, sys, types, warnings
from IPython import get_ipython

_LIMIT = 8 << 20
_IPY = re.compile(r"^(_+|_i+\d*|_\d+|_ih|_oh|_dh|In|Out|exit|quit|get_ipython)$")
_WATCH = ("builtins", "math", "random", "numpy", "numpy.random", "numpy.linalg", "numpy.testing", "torch",
          "torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data", "torch.autograd", "course.check",
          "course.sides", "logging", "os", "json", "pickle")
_LIBRARIES = {"torch", "numpy", "matplotlib", "PIL", "IPython", "ipykernel", "traitlets", "asyncio", "urllib3",
              "fsspec", "filelock", "sympy", "jax", "tensorflow", "keras", "absl", "h5py", "concurrent", "parso",
              "comm", "course", "torchvision", "sklearn", "pandas", "numexpr", "tornado", "zmq"}
_VOLATILE = ("_", "__builtins__", "input", "raw_input", "getpass")   # ipykernel sets these per request
_CLASSES = (("torch", "Tensor"), ("torch.nn", "Module"), ("torch.nn", "Linear"), ("torch.optim", "Optimizer"),
            ("torch.optim", "SGD"), ("torch.optim", "Adam"), ("torch.utils.data", "DataLoader"),
            ("torch.utils.data", "Dataset"))


def _state():
    st = sys.modules.get("_corpus_state")
    if st is None:
        st = types.ModuleType("_corpus_state")
        sys.modules["_corpus_state"] = st
    return st


def _files(root):
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            try:
                s = os.lstat(path)
            except OSError:
                continue
            out[os.path.relpath(path, root)] = (s.st_size, s.st_mtime_ns, os.path.isdir(path))
    return out


def _copy_value(v):
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if np is not None and type(v) is np.ndarray and v.nbytes <= _LIMIT:
        return ("array", v.copy())
    if torch is not None:
        if isinstance(v, torch.Tensor) and type(v) in (torch.Tensor, torch.nn.Parameter) and \
                v.device.type == "cpu" and v.numel() * v.element_size() <= _LIMIT:
            return ("tensor", v.detach().clone(), v.requires_grad,
                    None if v.grad is None else v.grad.detach().clone())
        if isinstance(v, torch.nn.Module):
            try:
                sd = v.state_dict()
                if any(isinstance(t, torch.Tensor) and t.device.type != "cpu" for t in sd.values()):
                    return None   # a model on the meta device (08b) or a GPU: not compared
                if sum(t.numel() * t.element_size() for t in sd.values() if isinstance(t, torch.Tensor)) <= _LIMIT:
                    return ("module", {k: t.detach().clone() if isinstance(t, torch.Tensor) else t
                                       for k, t in sd.items()}, [m.training for m in v.modules()])
            except Exception:
                return None
    if type(v) in (list, dict, set) and len(v) <= 10000:
        return ("container", copy.copy(v))
    return None


def _same(a, b):
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if torch is not None and isinstance(a, torch.Tensor):
        return a.shape == b.shape and a.dtype == b.dtype and bool(torch.equal(a, b) or (
            a.is_floating_point() and torch.equal(torch.nan_to_num(a, nan=1.5e300), torch.nan_to_num(b, nan=1.5e300))))
    if np is not None and isinstance(a, np.ndarray):
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    return a == b


def _put_back(v, saved):
    kind = saved[0]
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if kind == "array":
        if v.shape != saved[1].shape or v.dtype != saved[1].dtype:
            return "its shape or dtype changed"
        if not _same(v, saved[1]):
            v.flags.writeable = True
            np.copyto(v, saved[1])
            return "restored"
    elif kind == "tensor":
        if v.shape != saved[1].shape or v.dtype != saved[1].dtype:
            return "its shape or dtype changed"
        changed = not _same(v.detach(), saved[1]) or v.requires_grad != saved[2] or (
            (v.grad is None) != (saved[3] is None)) or (saved[3] is not None and not _same(v.grad, saved[3]))
        if changed:
            with torch.no_grad():
                v.copy_(saved[1])
            if v.is_leaf:
                v.requires_grad_(saved[2])
                v.grad = None if saved[3] is None else saved[3].clone()
            return "restored"
    elif kind == "module":
        sd = v.state_dict()
        changed = set(sd) != set(saved[1]) or any(
            isinstance(t, torch.Tensor) and not _same(t.detach(), saved[1][k]) for k, t in sd.items())
        modes = [m.training for m in v.modules()]
        if changed:
            try:
                v.load_state_dict(saved[1])
            except Exception as exc:
                return f"its parameters changed and could not be put back ({type(exc).__name__})"
        if modes != saved[2]:
            if len(modes) != len(saved[2]):
                return "its submodules changed"
            for m, mode in zip(v.modules(), saved[2]):
                m.training = mode
            changed = True
        return "restored" if changed else None
    elif kind == "container":
        if type(v) is list and v != saved[1]:
            v[:] = saved[1]
            return "restored"
        if type(v) is dict and (set(v) != set(saved[1]) or any(v[k] is not saved[1][k] for k in v)):
            v.clear()
            v.update(saved[1])
            return "restored"
        if type(v) is set and v != saved[1]:
            v.clear()
            v.update(saved[1])
            return "restored"
    return None


def _torch_flags(torch):
    flags = {"dtype": torch.get_default_dtype(), "grad": torch.is_grad_enabled(),
             "det": torch.are_deterministic_algorithms_enabled(),
             "det_warn": torch.is_deterministic_algorithms_warn_only_enabled(),
             "cudnn_det": torch.backends.cudnn.deterministic, "cudnn_bench": torch.backends.cudnn.benchmark,
             "threads": torch.get_num_threads(), "anomaly": torch.is_anomaly_enabled()}
    fut = getattr(torch, "__future__", None)
    if fut is not None:
        flags["overwrite"] = fut.get_overwrite_module_params_on_conversion()
        flags["swap"] = fut.get_swap_module_params_on_conversion()
    return flags


def _set_torch_flags(torch, f):
    torch.set_default_dtype(f["dtype"])
    torch.set_grad_enabled(f["grad"])
    torch.use_deterministic_algorithms(f["det"], warn_only=f["det_warn"])
    torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = f["cudnn_det"], f["cudnn_bench"]
    if torch.get_num_threads() != f["threads"]:
        torch.set_num_threads(f["threads"])
    torch.set_anomaly_enabled(f["anomaly"])
    if "overwrite" in f:
        torch.__future__.set_overwrite_module_params_on_conversion(f["overwrite"])
        torch.__future__.set_swap_module_params_on_conversion(f["swap"])


def _rng():
    out = {"random": random.getstate()}
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if np is not None:
        out["numpy"] = np.random.get_state()
    if torch is not None:
        out["torch"] = torch.get_rng_state()
    return out


def _loggers():
    out = {}
    for name, lg in [("", logging.root), *logging.Logger.manager.loggerDict.items()]:
        if isinstance(lg, logging.Logger):
            out[name] = (lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled)
    return out


def snapshot():
    st = _state()
    ns = get_ipython().user_ns
    st.ns = {k: v for k, v in ns.items() if not _IPY.match(k)}
    st.values = {}
    st.classes = {}
    for k, v in st.ns.items():
        if isinstance(v, type) and getattr(v, "__module__", "") == "__main__":
            st.classes[k] = (v, dict(vars(v)))
        else:
            saved = _copy_value(v)
            if saved is not None:
                st.values[k] = saved
    st.modules = {}
    for name in _WATCH:
        mod = sys.modules.get(name)
        if mod is not None:
            st.modules[name] = (mod, dict(vars(mod)))
    st.libclasses = {}
    for mod_name, cls_name in _CLASSES:
        cls = getattr(sys.modules.get(mod_name), cls_name, None)
        if isinstance(cls, type):
            st.libclasses[f"{mod_name}.{cls_name}"] = (cls, dict(vars(cls)))
    st.rng = _rng()
    torch = sys.modules.get("torch")
    st.torch = _torch_flags(torch) if torch is not None else None
    st.cwd = os.getcwd()
    st.environ = dict(os.environ)
    st.path = list(sys.path)
    st.filters = list(warnings.filters)
    st.showwarning = warnings.showwarning
    st.loggers = _loggers()
    st.files = _files(st.cwd)
    st.std = (sys.stdout, sys.stderr, sys.displayhook, sys.excepthook)


def restore():
    st = _state()
    done, dirty = [], []
    ns = get_ipython().user_ns
    for k in [k for k in ns if k not in st.ns and not _IPY.match(k)]:
        del ns[k]
    for k, v in st.ns.items():
        if ns.get(k, restore) is not v:
            ns[k] = v
            done.append(f"global {k}")
    for k, saved in st.values.items():
        try:
            what = _put_back(st.ns[k], saved)
        except Exception as exc:
            what = f"could not be put back ({type(exc).__name__}: {exc})"
        if what == "restored":
            done.append(f"{k} (in place)")
        elif what:
            dirty.append(f"{k}: {what}")
    for k, (cls, attrs) in st.classes.items():
        now = dict(vars(cls))
        for a in set(now) - set(attrs):
            try:
                delattr(cls, a)
                done.append(f"{k}.{a} (removed)")
            except (AttributeError, TypeError):
                pass
        for a, v in attrs.items():
            if now.get(a, restore) is not v and a not in ("__dict__", "__weakref__", "__doc__"):
                try:
                    setattr(cls, a, v)
                    done.append(f"{k}.{a}")
                except (AttributeError, TypeError):
                    dirty.append(f"{k}.{a} changed and could not be put back")
    for name, (mod, attrs) in st.modules.items():
        now = vars(mod)
        changed = [a for a, v in attrs.items() if now.get(a, restore) is not v and a not in _VOLATILE]
        for a in list(changed):
            if getattr(now.get(a), "__wrapped__", None) is attrs[a]:   # torch._dynamo wraps torch.manual_seed
                attrs[a] = now[a]
                changed.remove(a)
        for a in changed:
            setattr(mod, a, attrs[a])
        if changed:
            dirty.append(f"module {name} patched: {', '.join(changed[:5])}")
    for name, (cls, attrs) in st.libclasses.items():
        now = dict(vars(cls))
        changed = [a for a, v in attrs.items() if now.get(a, restore) is not v] + [
            a for a in now if a not in attrs and a not in ("__slotnames__",)]   # copyreg's cache (pickling)
        for a in list(changed):
            if a in attrs and getattr(now.get(a), "__wrapped__", None) is attrs[a]:   # torch's step hooks
                attrs[a] = now[a]
                changed.remove(a)
        for a in changed:
            try:
                if a in attrs:
                    setattr(cls, a, attrs[a])
                else:
                    delattr(cls, a)
            except (AttributeError, TypeError):
                pass
        if changed:
            dirty.append(f"class {name} patched: {', '.join(changed[:5])}")
    rng = st.rng
    random.setstate(rng["random"])
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    if np is not None:
        if "numpy" in rng:
            np.random.set_state(rng["numpy"])
        else:
            np.random.seed()
            done.append("numpy imported by the case")
    if torch is not None:
        if "torch" in rng:
            torch.set_rng_state(rng["torch"])
        if st.torch is not None:
            if _torch_flags(torch) != st.torch:
                done.append("torch switches")
            _set_torch_flags(torch, st.torch)
        else:
            dirty.append("torch imported by the case")
    if os.getcwd() != st.cwd:
        os.chdir(st.cwd)
        done.append("cwd")
    if dict(os.environ) != st.environ:
        os.environ.clear()
        os.environ.update(st.environ)
        done.append("environment")
    if sys.path != st.path:
        sys.path[:] = st.path
        done.append("sys.path")
    if warnings.filters != st.filters or warnings.showwarning is not st.showwarning:
        warnings.filters[:] = st.filters
        warnings.showwarning = st.showwarning
        warnings._filters_mutated()
        done.append("warnings filters")
    if (sys.stdout, sys.stderr, sys.displayhook, sys.excepthook) != st.std:
        sys.stdout, sys.stderr, sys.displayhook, sys.excepthook = st.std
        dirty.append("sys.stdout/stderr/displayhook/excepthook replaced")
    now_loggers = _loggers()
    for name, (lg, level, handlers, propagate, disabled) in now_loggers.items():
        if name not in st.loggers:
            if name.split(".")[0] in _LIBRARIES:   # a library's logger, made on its first use
                continue
            for h in list(lg.handlers):
                lg.removeHandler(h)
                try:
                    h.close()
                except Exception:
                    pass
            logging.Logger.manager.loggerDict.pop(name, None)
            done.append(f"logger {name!r} removed")
            continue
        old = st.loggers[name]
        if (level, handlers, propagate, disabled) != old[1:]:
            for h in handlers:
                if h not in old[2]:
                    try:
                        h.close()
                    except Exception:
                        pass
            lg.setLevel(old[1])
            lg.handlers[:] = old[2]
            lg.propagate, lg.disabled = old[3], old[4]
            done.append(f"logger {name!r}")
    now_files = _files(st.cwd)
    for rel in sorted(set(now_files) - set(st.files), key=len, reverse=True):
        path = os.path.join(st.cwd, rel)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                import shutil
                shutil.rmtree(path)
            else:
                os.unlink(path)
            done.append(f"file {rel} removed")
        except FileNotFoundError:
            pass
        except OSError as exc:
            dirty.append(f"file {rel} could not be removed ({exc})")
    for rel, info in st.files.items():
        now = now_files.get(rel)
        if now is None:
            dirty.append(f"file {rel} was deleted")
        elif not info[2] and now[:2] != info[:2]:
            dirty.append(f"file {rel} was changed")
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    return done, dirty
'''


# --- the judge side: a locked cell (the grader queues locked cells for the judge) that is a no-op in the kernel.
# A case's in-place change to an array the test passed in is written back into the judge's copy (the link keeps
# arrays in step): without this, one case's mutation of a locked cell's array would reach the next case's test.
_JUDGE = r'''
import copy, sys
ns, which = NS_, WHICH
if sys.modules.get("course.sides") is not None and sys.modules["course.sides"]._link is not None:  # the judge
    np, torch = sys.modules.get("numpy"), sys.modules.get("torch")
    def data(v):
        if np is not None and isinstance(v, np.ndarray) and v.dtype != object:
            return True
        if torch is not None and not getattr(torch, "_lazy_", False) and isinstance(v, torch.Tensor):
            return True
        return False
    st = sys.modules.setdefault("_corpus_judge_state", type(sys)("_corpus_judge_state"))
    if which == "snapshot":
        st.names = dict(dict.items(ns))
        st.copies = {k: copy.deepcopy(v) for k, v in st.names.items()
                     if data(v) or (type(v) in (list, dict, tuple) and len(v) < 10000)}
    else:
        for k in [k for k in list(dict.keys(ns)) if k not in st.names]:
            dict.__delitem__(ns, k)
        for k, v in st.names.items():
            dict.__setitem__(ns, k, v)
        for k, saved in st.copies.items():
            v = st.names[k]
            try:
                if np is not None and isinstance(v, np.ndarray):
                    if v.shape == saved.shape:
                        v.flags.writeable = True
                        np.copyto(v, saved)
                    else:
                        dict.__setitem__(ns, k, copy.deepcopy(saved))
                elif data(v):
                    with torch.no_grad():
                        v.copy_(saved) if v.shape == saved.shape else dict.__setitem__(ns, k, saved.clone())
                elif type(v) is list:
                    v[:] = copy.deepcopy(saved)
                elif type(v) is dict:
                    v.clear()
                    v.update(copy.deepcopy(saved))
                else:
                    dict.__setitem__(ns, k, copy.deepcopy(saved))
            except Exception:
                dict.__setitem__(ns, k, copy.deepcopy(saved))
'''


def _judge_call(fn: str):
    """A locked cell that snapshots or restores the judge's namespace (and does nothing in the kernel)."""
    code = _JUDGE.replace("NS_, WHICH", f"NS_, {fn!r}")
    cell = nbformat.v4.new_code_cell(f"exec({code!r}, {{'NS_': globals(), '__name__': '_corpus_judge_helper'}})")
    cell.metadata["nbgrader"] = {"locked": True, "grade": False, "solution": False, "schema_version": 3,
                                 "grade_id": f"corpus_judge_{fn}"}
    return cell


def _kernel_call(fn: str) -> str:
    """Code for a cell that runs *fn* of the helper above without binding a name in the student's globals."""
    if fn == "snapshot":
        body = "snapshot()"
    else:
        body = f"print({MARK!r} + __import__('json').dumps(dict(zip(('done', 'dirty'), restore()))))"
    return f"exec({(_KERNEL + chr(10) + body)!r}, {{'__name__': '_corpus_state_helper'}})"


# --- the plan: the notebook, rewritten ----------------------------------------------------------------
@dataclass
class _Slot:
    kind: str            # "case-answer" | "case-test" | "restore" | "ref-test" | "other"
    case: int | None = None
    exercise: str | None = None


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def build(assignment: str, cases: list[Case], skip_tests_before: str | None = None):
    """The rewritten notebook and, per code cell, what it is (_Slot).  *skip_tests_before*: an exercise;
    test cells above its answer cell are left out (a restarted run: those were graded already)."""
    nb = nbformat.read(str(source_path(assignment)), as_version=4)
    cells = nb.cells
    by_ex: dict[str, list[tuple[int, Case]]] = {}
    for i, case in enumerate(cases):
        by_ex.setdefault(case.exercise, []).append((i, case))
    answer_at = {_meta(c).get("grade_id"): i for i, c in enumerate(cells)
                 if _meta(c).get("solution") and c.cell_type == "code"}
    test_owner, last_test = {}, {}
    for ex in answer_at:
        wanted = tests_of(cells, ex)
        for gid in wanted:
            test_owner[gid] = ex
        if wanted:
            last_test[ex] = max(i for i, c in enumerate(cells) if _meta(c).get("grade_id") in wanted)
    for ex in by_ex:
        assert ex in answer_at, f"{assignment} has no answer cell {ex!r}"
        assert ex in last_test, f"{assignment} has no test cells for {ex!r}"
    skip_until = answer_at[skip_tests_before] if skip_tests_before else -1
    stop_after = max(last_test.values())   # what comes after the last exercise's tests is not run

    out, slots = [], []

    def add(cell, slot):
        out.append(cell)
        slots.append(slot)

    for i, cell in enumerate(cells[: stop_after + 1]):
        if cell.cell_type != "code":
            add(cell, _Slot("markdown"))
            continue
        meta = _meta(cell)
        gid = meta.get("grade_id", "")
        is_test = bool(meta.get("grade")) and not meta.get("solution")
        if is_test and i < skip_until:
            continue
        if meta.get("solution") and gid in by_ex:
            span = [c for c in cells[i + 1: last_test[gid] + 1] if c.cell_type == "code"]
            add(nbformat.v4.new_code_cell(_kernel_call("snapshot")), _Slot("snapshot"))
            add(_judge_call("snapshot"), _Slot("snapshot"))
            for k, case in by_ex[gid]:
                answer = copy.deepcopy(cell)
                answer.source = case.code
                answer.metadata["nbgrader"]["grade_id"] = f"{gid}~{k}"
                add(answer, _Slot("case-answer", k, gid))
                for c in span:
                    m = _meta(c)
                    g = m.get("grade_id", "")
                    c_is_test = bool(m.get("grade")) and not m.get("solution")
                    if c_is_test and test_owner.get(g) != gid:
                        continue  # other exercises' tests: not run (as tests/nbexec.py)
                    twin = copy.deepcopy(c)
                    if g:
                        twin.metadata["nbgrader"]["grade_id"] = f"{g}~{k}"
                    add(twin, _Slot("case-test" if c_is_test else "case-other", k, gid))
                add(nbformat.v4.new_code_cell(_kernel_call("restore")), _Slot("restore", k, gid))
                add(_judge_call("restore"), _Slot("judge-restore", k, gid))
            add(cell, _Slot("other"))
            continue
        if is_test:
            add(cell, _Slot("ref-test", None, test_owner.get(gid) or gid))
        else:
            add(cell, _Slot("other"))
    nb.cells = out
    return nb, slots


# --- the verdict of one test cell: the grader's -----------------------------------------------------------
def verdict(cell) -> CellResult:
    from nbgrader.utils import determine_grade

    from course.grader.scoring import normalise
    scored = copy.deepcopy(cell)
    normalise(scored)
    score, points = determine_grade(scored)
    errors = [o for o in scored.outputs if o.get("output_type") == "error"]
    stderr = "".join(o.get("text", "") for o in scored.outputs
                     if o.get("output_type") == "stream" and o.get("name") == "stderr")
    error = ""
    if errors:
        e = errors[0]
        error = f"{e.get('ename')}: {e.get('evalue')}".strip()
        where = [ln for ln in e.get("traceback", []) if "line " in str(ln) and "of the test" in str(ln)]
        if where:
            error += " [" + str(where[-1]).strip() + "]"
    elif score is not None and score < points:
        error = f"partial score {score:g} of {points:g}"
    gid = _meta(cell).get("grade_id", "").split("~")[0]
    return CellResult(gid, score is not None and score >= points, error, stderr)


# --- running ----------------------------------------------------------------------------------------------
_BOX: dict = {}


def _sandbox(scratch: Path, cpu_seconds: int):
    """The grader's sandbox (as ``course grade`` builds it), or None where bubblewrap cannot run."""
    from course.grader import run, sandbox
    if "box" not in _BOX:
        limits = sandbox.Limits(cpu_seconds=cpu_seconds)
        box = sandbox.default_sandbox(limits, threads=1, matplotlib_cache=run._font_cache(scratch))
        try:
            sandbox.check(box, scratch)
        except sandbox.SandboxUnavailable as exc:
            if os.environ.get("DLCOURSE_CORPUS_SANDBOX") == "1":
                raise
            _BOX["why"] = str(exc).splitlines()[0]
            box = None
        _BOX["box"] = None if box is None else asdict(box)
    return _BOX["box"]


def _execute(assignment: str, nb, scratch: Path, sandboxed: bool, timeout_s: int):
    """One run of the rewritten notebook with the grader's configuration; returns (nb, events, stopped)."""
    from course.grader import run as grade_run
    from course.grader import worker
    from course.grader.execute import GuardedExecute
    from course.grader.sandbox import give_to_sandbox_user

    base = Path(tempfile.mkdtemp(prefix="run-", dir=scratch))
    course, work, runtime = base / "course", base / "work", base / "rt"
    for folder in (course, work, runtime):
        folder.mkdir()
    for path in worker.source_files(ROOT, assignment):  # the instructor's files, as the grader copies them
        rel = path.relative_to(ROOT / "source" / assignment)
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, work / rel)
    box = _sandbox(scratch, cpu_seconds=4 * timeout_s) if sandboxed else None
    settings = worker.Settings(root=str(ROOT), config_file=str(ROOT / "nbgrader_config.py"), template_db="",
                               scratch=str(scratch), sandbox=box, notebook_timeout=timeout_s)
    job = worker.Job(assignment, "corpus", str(work))
    uid = random.SystemRandom().randrange(1_000_000, 2_000_000_000)
    if box is not None:
        give_to_sandbox_user(work, uid)
    grade_run.prepare_data(ROOT, [assignment], lambda *a, **k: None)
    config = worker._config(settings, course, job, work, runtime, base / "execute.json", uid)
    config.GuardedExecute.max_notebook_output_bytes = 1 << 40   # one notebook holds every case's cells
    config.GuardedExecute.max_notebook_outputs = 1 << 30
    executor = GuardedExecute(config=config)
    old = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"   # as nbgrader's Autograde sets it
    try:
        nb, _ = executor.preprocess(nb, {"metadata": {"path": str(work)}, "nbgrader": {"notebook": assignment}})
    finally:
        if old is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = old
        shutil.rmtree(base, ignore_errors=True)
    return nb, list(executor._events), executor._stopped


def _restore_report(cell) -> dict:
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    for line in text.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return {"done": [], "dirty": [f"the restore cell did not report ({'; '.join(errors) or 'no output'})"]}


def judge_cases(assignment: str, cases: list[Case], sandboxed: bool = True, timeout_s: int = 6 * 3600,
                log=None) -> JudgedRun:
    """Every case of *cases* (of one notebook) graded as ``course grade`` grades it; see the module's doc."""
    t0 = time.monotonic()
    result = JudgedRun(assignment)
    order = {ex: i for i, ex in enumerate(
        _meta(c).get("grade_id") for c in nbformat.read(str(source_path(assignment)), as_version=4).cells)}
    pending = sorted(cases, key=lambda c: order.get(c.exercise, 1 << 30))  # notebook order, stable
    skip = None
    scratch = Path(tempfile.mkdtemp(prefix="corpus-judge-"))
    os.chmod(scratch, 0o755)
    try:
        while True:
            nb, slots = build(assignment, pending, skip_tests_before=skip)
            result.runs += 1
            ran, events, stopped = _execute(assignment, nb, scratch, sandboxed, timeout_s)
            cut, why = _collect(ran, slots, pending, events, result)
            if log:
                log(f"{assignment}: run {result.runs}: {len(pending) if cut is None else cut + 1} of "
                    f"{len(pending)} cases graded" + (f"; a fresh kernel after: {why}" if why else ""))
            if cut is None:
                if stopped:
                    result.notes.append(f"run {result.runs} stopped after its cases: {stopped}")
                break
            case = pending[cut]
            result.notes.append(f"run {result.runs}: a fresh kernel and judge after case "
                                f"{case.exercise}/{case.verdict}/{case.label}: {why}")
            skip, pending = case.exercise, pending[cut + 1:]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    result.seconds = time.monotonic() - t0
    return result


def _collect(nb, slots, pending, events, result: JudgedRun):
    """Read one run's verdicts into *result*.  Returns (index of the last case that counts, why) when the rest
    must run again in a fresh kernel, else (None, "")."""
    case_of = {}   # a cell's name in the executor's events -> the case it belongs to
    first_cell = {}
    for i, (cell, slot) in enumerate(zip(nb.cells, slots)):
        if slot.case is not None:
            case_of[_meta(cell).get("grade_id") or f"cell {i + 1}"] = slot.case
            first_cell.setdefault(slot.case, i)
    cut, why = None, ""
    for event in events:   # a timeout (later cells get the short limit), a stopped kernel, a failed judge
        if event["kind"] in ("cell-timeout", "kernel-died", "unresponsive", "kernel-broken", "notebook-timeout",
                             "judge-error", "no-answer"):
            k = case_of.get(event.get("cell") or "")
            if k is None:
                raise RuntimeError(f"{result.assignment}: the run failed outside the corpus cases: {event}")
            if cut is None or k < cut:
                cut, why = k, f"{event['kind']}: {event['message'][:200]}"
        elif event["kind"] == "tampering":
            result.notes.append(f"probe: {event['message'][:300]}")
    for cell, slot in zip(nb.cells, slots):
        if slot.kind == "restore" and (cut is None or slot.case < cut):
            report = _restore_report(cell)
            if report["done"]:
                case = pending[slot.case]
                result.notes.append(f"restored after {case.exercise}/{case.verdict}/{case.label}: "
                                    + ", ".join(report["done"][:8]))
            if report["dirty"]:
                cut, why = slot.case, "; ".join(report["dirty"])[:300]
                break
    end = len(nb.cells) if cut is None else first_cell[cut]   # reference verdicts above the cut case count
    for i, (cell, slot) in enumerate(zip(nb.cells, slots)):
        if slot.kind == "case-test" and (cut is None or slot.case <= cut):
            result.results.setdefault(pending[slot.case].key, []).append(verdict(cell))
        elif slot.kind == "case-answer" and (cut is None or slot.case <= cut):
            result.results.setdefault(pending[slot.case].key, [])
        elif slot.kind == "ref-test" and i < end:
            result.reference.setdefault(slot.exercise, []).append(verdict(cell))
    return cut, why
