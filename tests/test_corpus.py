"""Every exercise's hidden tests fail wrong code and pass differently-right code.

Each module tests/corpus/c<NN>_*.py defines
    ASSIGNMENT = "01_perceptron"
    WRONG = {exercise: {"what is wrong": "code of the whole answer cell", ...}, ...}
    RIGHT = {exercise: {"which style": "code", ...}, ...}
"""
import importlib
import pkgutil

import pytest

import corpus
from nbexec import check_verdict, corpus_cases, run_exercise

CASES = []
for info in sorted(pkgutil.iter_modules(corpus.__path__), key=lambda m: m.name):
    mod = importlib.import_module(f"corpus.{info.name}")
    CASES += corpus_cases(mod.ASSIGNMENT, mod)


@pytest.mark.parametrize("assignment, exercise, verdict, code", CASES)
def test_corpus(assignment, exercise, verdict, code):
    check_verdict(assignment, exercise, verdict, code)


@pytest.mark.parametrize("assignment, exercise", sorted({(c.values[0], c.values[1]) for c in CASES}))
def test_reference_solution_passes(assignment, exercise):
    results = run_exercise(assignment, exercise)
    assert all(r.passed for r in results), "\n".join(map(str, results))
