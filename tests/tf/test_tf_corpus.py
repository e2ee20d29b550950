"""The TF notebooks' hidden tests against their corpora (tests/corpus/c09_*, c10_*), in-process as
tests/test_corpus.py does for the others; one notebook per pytest process (tools/tf-test.sh), because notebook
10's graphs and notebook 09's Keras state are process-wide."""
import importlib
import os

import pytest

tf = pytest.importorskip("tensorflow")
from nbexec import check_verdict, corpus_cases, run_exercise  # noqa: E402

MODULES = {"09_tensorflow_keras": "corpus.c09_tensorflow_keras", "10_tensorflow_v1": "corpus.c10_tensorflow_v1"}
ONLY = os.environ.get("DLCOURSE_TF_NOTEBOOK")     # tools/tf-test.sh runs one notebook per process

CASES = []
for aid, name in MODULES.items():
    if ONLY and aid != ONLY:
        continue
    mod = importlib.import_module(name)
    assert mod.WRONG and mod.RIGHT, f"{name}: empty corpus (is tensorflow importable?)"
    CASES += corpus_cases(aid, mod)


@pytest.mark.parametrize("assignment, exercise, verdict, code", CASES)
def test_corpus(assignment, exercise, verdict, code):
    check_verdict(assignment, exercise, verdict, code)


@pytest.mark.parametrize("assignment, exercise", sorted({(c.values[0], c.values[1]) for c in CASES}))
def test_reference_solution_passes(assignment, exercise):
    results = run_exercise(assignment, exercise)
    assert all(r.passed for r in results), "\n".join(map(str, results))


def test_every_exercise_has_a_corpus():
    import nbformat
    from nbexec import source_path
    for aid, name in MODULES.items():
        if ONLY and aid != ONLY:
            continue
        mod = importlib.import_module(name)
        nb = nbformat.read(str(source_path(aid)), as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
                   if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
        assert answers == set(mod.WRONG) == set(mod.RIGHT), f"{aid}: exercises {sorted(answers)} vs corpus"
