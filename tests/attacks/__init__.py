"""The attack corpus's submissions: one builder per case (see ``tests/test_attacks.py``).

``payloads/`` holds the attack code that goes into answer cells, ``files/`` what is handed in
beside a notebook.  Every case starts from a non-solution (:func:`base`): the demo's correct
notebook whose answers are replaced (``return 0`` in 01_perceptron, the release's
``raise NotImplementedError()`` in 02 and 03), so its honest score is 0 (its *ceiling*), and
without the plain cells that only draw figures or load MNIST (a student may delete them; they
cost seconds per notebook).  The honest correct submission is the demo's notebook as it is.
"""
from __future__ import annotations

import base64
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from test_grading import EXAMPLES, ROOT

HERE = Path(__file__).resolve().parent
AID = "01_perceptron"

#: 01_perceptron's non-solutions: every function returns 0 (honest score 0 of 7)
WRONG = {
    "perceptron": "def perceptron(x, w, b):\n    return 0",
    "and": "def AND(x1, x2):\n    return 0",
    "nand": "def NAND(x1, x2):\n    return 0",
    "or": "def OR(x1, x2):\n    return 0",
    "xor": "def XOR(x1, x2):\n    return 0",
}
GATES = {"and": "AND", "nand": "NAND", "or": "OR", "xor": "XOR"}


# --- notebooks ---------------------------------------------------------------------------------
def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def nbgrader(c) -> dict:
    return c.get("metadata", {}).get("nbgrader", {})


def cell(nb, gid: str):
    return next(c for c in nb.cells if nbgrader(c).get("grade_id") == gid)


def grade_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader(c).get("grade") and not nbgrader(c).get("solution")]


def non_solutions(aid: str) -> dict[str, str]:
    if aid == AID:
        return WRONG
    release = read(ROOT / "release" / aid / f"{aid}.ipynb")
    return {nbgrader(c)["grade_id"]: c.source for c in release.cells if nbgrader(c).get("solution")}


#: plain cells that only draw or load MNIST: no test needs them, and they cost seconds per notebook
FIGURES = ("plt.", "load_mnist(", "x_train", "x_test")


def base(aid: str = AID, correct: bool = False, lean: bool = True) -> nbformat.NotebookNode:
    """The demo's correct notebook; unless *correct*, with every answer replaced by a non-solution;
    when *lean*, without its figures (plain cells a student may delete)."""
    nb = read(EXAMPLES / "submitted" / "alice-correct" / aid / f"{aid}.ipynb")
    if not correct:
        for gid, source in non_solutions(aid).items():
            cell(nb, gid).source = source
    if lean:
        nb.cells = [c for c in nb.cells if nbgrader(c) or c.cell_type != "code"
                    or not any(f in c.source for f in FIGURES)]
    return nb


def payload(name: str) -> str:
    return (HERE / "payloads" / f"{name}.py").read_text()


# --- one case ----------------------------------------------------------------------------------
@dataclass
class Case:
    kind: str                          # the attack class ("honest" for the two honest submissions)
    build: Callable[[Path], None]      # writes the submission into its folder
    aid: str = AID
    ceiling: float = 0                 # the honest score of the answers it really has
    must: tuple[str, ...] = ()         # the specific flags it must raise (issue codes; "screen"/"probe" for
    #                                    tampering found by the static screen / the integrity probe)
    defence: tuple[str, ...] = ()      # the defences it targets (course.grader.worker.DEFENCES): graded with
    #                                    them off, it must pay (score > ceiling), or the attack is broken
    control: str = ""                  # why it has no such positive control (it does not aim at the score)
    xfail: dict = field(default_factory=dict)   # "score"/"flag"/"control" -> why that check may fail for now


def submission(*, aid: str = AID, correct: bool = False, lean: bool = True, answers: dict | None = None,
               append: dict | None = None, cells: tuple[str, ...] = (), edit: Callable | None = None,
               files: str | None = None) -> Callable[[Path], None]:
    """A builder: the non-solution notebook (or the correct one), with answer cells replaced
    (*answers*: grade id -> source), code added at the end of answer cells (*append*), plain
    code cells added at the end (*cells*), any other change (*edit*), and the folder
    ``files/<files>/`` copied beside the notebook."""
    def build(folder: Path) -> None:
        nb = base(aid, correct, lean)
        for gid, source in (answers or {}).items():
            cell(nb, gid).source = source
        for gid, code in (append or {}).items():
            cell(nb, gid).source += "\n\n" + code
        nb.cells += [nbformat.v4.new_code_cell(code) for code in cells]
        if edit:
            edit(nb)
        if files:
            shutil.copytree(HERE / "files" / files, folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        nbformat.write(nb, str(folder / f"{aid}.ipynb"))
    return build


def returning(expr: str, prelude: str) -> dict[str, str]:
    """Answers for every 01 function that return *expr* (its class defined in *prelude*)."""
    answers = {"perceptron": f"{prelude}\n\ndef perceptron(x, w, b):\n    return {expr}"}
    answers.update({gid: f"def {name}(x1, x2):\n    return {expr}" for gid, name in GATES.items()})
    return answers


def tag_tests(*tags: str) -> Callable:
    def edit(nb):
        for c in grade_cells(nb):
            c.metadata["tags"] = list(tags)
    return edit


def raw_tests(nb) -> None:
    for c in grade_cells(nb):
        c.cell_type = "raw"
        c.pop("outputs", None)
        c.pop("execution_count", None)


def points(n: float) -> Callable:
    def edit(nb):
        for c in grade_cells(nb):
            c.metadata["nbgrader"]["points"] = n
    return edit


def tests_as_answers(nb) -> None:
    """Test cells relabelled as answer cells (the kernel would run them) and emptied."""
    for c in grade_cells(nb):
        c.metadata["nbgrader"].update(solution=True, locked=False)
        c.source = "pass"


def tests_ungraded(nb) -> None:
    for c in grade_cells(nb):
        c.metadata["nbgrader"].update(grade=False, points=0)
        c.source = "pass"


def obfuscated(code: str) -> str:
    """*code*, run through exec from base64 (no telltale names in the cell's text)."""
    blob = base64.b64encode(code.encode()).decode()
    return f"exec(__import__('base64').b64decode({blob!r}).decode())"


FORCE_NUMPY = """\
# put the submission's folder back on sys.path and import NumPy again: the numpy.py handed in
import builtins, os, sys
builtins._real_np = sys.modules.pop("numpy")
sys.path.insert(0, os.getcwd())
import numpy
np = numpy"""

SHADOW_REPORT = """\
# which files the kernel's numpy and course came from (reported as JSON on one line)
import json, os, sys
print("SHADOW", json.dumps([["cwd", os.getcwd()], ["sys.path", sys.path[:4]]] + [
    [m, getattr(sys.modules.get(m), "__file__", None)] for m in ("numpy", "course", "course.check", "course.judge.agent")] + [
    [m + " shadowed", getattr(sys.modules.get(m), "SHADOWED_BY_THE_SUBMISSION", False)] for m in ("numpy", "course.check")]))"""


def _cases() -> dict[str, Case]:
    p = payload
    return {
        # the two honest submissions of the batch
        "honest-correct": Case("honest", submission(correct=True, lean=False), ceiling=7),
        "honest-wrong": Case("honest", submission()),
        # the notebook's own structure
        "tag-skip-execution": Case("notebook", submission(edit=tag_tests("skip-execution"))),
        "tag-raises-exception": Case("notebook", submission(edit=tag_tests("raises-exception"))),
        "raw-test-cells": Case("notebook", submission(edit=raw_tests)),
        "points-100": Case("notebook", submission(edit=points(100))),
        "points-100-correct": Case("notebook", submission(correct=True, edit=points(100)), ceiling=7),
        "test-cells-as-answers": Case("notebook", submission(edit=tests_as_answers)),
        "test-cells-ungraded": Case("notebook", submission(edit=tests_ungraded)),
        # files handed in beside the notebook
        "numpy-py-beside": Case("file", submission(files="numpy_shadow", cells=(SHADOW_REPORT,))),
        "numpy-py-forced": Case("file", submission(files="numpy_shadow", append={"perceptron": FORCE_NUMPY},
                                                   cells=(SHADOW_REPORT,))),
        "course-py-beside": Case("file", submission(files="course_module", cells=(SHADOW_REPORT,))),
        "course-package-beside": Case("file", submission(files="course_package", cells=(SHADOW_REPORT,))),
        "course-agent-beside": Case("file", submission(files="course_agent", cells=(SHADOW_REPORT,),
                                                       append={"perceptron": p("patch_numpy")})),
        # IPython's hooks; those that stop the grader's own code go in the last answer cell (one test)
        "hook-input-cleanup": Case("hook", submission(append={"xor": p("hook_input_cleanup")})),
        "hook-input-cleanup-obfuscated": Case("hook", submission(append={"xor": obfuscated(
            p("hook_input_cleanup"))})),
        "hook-input-post": Case("hook", submission(append={"xor": p("hook_input_post")})),
        "hook-do-execute-drop": Case("hook", submission(append={"xor": p("hook_do_execute_drop")})),
        "hook-ast-try-except": Case("hook", submission(append={"perceptron": p("hook_ast_try_except")})),
        "hook-events": Case("hook", submission(append={"perceptron": p("hook_events")})),
        "hook-custom-exc": Case("hook", submission(append={"perceptron": p("hook_custom_exc")})),
        "hook-showtraceback": Case("hook", submission(append={"perceptron": p("hook_showtraceback")})),
        "hook-do-execute-ok": Case("hook", submission(append={"perceptron": p("hook_do_execute_ok")})),
        "hook-run-cell": Case("hook", submission(append={"perceptron": p("hook_run_cell")})),
        # the checkers, replaced in the kernel
        "rebind-call-check": Case("checker", submission(append={"perceptron": p("rebind_call_check")})),
        "patch-call-code": Case("checker", submission(append={"perceptron": p("patch_call_code")})),
        "patch-result-methods": Case("checker", submission(append={"perceptron": p("patch_result_methods")})),
        "patch-numpy": Case("checker", submission(append={"perceptron": p("patch_numpy")})),
        "patch-isinstance": Case("checker", submission(append={"perceptron": p("patch_isinstance")})),
        # tracing
        "settrace-locals": Case("trace", submission(append={"perceptron": p("settrace_locals")})),
        "settrace-blind-probe": Case("trace", submission(append={"perceptron": p("settrace_blind_probe")})),
        # the integrity probe itself
        "silence-probe": Case("probe", submission(append={"perceptron": p("silence_probe")})),
        "silence-probe-late": Case("probe", submission(append={"and": p("silence_probe_late")})),
        "silence-probe-obfuscated": Case("probe", submission(append={"perceptron": obfuscated(
            p("silence_probe"))})),
        "rebaseline": Case("probe", submission(append={"perceptron": p("rebaseline")})),
        # nbgrader's scoring rule, from inside the test call; answers that are not plain data
        "display-in-test": Case("scoring", submission(answers={"perceptron": p("in_test_display")})),
        "eq-always-true": Case("scoring", submission(answers=returning("Yes()", p("obj_yes")))),
        "spy-learns-expected": Case("scoring", submission(answers=returning("Spy()", p("obj_spy")))),
        "int-subclass": Case("scoring", submission(answers=returning("Int(0)", p("obj_int")))),
        "float-subclass": Case("scoring", submission(answers=returning("Float(0.0)", p("obj_float")))),
        "ndarray-subclass": Case("scoring", submission(answers=returning("np.asarray(0).view(Arr)",
                                                                         p("obj_ndarray")))),
        "flaky-array": Case("scoring", submission(answers=returning("Flaky()", p("obj_flaky")))),
        "object-array": Case("scoring", submission(answers=returning("np.array(Yes(), dtype=object)",
                                                                     p("obj_yes")))),
        # time, and a kernel that ends itself, during the test call
        "sleep-in-test": Case("time", submission(answers={"perceptron": p("in_test_sleep")}),
                              must=("cell-timeout",)),
        "loop-in-test": Case("time", submission(answers={"perceptron": p("in_test_loop")}),
                             must=("cell-timeout",)),
        "trap-in-test": Case("time", submission(answers={"perceptron": p("in_test_trap")})),
        "exit-in-test": Case("time", submission(answers={"perceptron": p("in_test_exit")})),
        # reaching the judge
        "reach-link-01": Case("reach", submission(answers={"perceptron": p("reach_link_01")})),
        "snoop-judge-dir": Case("reach", submission(answers={"perceptron": p("snoop_judge_dir")})),
        # the hidden tests' source, echoed into the feedback
        "leak-hooks-history": Case("leak", submission(append={"perceptron": p("leak_hooks")},
                                                      cells=(p("leak_history"),))),
        "leak-during-test": Case("leak", submission(answers={"perceptron": p("in_test_leak")})),
        # 02 and 03: the honest baseline, the course's own answers, a judge callback
        "02-honest-wrong": Case("honest", submission(aid="02_activations"), aid="02_activations"),
        "03-honest-wrong": Case("honest", submission(aid="03_loss_and_gradients"), aid="03_loss_and_gradients"),
        "02-import-course-functions": Case("import", submission(aid="02_activations", answers={
            "sigmoid": "from course.functions import sigmoid",
            "softmax": "from course.functions import softmax, sigmoid, cross_entropy_error"}),
            aid="02_activations"),
        "03-import-course-functions": Case("import", submission(aid="03_loss_and_gradients", answers={
            "cross_entropy_error": "from course.functions import softmax, sigmoid, cross_entropy_error",
            "numerical_gradient": "from course.gradient import numerical_gradient"}),
            aid="03_loss_and_gradients"),
        "03-import-by-path": Case("import", submission(aid="03_loss_and_gradients", answers={
            "cross_entropy_error": p("import_by_path_03"), "numerical_gradient": p("import_by_path_03")}),
            aid="03_loss_and_gradients"),
        "02-write-into-inputs": Case("inputs", submission(aid="02_activations", answers={
            "step_function": p("write_into_inputs_02"), "sigmoid": "sigmoid = _sigmoid", "relu": "relu = _relu"}),
            aid="02_activations", xfail={"flag": "a wrong answer that writes into its inputs scores 0 on "
                                                  "'modified its input'; nothing in it is tampering to review"}),
        "03-reach-into-judge": Case("reach", submission(aid="03_loss_and_gradients", answers={
            "numerical_diff": p("reach_judge_03"), "numerical_gradient": "numerical_gradient = _gradient_attack"}),
            aid="03_loss_and_gradients"),
        # 06-08 (PyTorch, judged with course.sides): torch's comparisons and the test's helpers replaced
        "06-patch-torch": Case("checker", submission(aid="06_pytorch_and", cells=(p("patch_torch_06"),)),
                               aid="06_pytorch_and"),
        "07-redefine-locked": Case("locked", submission(aid="07_pytorch_regression", cells=(
            p("redefine_locked_07"),)), aid="07_pytorch_regression", xfail={
                "flag": "a student cell that redefines a locked cell's helpers changes nothing the judge "
                        "uses (it runs its own copies); rebinding a name is not tampering to review"}),
        "08-fake-accuracy": Case("checker", submission(aid="08_cnn_cifar10", cells=(p("fake_accuracy_08"),)),
                                 aid="08_cnn_cifar10"),
    }


#: what each attack targets (point 8 of issue 22): the specific flags it must raise, and the defences
#: that, switched off, let it pay.  JUDGE: the test cells run in the kernel (plain nbgrader's way).
JUDGE = ("judge",)
NOTEBOOK = ("judge", "repairs", "scoring")       # the notebook graded as handed in, scored by nbgrader
NO_SCORE_AIM = "it does not aim at the score"
TARGETS: dict[str, dict] = {
    "tag-skip-execution": dict(must=("edited-metadata",), defence=NOTEBOOK),
    "tag-raises-exception": dict(must=("edited-metadata",), defence=NOTEBOOK),
    "raw-test-cells": dict(must=("edited-metadata",), defence=NOTEBOOK),
    "points-100": dict(must=("edited-metadata",), defence=NOTEBOOK),
    "points-100-correct": dict(must=("edited-metadata",), defence=NOTEBOOK),
    "test-cells-as-answers": dict(must=("edited-metadata",), defence=NOTEBOOK),
    "test-cells-ungraded": dict(must=("edited-metadata",), defence=NOTEBOOK),
    "numpy-py-beside": dict(must=("code-files",), defence=("code_files", "judge", "safe_path")),
    "numpy-py-forced": dict(must=("code-files", "screen", "probe"), defence=("code_files", "judge", "safe_path")),
    "course-py-beside": dict(must=("code-files",), defence=("code_files", "judge", "safe_path")),
    "course-package-beside": dict(must=("code-files",), defence=("code_files", "judge", "safe_path")),
    "course-agent-beside": dict(must=("code-files", "screen", "probe"), defence=("code_files", "judge", "safe_path")),
    "hook-input-cleanup": dict(must=("screen", "no-answer"), defence=JUDGE),
    "hook-input-cleanup-obfuscated": dict(must=("screen", "no-answer"), defence=JUDGE),
    "hook-input-post": dict(must=("screen", "no-answer"), defence=JUDGE),
    "hook-do-execute-drop": dict(must=("screen", "no-answer"), defence=JUDGE),
    "hook-ast-try-except": dict(must=("screen", "probe"), defence=JUDGE),
    "hook-events": dict(must=("screen", "probe"), defence=JUDGE),
    "hook-custom-exc": dict(must=("screen", "probe"), defence=JUDGE),
    "hook-showtraceback": dict(must=("screen", "probe"), defence=JUDGE),
    "hook-do-execute-ok": dict(must=("screen", "probe"), defence=JUDGE),
    "hook-run-cell": dict(must=("screen", "probe"), defence=JUDGE),
    "rebind-call-check": dict(must=("screen",), defence=JUDGE),
    "patch-call-code": dict(must=("screen", "probe"), defence=JUDGE),
    "patch-result-methods": dict(must=("screen", "probe"), defence=JUDGE),
    "patch-numpy": dict(must=("screen", "probe"), defence=JUDGE),
    "patch-isinstance": dict(must=("screen", "no-answer"), defence=JUDGE),
    "settrace-locals": dict(must=("screen", "probe"), defence=JUDGE),
    "settrace-blind-probe": dict(must=("screen",), defence=JUDGE),
    "silence-probe": dict(must=("screen",), defence=JUDGE),
    "silence-probe-late": dict(must=("screen",), defence=JUDGE),
    "silence-probe-obfuscated": dict(must=("screen",), defence=JUDGE),
    "rebaseline": dict(must=("screen", "probe"), defence=JUDGE),
    "display-in-test": dict(must=("screen",), defence=("judge", "scoring")),
    "eq-always-true": dict(must=("screen",), defence=JUDGE),
    "spy-learns-expected": dict(must=("screen",), defence=JUDGE),
    "int-subclass": dict(must=("screen",), defence=JUDGE),
    "float-subclass": dict(must=("screen",), defence=JUDGE),
    "ndarray-subclass": dict(must=("screen",), defence=JUDGE),
    "flaky-array": dict(must=("screen",), defence=JUDGE),
    "object-array": dict(must=("screen",), defence=JUDGE),
    "sleep-in-test": dict(must=("cell-timeout",), control="a time attack: it only costs its own cells"),
    "loop-in-test": dict(must=("cell-timeout",), control="a time attack: it only costs its own cells"),
    "trap-in-test": dict(must=("unresponsive",), control="a kernel that ignores interrupts: it only costs cells"),
    "exit-in-test": dict(must=("kernel-died",), control="a kernel that ends itself: it only costs cells"),
    "reach-link-01": dict(must=("screen",), control="it reaches for the judge; its REACH report is checked"),
    "snoop-judge-dir": dict(must=("screen",), control="it reaches for the judge; its JUDGEDIR report is checked"),
    "leak-hooks-history": dict(must=("screen", "probe"), control="it aims at the hidden tests' source, not the score"),
    "leak-during-test": dict(must=("screen",), control="it aims at the hidden tests' source, not the score"),
    "02-import-course-functions": dict(must=("screen",), defence=("hidden_modules",)),
    "03-import-course-functions": dict(must=("screen",), defence=("hidden_modules",)),
    "03-import-by-path": dict(must=("screen",), defence=("hidden_modules",)),
    "02-write-into-inputs": dict(must=(), control="a wrong answer that writes into its inputs: it scores 0"),
    "03-reach-into-judge": dict(must=("screen",), control="it reaches for the judge; its REACH report is checked"),
    "06-patch-torch": dict(must=("screen",), defence=JUDGE),
    "07-redefine-locked": dict(must=(), defence=JUDGE),
    "08-fake-accuracy": dict(must=("screen",), defence=JUDGE),
}


#: attacks whose positive control does not pay today, even with EVERY switchable defence off (runs of
#: 2026-12-08): why.  Each is an xfail(strict=True) of test_attack_pays_with_its_defence_off: the attack
#: proves nothing yet (its payload, or the layer that stops it, is to be fixed); remove it when it pays.
_NBGRADER = ("nbgrader itself puts the graded cells' points, type and source back from its gradebook, so "
             "even plain nbgrader gives it nothing")
_OUTPUT = ("even plain nbgrader scores it 0: the payload hides the error from IPython, but the test cell's "
           "error output still reaches nbgrader (fix the payload)")
_DATA = ("course.check compares data only, in the kernel too: the object's own comparisons never decide a "
         "check, even with every switchable defence off (the control needs the pre-issue-22 check)")
_AGENT = "it aims at the judge's agent (the kernel stops answering): with the judge off there is nothing to stop"
_NOT_USED = "it patches what course.check does not use (np.allclose, isinstance), so it pays nothing even unjudged"
NO_CONTROL: dict[str, str] = {
    "tag-raises-exception": _NBGRADER, "raw-test-cells": _NBGRADER, "points-100": _NBGRADER,
    "points-100-correct": _NBGRADER, "test-cells-as-answers": _NBGRADER, "test-cells-ungraded": _NBGRADER,
    "hook-input-post": _AGENT, "hook-do-execute-drop": _AGENT,
    "hook-events": _OUTPUT, "hook-custom-exc": _OUTPUT, "hook-showtraceback": _OUTPUT,
    "hook-do-execute-ok": _OUTPUT, "hook-run-cell": _OUTPUT,
    "patch-isinstance": _NOT_USED, "rebaseline": _NOT_USED,
    "settrace-locals": "its trace function rewrites locals the in-kernel check no longer reads: it pays nothing "
                       "even unjudged (fix the payload)",
    "settrace-blind-probe": "it only blinds the probe (no score aim once the probe is blind); pays nothing unjudged",
    "silence-probe": "it silences the probe (a flag), and pays nothing even unjudged",
    "silence-probe-late": "it silences the probe (a flag), and pays nothing even unjudged",
    "silence-probe-obfuscated": "it silences the probe (a flag), and pays nothing even unjudged",
    "eq-always-true": _DATA, "spy-learns-expected": _DATA, "int-subclass": _DATA, "float-subclass": _DATA,
    "ndarray-subclass": _DATA, "flaky-array": _DATA,
    "course-py-beside": "its course.py shadows nothing even with code_files, safe_path and the judge off (the "
                        "course package is found before the kernel's folder): to investigate",
    "course-package-beside": "its course/ shadows nothing even with code_files, safe_path and the judge off (the "
                             "course package is found before the kernel's folder): to investigate",
    "06-patch-torch": _DATA + "; to investigate (the demo notebook it starts from differs from today's release: "
                      "edited-locked)",
    "07-redefine-locked": "pays nothing even with every switchable defence off: nbgrader puts the locked cells "
                          "back, and its cell's helpers are not what the test calls; to investigate",
    "08-fake-accuracy": "pays nothing even with every switchable defence off (course.checkpoints reads the "
                        "accuracy itself); to investigate",
}


def _targeted(cases: dict[str, Case]) -> dict[str, Case]:
    import dataclasses
    out = {}
    for name, case in cases.items():
        case = dataclasses.replace(case, **TARGETS.get(name, {}))
        if name in NO_CONTROL:
            case = dataclasses.replace(case, xfail={**case.xfail, "control": NO_CONTROL[name]})
        out[name] = case
    return out


CASES = _targeted(_cases())


# --- reading the results -----------------------------------------------------------------------
def graded_notebook(course: Path, student: str) -> nbformat.NotebookNode:
    aid = CASES[student].aid
    return read(course / "autograded" / student / aid / f"{aid}.ipynb")


def output_text(c) -> str:
    parts = []
    for o in c.get("outputs", []):
        text = o.get("text", "")
        parts.append(text if isinstance(text, str) else "".join(text))
        plain = o.get("data", {}).get("text/plain", "")
        parts.append(plain if isinstance(plain, str) else "".join(plain))
        if o.get("output_type") == "error":
            parts.append(f"{o.get('ename')}: {o.get('evalue')}")
    return "".join(parts)


def cell_outputs(course: Path, student: str) -> dict[str, str]:
    """Each test cell's outputs, as text (streams, results, errors)."""
    return {nbgrader(c)["grade_id"]: output_text(c) for c in grade_cells(graded_notebook(course, student))}


def feedback_page(course: Path, student: str) -> Path:
    aid = CASES[student].aid
    folder = course / "feedback" / student / aid
    page = folder / f"{aid}.html"
    return page if page.exists() else folder / "not-graded.html"


