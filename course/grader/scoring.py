"""Test-cell outputs made safe to score, just before nbgrader's ``SaveAutoGrades``.

nbgrader scores a test cell from its outputs, in order (``nbgrader.utils.determine_grade``):
the first ``error`` or stderr stream gives 0, but the first ``execute_result`` *before* it is
read as a partial score and ends the search; a cell with no outputs at all gets full marks.
Student code can print an ``execute_result`` (``sys.displayhook(1)``) from inside a test,
and a test cell that never ran has no outputs.  So, in every test cell:

* a cell that was never executed (no outputs, no execution count) gets a ``NotRun`` error;
* a cell with an error or a stderr stream anywhere keeps no ``execute_result`` (they
  become ``display_data``, still shown), so it scores 0;
* otherwise only the last ``execute_result`` (the cell's own value, e.g. a partial-credit
  test) counts; one that is not a score nbgrader can read (no ``text/plain``, more than
  the cell's points) is replaced by an error.

What was changed goes to ``report_file`` (JSON events, read by :mod:`.worker`).
"""
from __future__ import annotations

import json

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Unicode

from .execute import NOT_RUN, error_output


def failed(output) -> bool:
    return output.get("output_type") == "error" or (
        output.get("output_type") == "stream" and output.get("name") == "stderr")


def _readable_score(output, points: float) -> bool:
    text = output.get("data", {}).get("text/plain")
    if not text:
        return False
    try:
        return float(text if isinstance(text, str) else "".join(text)) <= points
    except ValueError:
        return True  # nbgrader gives full marks for a value that is not a number: the tests passed


def _as_display(output) -> None:
    output["output_type"] = "display_data"
    output.pop("execution_count", None)


def normalise(cell) -> list[tuple[str, str]]:
    """Make a test cell's outputs score what its run deserves; return (kind, message) events."""
    if not cell.get("outputs") and cell.get("execution_count") is None:
        cell["outputs"] = [error_output(NOT_RUN, "this test cell was never run; it scores 0")]
        return [("test-not-run", "the test cell was never run (it scores 0)")]
    results = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
    if not results:
        return []
    points = float(cell.metadata["nbgrader"].get("points") or 0)
    keep = None if any(failed(o) for o in cell.outputs) else results[-1]
    for out in results:
        if out is not keep:
            _as_display(out)
    events = []
    if len(results) > 1 or keep is None:
        events.append(("score-output", "the test printed a result that nbgrader would have read as "
                       "its score (student code called sys.displayhook?); it was ignored"))
    if keep is not None and not _readable_score(keep, points):
        _as_display(keep)
        cell.outputs.append(error_output("ScoreError", f"the test's result is not a score between 0 "
                                         f"and {points:g}; it scores 0"))
        events.append(("score-output", "the test's result was not a score between 0 and its points; "
                       "it scored 0"))
    return events


class GuardScores(NbGraderPreprocessor):
    """Runs :func:`normalise` on every test cell (a grade cell that is code, not an answer)."""
    report_file = Unicode("", help="JSON file the events are appended to").tag(config=True)

    def preprocess(self, nb, resources):
        self._events: list[dict] = []
        nb, resources = super().preprocess(nb, resources)
        if self.report_file and self._events:
            try:
                with open(self.report_file) as f:
                    events = json.load(f)
            except (OSError, ValueError):
                events = []
            notebook = resources.get("nbgrader", {}).get("notebook") or ""
            events += [{**e, "notebook": notebook} for e in self._events]
            with open(self.report_file, "w") as f:
                json.dump(events, f, indent=1)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_grade(cell) and not is_solution(cell):
            gid = cell.metadata["nbgrader"].get("grade_id", f"cell {index + 1}")
            self._events += [{"kind": kind, "message": f"{gid}: {message}", "cell": gid}
                             for kind, message in normalise(cell)]
        return cell, resources

