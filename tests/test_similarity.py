"""Copy detection (issue 23, 9): planted copies rank above independent right answers.

The class, per assignment (01-08b: the TF appendix has no demo submissions graded here), is built in a temporary folder from the release notebook:

* the demo class's alice (the source's solutions) and bob (the same, two exercises wrong);
* right-1 .. right-3: independent right answers, the k-th RIGHT variant of tests/corpus/c0*_*.py for
  each exercise (the release stub where the corpus has fewer, never one equal to the solution);
* planted copies: mallory (alice's answers, every local name renamed), trudy (alice's, renamed and
  with functions and methods in another order), oscar (right-1's, renamed and reordered).

Every pair of students whose answers come from the same origin (the solution, or right-1) must rank
above every pair from different origins.  Needs Dolos (`make dolos`); skipped without it.
"""
import ast
import io
import json
import keyword
import shutil
import tokenize
from pathlib import Path

import pytest

from course import similarity
from course.config import ROOT
from course.grader.report import _Doc
from test_grading import load_builder

ASSIGNMENTS = ["01_perceptron", "02_activations", "03_loss_and_gradients", "04_backprop", "05_chainer_style",
               "06_pytorch_and", "07_pytorch_regression", "07b_training_practice", "08_cnn_cifar10", "08b_gpu"]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def dolos():
    try:
        return similarity.dolos_lib()
    except similarity.SimilarityUnavailable as exc:
        pytest.skip(str(exc))


# --- the planted copies ---------------------------------------------------------------------------
def rename(code: str) -> str:
    """Every parameter and local name renamed (not the graded names: top-level functions, classes and
    variables; not attributes)."""
    tree = ast.parse(code)
    graded = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    graded |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    local = {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    local |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    new = {name: f"{name.strip('_')[:1] or 'v'}q{i}" for i, name in enumerate(sorted(local - graded - {"self"}))}
    out, previous = [], None
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.NAME and tok.string in new and not keyword.iskeyword(tok.string) \
                and previous != ".":
            tok = tok._replace(string=new[tok.string])
        out.append(tok)
        if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            previous = tok.string
    return tokenize.untokenize(out)


def _reordered(lines: list[str], body: list[ast.stmt]) -> list[str]:
    """The statements of *body* (imports and docstrings first, in place), the rest in reverse order;
    the methods of a class reordered the same way."""
    def chunk(node):
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        text = lines[start - 1:node.end_lineno]
        if isinstance(node, ast.ClassDef) and len(node.body) > 1:
            head = lines[start - 1:node.body[0].lineno - 1]
            text = head + _reordered(lines, node.body)
        return text

    fixed = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))
             or (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    moved = [n for n in body if n not in fixed]
    return [ln for n in fixed + moved[::-1] for ln in chunk(n) + [""]]


def reorder(code: str) -> str:
    return "\n".join(_reordered(code.splitlines(), ast.parse(code).body)) + "\n"


def test_the_planted_changes_are_real():
    code = ("import numpy as np\n\nclass A:\n    def f(self, x):\n        y = x + 1\n        return y\n\n"
            "    def g(self, z):\n        return z\n\ndef h(a, b=2):\n    return np.sum(a) * b\n")
    changed = reorder(rename(code))
    assert changed != code
    assert changed.index("def h") < changed.index("class A") and changed.index("def g") < changed.index("def f")
    assert "y = x" not in changed and "def h(a," not in changed and "np.sum" in changed
    ns: dict = {}
    exec(compile(changed, "<planted>", "exec"), ns)  # still Python, and still right
    assert ns["h"]([1, 2], 3) == 9 and ns["A"]().f(1) == 2


# --- the class -------------------------------------------------------------------------------------
def plant_class(dest: Path, aid: str) -> dict[str, str]:
    """Write the class of *aid* into *dest*/<student>/<aid>/; return each student's origin."""
    build = load_builder()
    solution = build.solutions(aid)
    stubs = build.stubs(aid)
    right = build.corpus(aid).RIGHT
    norm = lambda s: "".join(s.split())  # noqa: E731

    def independent(k: int) -> dict[str, str]:
        out = {}
        for gid in solution:
            variants = [v for v in right.get(gid, {}).values() if norm(v) != norm(solution[gid])]
            out[gid] = variants[k] if k < len(variants) else stubs[gid]
        return out

    students = {"right-1": (independent(0), "right-1"), "right-2": (independent(1), "right-2"),
                "right-3": (independent(2), "right-3")}
    students["mallory"] = ({g: rename(c) for g, c in solution.items()}, "solution")
    students["trudy"] = ({g: reorder(rename(c)) for g, c in solution.items()}, "solution")
    students["oscar"] = ({g: reorder(rename(c)) for g, c in students["right-1"][0].items()}, "right-1")
    origin = {}
    for name, (answers, source) in students.items():
        (dest / name / aid).mkdir(parents=True)
        (dest / name / aid / f"{aid}.ipynb").write_text(build.notebook_with(aid, answers))
        origin[name] = source
    for name in ("alice-correct", "bob-partial"):  # the demo class: both from the solutions
        shutil.copytree(EXAMPLES / "submitted" / name / aid, dest / name / aid)
        origin[name] = "solution"
    return origin


@pytest.fixture(scope="module")
def ranked(dolos, tmp_path_factory):
    out = {}
    for aid in ASSIGNMENTS:
        submitted = tmp_path_factory.mktemp(f"class-{aid}")
        origin = plant_class(submitted, aid)
        out[aid] = (similarity.compare(ROOT, aid, submitted), origin)
    return out


@pytest.mark.parametrize("aid", ASSIGNMENTS)
def test_planted_copies_rank_above_independent_right_answers(ranked, aid):
    rec, origin = ranked[aid]
    assert rec["students"] == len(origin) == 8
    assert len(rec["pairs"]) == 28
    same = [p for p in rec["pairs"] if origin[p["a"]] == origin[p["b"]]]
    other = [p for p in rec["pairs"] if origin[p["a"]] != origin[p["b"]]]
    assert len(same) == 6 + 1  # the four from the solution, and right-1 with oscar
    lowest_copy = min(p["similarity"] for p in same)
    highest_independent = max(p["similarity"] for p in other)
    assert lowest_copy > highest_independent, (
        f"{aid}: a planted pair ranks below an independent one:\n" + "\n".join(
            f"{p['similarity']:.2f} {p['a']} / {p['b']} {'copy' if p in same else ''}" for p in rec["pairs"]))
    assert all(0 <= p["similarity"] <= 1 for p in rec["pairs"])
    top = rec["pairs"][0]
    assert top["fragments"] and all(f["a"]["code"].strip() and f["b"]["code"].strip() for f in top["fragments"])


def test_release_stub_and_given_cells_are_left_out(dolos, tmp_path):
    """Students who hand in the release untouched share only what they were given: similarity 0."""
    aid = "04_backprop"
    for name in ("blank-1", "blank-2", "blank-3"):
        (tmp_path / name / aid).mkdir(parents=True)
        shutil.copy(ROOT / "release" / aid / f"{aid}.ipynb", tmp_path / name / aid)
    rec = similarity.compare(ROOT, aid, tmp_path)
    assert rec["students"] == 3 and [p["similarity"] for p in rec["pairs"]] == [0, 0, 0]
    answers = similarity.answers(tmp_path / "blank-1" / aid / f"{aid}.ipynb", set())
    assert "# cell mul_layer" in answers and "class MulLayer" in answers


def test_the_report_shows_pairs_side_by_side(ranked, tmp_path):
    rec, _ = ranked["04_backprop"]
    path = tmp_path / "04_backprop.json"
    path.write_text(json.dumps(rec))
    doc = _Doc("t")
    similarity.report_section(doc, path)
    html = "\n".join(doc.html)
    first = rec["pairs"][0]
    assert "Similar answers (copy detection)" in html and f"{first['a']} / {first['b']}" in html
    assert html.count("<table class='pair'>") >= 1 and "<pre>" in html
    assert first["fragments"][0]["a"]["code"].splitlines()[0].strip() in "\n".join(doc.md)


def test_command_writes_the_report_and_refuses_bad_input(ranked, tmp_path, capsys):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "release" / "04_backprop", course / "release" / "04_backprop")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    plant_class(tmp_path / "sub", "04_backprop")
    assert similarity.main(["04_backprop", "--submitted", str(tmp_path / "sub")], course) == 0
    out = capsys.readouterr().out
    assert "04_backprop: 8 submissions, 28 pairs" in out
    saved = json.loads((course / "reports" / "similarity" / "04_backprop.json").read_text())
    assert saved["pairs"] and saved["students"] == 8
    assert similarity.main(["99_nothing", "--submitted", str(tmp_path / "sub")], course) == 2
    assert similarity.main(["04_backprop", "--submitted", str(tmp_path / "none")], course) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_class_of_ten_ignores_what_most_of_it_shares(dolos, tmp_path):
    """From 10 submissions on, Dolos drops fragments more than half the class has; the copies still lead
    (here 4 more students hand in the release untouched: 12 in all)."""
    aid = "04_backprop"
    origin = plant_class(tmp_path, aid)
    for i in range(4):
        (tmp_path / f"blank-{i}" / aid).mkdir(parents=True)
        shutil.copy(ROOT / "release" / aid / f"{aid}.ipynb", tmp_path / f"blank-{i}" / aid)
        origin[f"blank-{i}"] = f"blank-{i}"
    rec = similarity.compare(ROOT, aid, tmp_path)
    assert rec["students"] == 12 and '"maxFingerprintPercentage": 0.5' in rec["detector"]
    same = [p["similarity"] for p in rec["pairs"] if origin[p["a"]] == origin[p["b"]]]
    other = [p["similarity"] for p in rec["pairs"] if origin[p["a"]] != origin[p["b"]]]
    assert min(same) > max(other)
