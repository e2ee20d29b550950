"""How fair and how telling the tests of a notebook are, measured on its corpus.

For every exercise of the given notebooks, with the corpus in tests/corpus/c<NN>_*.py:

* right: the share of the RIGHT (differently-right) answers that pass every test cell,
  visible and hidden (the goal is 100 %);
* caught: the share of the WRONG answers that the **visible** tests alone fail (the hidden
  tests removed), i.e. what a student learns before handing in.

    python benchmarks/corpus_shares.py 01_perceptron 02_activations
    python benchmarks/corpus_shares.py 08_cnn_cifar10 --exercises save_checkpoint evaluate   # some exercises only
    python benchmarks/corpus_shares.py --notebooks-from dcbbcac 02_activations   # tests as they were
    python benchmarks/corpus_shares.py --corpus-from dcbbcac 02_activations      # corpus as it was

Each answer runs the notebook in-process up to the exercise's last test cell, as
tests/test_corpus.py does (tests/nbexec.py).  Prints a Markdown table per notebook and the
answers that fail (right) or get past the visible tests (wrong).  Works for every notebook whose
tests run in the kernel or the judge (01-08), and for the TensorFlow appendix (09, 10) run with
.venv-tf's python (its corpora are empty tables in .venv, which has no TensorFlow):

    .venv-tf/bin/python benchmarks/corpus_shares.py 09_tensorflow_keras 10_tensorflow_v1   # about 4 min and 30 s

The PyTorch notebooks take minutes (06: about 3,
07 and 08: about 10 on a busy 2-core machine), because each answer reruns the notebook's cells
(08 loads CIFAR-10 each time): --exercises measures some exercises only.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import nbexec  # noqa: E402

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


def _git_show(rev: str, path: str) -> str:
    return subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def corpus_of(assignment: str, rev: str | None) -> types.SimpleNamespace:
    [path] = (ROOT / "tests" / "corpus").glob(f"c{assignment[:2]}_*.py")
    text = _git_show(rev, str(path.relative_to(ROOT))) if rev else path.read_text()
    ns: dict = {}
    exec(compile(text, str(path), "exec"), ns)
    return types.SimpleNamespace(**{k: ns[k] for k in ("ASSIGNMENT", "WRONG", "RIGHT")})


def notebook_text(assignment: str, rev: str | None, visible_only: bool) -> str:
    path = nbexec.source_path(assignment)
    nb = nbformat.reads(_git_show(rev, str(path.relative_to(ROOT))) if rev else path.read_text(), as_version=4)
    if visible_only:
        for cell in nb.cells:
            if nbexec.nb_meta(cell).get("grade") and not nbexec.nb_meta(cell).get("solution"):
                cell.source = HIDDEN.sub("", cell.source)
    return nbformat.writes(nb)


def run(assignment: str, exercise: str, code: str, nb_file: Path) -> bool:
    """True when every test cell of *exercise* passes with *code* as the answer."""
    real = nbexec.source_path
    nbexec.source_path = lambda a: nb_file
    try:
        results = nbexec.run_exercise(assignment, exercise, code, workdir=real(assignment).parent)
    finally:
        nbexec.source_path = real
    return all(r.passed for r in results)


def measure(assignment: str, notebooks_rev: str | None, corpus_rev: str | None,
            exercises: list[str] | None = None) -> list[dict]:
    corpus = corpus_of(assignment, corpus_rev)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        full, visible = Path(tmp, "full.ipynb"), Path(tmp, "visible.ipynb")
        full.write_text(notebook_text(assignment, notebooks_rev, False))
        visible.write_text(notebook_text(assignment, notebooks_rev, True))
        for exercise in dict.fromkeys([*corpus.RIGHT, *corpus.WRONG]):
            if exercises and exercise not in exercises:
                continue
            start = time.perf_counter()
            right = corpus.RIGHT.get(exercise, {})
            wrong = corpus.WRONG.get(exercise, {})
            failed_right = [k for k, code in right.items() if not run(assignment, exercise, code, full)]
            missed_wrong = [k for k, code in wrong.items() if run(assignment, exercise, code, visible)]
            slipped = [k for k in missed_wrong if run(assignment, exercise, wrong[k], full)]
            rows.append(dict(exercise=exercise, right=len(right), right_pass=len(right) - len(failed_right),
                             wrong=len(wrong), caught=len(wrong) - len(missed_wrong),
                             failed_right=failed_right, missed_wrong=missed_wrong, slipped=slipped,
                             seconds=time.perf_counter() - start))
    return rows


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f} %" if b else "–"


def report(assignment: str, rows: list[dict]) -> str:
    lines = [f"### {assignment}", "",
             "| exercise | right answers passing | wrong answers the visible tests catch |",
             "|---|---|---|"]
    for r in rows:
        lines.append(f"| `{r['exercise']}` | {r['right_pass']}/{r['right']} | {r['caught']}/{r['wrong']} |")
    tr, tp = sum(r["right"] for r in rows), sum(r["right_pass"] for r in rows)
    tw, tc = sum(r["wrong"] for r in rows), sum(r["caught"] for r in rows)
    lines += [f"| **all** | **{tp}/{tr} ({pct(tp, tr)})** | **{tc}/{tw} ({pct(tc, tw)})** |", ""]
    for r in rows:
        if r["failed_right"]:
            lines.append(f"* `{r['exercise']}`: right answers that fail: {', '.join(r['failed_right'])}")
        if r["missed_wrong"]:
            lines.append(f"* `{r['exercise']}`: wrong answers only the hidden tests catch: "
                         f"{', '.join(r['missed_wrong'])}")
        if r["slipped"]:
            lines.append(f"* `{r['exercise']}`: wrong answers that pass EVERY test: {', '.join(r['slipped'])}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignments", nargs="+")
    parser.add_argument("--notebooks-from", help="a git revision: its source notebooks (tests) instead of the work tree")
    parser.add_argument("--corpus-from", help="a git revision: its corpus instead of the work tree")
    parser.add_argument("--exercises", nargs="+", help="measure only these exercises (grade ids)")
    args = parser.parse_args()
    for assignment in args.assignments:
        start = time.perf_counter()
        rows = measure(assignment, args.notebooks_from, args.corpus_from, args.exercises)
        print(report(assignment, rows))
        print(f"({time.perf_counter() - start:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
