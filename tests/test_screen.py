"""The static screen (course/grader/screen.py) flags no right answer and no cell of the course's own notebooks."""
import importlib
from pathlib import Path

import nbformat
import pytest

from course.grader.screen import screen_notebook, screen_source

ROOT = Path(__file__).resolve().parents[1]
CORPORA = sorted(p.stem for p in (ROOT / "tests" / "corpus").glob("c*.py"))


@pytest.mark.parametrize("corpus", CORPORA)
def test_right_answers_are_not_flagged(corpus):
    module = importlib.import_module(f"corpus.{corpus}")
    flagged = {f"{exercise}/{name}": found for exercise, styles in getattr(module, "RIGHT", {}).items()
               for name, code in styles.items() if (found := screen_source(code))}
    assert not flagged, flagged


@pytest.mark.parametrize("aid", sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir()))
def test_the_course_notebooks_are_not_flagged(aid):
    nb = nbformat.read(str(ROOT / "source" / aid / f"{aid}.ipynb"), as_version=4)
    assert not screen_notebook(nb, ()), aid


def test_patching_a_course_module_through_an_alias_is_flagged():
    found = screen_source("import course.cifar_fast as fast\nfast.accuracy_on_test_set = lambda m: 1.0\n")
    assert found and "fast.accuracy_on_test_set" in found[0]


@pytest.mark.parametrize("code", [
    'import sys\nsys.modules["torch"].nn.Linear.forward = lambda self, x: x * 0\n',
    'import sys\nsetattr(sys.modules["numpy"], "allclose", lambda *a, **k: True)\n',
    'import torch\nm = torch.nn\nm.Module.state_dict = lambda self: {}\n',
    'import torch\nL = torch.nn.Linear\nk = L\nk.reset_parameters = lambda self: None\n',
    'from torch import nn\nnn.BatchNorm1d.forward = lambda self, x: x\n',
    'import numpy\nx = getattr(numpy, "testing")\nx.assert_allclose = print\n',
    'Yes = type("Yes", (), {"__eq__": lambda s, o: True, "__bool__": lambda s: True})\n',
    'Num = type("Num", (float,), {})\n',
    'class A:\n    pass\nsetattr(A, "__eq__", lambda s, o: True)\n',
    'import numpy as np\nname = "all" + "close"\nsetattr(np, name, lambda *a, **k: True)\n',
])
def test_patch_routes_are_flagged(code):
    assert screen_source(code), code
