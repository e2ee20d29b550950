"""Run a source notebook in-process, with one answer cell swapped for other code.

This is how the course tests its own hidden tests: for every exercise a corpus
of wrong implementations must fail at least one of its test cells, and a corpus
of differently-right implementations must pass all of them.

The run mimics ``nbgrader autograde``: cells run in order in one namespace with
NBGRADER_EXECUTION=autograde, an error does not stop the run, and a test cell
fails if it raises *or writes anything to stderr* (warnings included).
Cells are skipped after the exercise's last test cell, and test cells of other
exercises are skipped too (they only take time).
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class CellResult:
    grade_id: str
    passed: bool
    error: str = ""
    stderr: str = ""

    def __str__(self):
        why = self.error or (f"wrote to stderr: {self.stderr[:300]!r}" if self.stderr else "")
        return f"{self.grade_id}: {'pass' if self.passed else 'FAIL ' + why}"


def nb_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source_path(assignment: str) -> Path:
    return ROOT / "source" / assignment / f"{assignment}.ipynb"


def tests_of(cells, exercise: str) -> list[str]:
    """Test cells of an exercise: test_<name>, test_<name>_2, ..."""
    pat = re.compile(rf"^test_{re.escape(exercise)}(_\d+)?$")
    return [nb_meta(c)["grade_id"] for c in cells
            if nb_meta(c).get("grade") and pat.match(nb_meta(c).get("grade_id", ""))]


def run_exercise(assignment: str, exercise: str, answer: str | None = None,
                 workdir: Path | None = None) -> list[CellResult]:
    """Run *assignment* up to the tests of *exercise*, with its answer cell replaced."""
    nb = nbformat.read(str(source_path(assignment)), as_version=4)
    cells = nb.cells
    wanted = tests_of(cells, exercise)
    assert wanted, f"{assignment} has no test cells for {exercise!r}"
    assert any(nb_meta(c).get("grade_id") == exercise and nb_meta(c).get("solution") for c in cells), \
        f"{assignment} has no answer cell {exercise!r}"
    last = max(i for i, c in enumerate(cells) if nb_meta(c).get("grade_id") in wanted)

    ns: dict = {"__name__": "__main__"}
    results: list[CellResult] = []
    with grading_mode(workdir or source_path(assignment).parent):
        for i, cell in enumerate(cells[: last + 1]):
            if cell.cell_type != "code":
                continue
            meta = nb_meta(cell)
            gid = meta.get("grade_id", "")
            is_test = bool(meta.get("grade")) and not meta.get("solution")
            if is_test and gid not in wanted:
                continue
            src = answer if (gid == exercise and answer is not None) else cell.source
            err, stderr = _exec(src, ns, f"<cell {gid or i}>")
            if is_test:
                results.append(CellResult(gid, not err and not stderr, err, stderr))
            _close_figures()
    return results


def corpus_cases(assignment: str, module) -> list:
    """pytest params (assignment, exercise, verdict, code) for every variant of a corpus module."""
    import pytest
    return [pytest.param(assignment, exercise, verdict, code, id=f"{assignment}-{exercise}-{verdict}-{label}")
            for verdict, table in (("wrong", module.WRONG), ("right", module.RIGHT))
            for exercise, variants in table.items() for label, code in variants.items()]


def check_verdict(assignment: str, exercise: str, verdict: str, code: str) -> None:
    """A wrong variant fails at least one of the exercise's test cells; a right one passes them all."""
    results = run_exercise(assignment, exercise, code)
    report = "\n".join(map(str, results))
    if verdict == "wrong":
        assert any(not r.passed for r in results), f"a wrong {exercise} passed every test:\n{report}"
    else:
        assert all(r.passed for r in results), f"a correct {exercise} failed:\n{report}"


@contextlib.contextmanager
def grading_mode(workdir: Path):
    """Run in *workdir* with NBGRADER_EXECUTION=autograde; both are restored afterwards."""
    old_env, old_cwd = os.environ.get("NBGRADER_EXECUTION"), os.getcwd()
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.chdir(workdir)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        if old_env is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = old_env


def _exec(src: str, ns: dict, name: str) -> tuple[str, str]:
    buf = io.StringIO()
    err = ""
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        with contextlib.redirect_stderr(buf), contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(src, name, "exec"), ns)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - a student cell may raise anything
                err = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return err, buf.getvalue()


def _close_figures():
    import sys
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
