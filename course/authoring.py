"""Writing nbgrader source notebooks from Python (for course authors).

    nb = Notebook()
    nb.md("# 01 Perceptron ...")
    nb.readonly("setup", "import numpy as np")
    nb.answer("perceptron", '''def perceptron(x, w, b):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION''')
    nb.test("test_perceptron", '''...''', points=2)
    nb.save("source/01_perceptron/01_perceptron.ipynb")

Cell ids follow the course convention: an answer cell's grade_id is the
exercise name in snake_case; its tests are test_<name>, test_<name>_2, ...
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _meta(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: float | None = None,
          task: bool = False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _clean(source: str) -> str:
    return textwrap.dedent(source).strip("\n")


class Notebook:
    def __init__(self):
        self.nb = new_notebook(metadata={"kernelspec": KERNEL,
                                         "language_info": {"name": "python", "version": "3.11"}})
        self._ids: set[str] = set()
        self._n = 0

    def _add(self, cell, grade_id: str | None = None):
        self._n += 1
        cell["id"] = grade_id or f"cell-{self._n:03d}"
        if grade_id:
            if grade_id in self._ids:
                raise ValueError(f"duplicate grade_id {grade_id!r}")
            self._ids.add(grade_id)
        self.nb.cells.append(cell)
        return cell

    def md(self, source: str):
        """Lecture text (read-only for students)."""
        return self._add(new_markdown_cell(_clean(source)))

    def code(self, source: str):
        """A plain code cell: demos, plots, training."""
        return self._add(new_code_cell(_clean(source)))

    def readonly(self, grade_id: str, source: str):
        """A locked code cell (imports, setup) that students cannot change."""
        return self._add(new_code_cell(_clean(source), metadata=_meta(
            grade_id, solution=False, grade=False, locked=True)), grade_id)

    def answer(self, grade_id: str, source: str):
        """The exercise's answer cell, with ### BEGIN/END SOLUTION markers."""
        return self._add(new_code_cell(_clean(source), metadata=_meta(
            grade_id, solution=True, grade=False, locked=False)), grade_id)

    def test(self, grade_id: str, source: str, points: float = 1):
        """A graded, locked test cell (may hold ### BEGIN/END HIDDEN TESTS)."""
        return self._add(new_code_cell(_clean(source), metadata=_meta(
            grade_id, solution=False, grade=True, locked=True, points=points)), grade_id)

    def save(self, path: str | Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.validate(self.nb)
        nbformat.write(self.nb, str(path))
        return path
