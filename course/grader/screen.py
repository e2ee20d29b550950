"""A static screen of what the student wrote, for code that tampers with grading.

It reads the code cells a student can edit (not the locked or graded ones) and
reports uses of the APIs that rewrite how cells run or how checks decide: IPython's
hooks and transformers, trace functions, frame and ``__code__`` surgery, patches to
NumPy, PyTorch, math or the course package, and imports of modules that hold this
assignment's answers.  A finding flags the submission for review; it never changes
the score (the judge decides that, out of the kernel's reach).
"""
from __future__ import annotations

import ast
import re

#: attribute or name -> why it is suspicious
_NAMES = {
    "get_ipython": "uses get_ipython()",
    "settrace": "sets a trace function", "setprofile": "sets a profile function",
    "set_custom_exc": "sets a custom exception handler",
    "input_transformers_cleanup": "changes IPython's input transformers",
    "input_transformers_post": "changes IPython's input transformers",
    "ast_transformers": "changes IPython's AST transformers",
    "showtraceback": "replaces IPython's traceback display",
    "do_execute": "touches the kernel's do_execute", "run_cell": "touches IPython's run_cell",
    "register": None,  # only as events.register (below)
    "__code__": "rewrites a function's code", "PyFrame_LocalsToFast": "rewrites a frame's locals",
    "_getframe": "reads the call stack", "currentframe": "reads the call stack",
    "f_locals": "reads or writes a frame's locals", "f_globals": "reads a frame's globals",
    "f_back": "walks the call stack", "get_referrers": "walks the garbage collector",
    "__builtins__": "changes builtins", "error_in_exec": "touches a cell's error",
    "__dict__": "reaches into an object's __dict__", "import_module": "imports a module by name",
}
#: builtins called by name (``model.eval()`` is fine, ``eval(text)`` is not)
_CALLS = {"exec": "runs code built at run time", "eval": "runs code built at run time",
          "__import__": "imports a module by name", "compile": "compiles code at run time"}
_PATCHED_MODULES = {"np", "numpy", "torch", "math", "course", "check", "builtins", "sys", "nn", "F"}
#: methods that let an object decide comparisons or conversions, for an answer that is not data
_MAGIC = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__float__", "__int__",
          "__index__", "__array__", "__array_ufunc__", "__array_function__", "__instancecheck__",
          "__torch_function__"}
_BUILTIN_BASES = {"int", "float", "bool", "complex", "ndarray", "generic", "float64", "int64", "Tensor"}
_HELPERS = {"call", "check", "describe", "close_enough", "is_number", "quietly", "CheckFailure"}
_SETTINGS = ("torch.backends.", "np.random.", "numpy.random.")  # configuration, not patches
_IMPORTS = {"ctypes": "imports ctypes", "course.judge": "imports the grader's judge",
            "course.grader": "imports the grader", "importlib": "imports importlib", "gc": None}
_MAGICS = re.compile(r"^\s*%%(capture|script|bash|sh|writefile|javascript|js|html)\b", re.M)


def _clean(source: str) -> str:
    """IPython's own syntax (magics, shell escapes) as comments, so that the cell parses."""
    return "\n".join("#" + line if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


_ROOTS = {"numpy", "torch", "math", "course", "builtins", "sys", "tensorflow", "keras", "operator", "functools"}


def _module_aliases(tree, patched: set[str]) -> set[str]:
    """Other names a cell gives those modules and what is in them (``import course.cifar_fast as fast``,
    ``from torch import nn``, ``m = torch.nn``, ``L = sys.modules["torch"].nn.Linear``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] in _ROOTS}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _ROOTS:
            names |= {a.asname or a.name for a in node.names}
    for _ in range(3):   # an alias of an alias
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if _rooted(node.value, patched | names):
                    names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _rooted(node, patched: set[str]) -> bool:
    """An attribute chain, index or call that starts at one of the *patched* names or ``sys.modules``
    (``torch.nn.Linear``, ``sys.modules["torch"]``, ``getattr(torch, "nn")``, ``vars(np)``)."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Call):   # only getattr(m, ...) and vars(m) are m again; m.f(...) is a value
            if isinstance(node.func, ast.Name) and node.func.id in ("getattr", "vars") and node.args:
                node = node.args[0]
                continue
            return False
        if isinstance(node, ast.Attribute) and node.attr == "modules" and isinstance(node.value, ast.Name) \
                and node.value.id == "sys":
            return True
        node = node.value
    return isinstance(node, ast.Name) and node.id in patched


def screen_source(source: str, hidden: tuple[str, ...] = ()) -> list[str]:
    """What in one cell's *source* looks like tampering, one line per finding."""
    found = [f"uses the cell magic %%{m}" for m in _MAGICS.findall(source)]
    try:
        tree = ast.parse(_clean(source))
    except SyntaxError:
        return found
    patched = _PATCHED_MODULES | _module_aliases(tree, set(_PATCHED_MODULES))
    for node in ast.walk(tree):
        line = getattr(node, "lineno", "?")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and node.module == "course":
                names += [f"course.{a.name}" for a in node.names]
            for name in names:
                for module, why in _IMPORTS.items():
                    if why and (name == module or name.startswith(module + ".")):
                        found.append(f"{why} (line {line})")
                for module in hidden:
                    if name == f"course.{module}" or name.startswith(f"course.{module}."):
                        found.append(f"imports course.{module}, which holds this assignment's answers "
                                     f"(line {line})")
        elif isinstance(node, (ast.Attribute, ast.Name)):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            why = _NAMES.get(name)
            if name == "register" and isinstance(node, ast.Attribute) and \
                    isinstance(node.value, ast.Attribute) and node.value.attr == "events":
                why = "registers an IPython event callback"
            if why:
                found.append(f"{why} (line {line})")
        if isinstance(node, ast.ClassDef):
            magic = sorted(f.name for f in node.body if isinstance(f, ast.FunctionDef) and f.name in _MAGIC)
            magic += sorted(t.id for a in node.body if isinstance(a, ast.Assign) for t in a.targets
                            if isinstance(t, ast.Name) and t.id in _MAGIC)
            bases = [ast.unparse(b) for b in node.bases if ast.unparse(b).split(".")[-1] in _BUILTIN_BASES]
            if magic:
                found.append(f"class {node.name} decides comparisons or conversions itself "
                             f"({', '.join(dict.fromkeys(magic))}) (line {line})")
            if bases:
                found.append(f"class {node.name} subclasses {', '.join(bases)} (line {line})")
        if isinstance(node, (ast.Assign, ast.FunctionDef, ast.Import, ast.ImportFrom)) and node in tree.body:
            names = ([t.id for t in node.targets if isinstance(t, ast.Name)] if isinstance(node, ast.Assign)
                     else [node.name] if isinstance(node, ast.FunctionDef)
                     else [(a.asname or a.name).split(".")[0] for a in node.names])
            for name in set(names) & _HELPERS:
                if not (isinstance(node, ast.ImportFrom) and node.module == "course.check"):
                    found.append(f"rebinds the course's check helper {name} (line {line})")
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                text = ast.unparse(target)
                if isinstance(target, (ast.Attribute, ast.Subscript)) and _rooted(target.value, patched) \
                        and not text.startswith(_SETTINGS):
                    found.append(f"assigns to {text} (line {line})")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS:
            found.append(f"{_CALLS[node.func.id]} (line {line})")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr") \
                and node.args:
            name = node.args[1] if len(node.args) > 1 else None
            dunder = isinstance(name, ast.Constant) and str(name.value) in _MAGIC
            if _rooted(node.args[0], patched) or dunder:
                found.append(f"calls {node.func.id} on {ast.unparse(node.args[0])} (line {line})")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" \
                and len(node.args) == 3:
            members = node.args[2]
            keys = {str(k.value) for k in getattr(members, "keys", []) if isinstance(k, ast.Constant)}
            bases = ast.unparse(node.args[1])
            if keys & _MAGIC or not isinstance(members, ast.Dict) or \
                    any(b in bases for b in _BUILTIN_BASES):
                found.append(f"builds a class with type(...) that decides comparisons, conversions or is a "
                             f"number ({ast.unparse(node)[:80]}) (line {line})")
    return list(dict.fromkeys(found))


def screen_notebook(nb, hidden: tuple[str, ...] = ()) -> list[str]:
    """Findings for every cell the student can edit, each prefixed with the cell's name."""
    found = []
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("locked") or (meta.get("grade") and not meta.get("solution")):
            continue
        name = meta.get("grade_id") or f"cell {index + 1}"
        found += [f"{name}: {f}" for f in screen_source(cell.source, hidden)]
    return found
