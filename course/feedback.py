"""An nbgrader preprocessor that keeps hidden tests out of feedback.

The autograded notebook holds the full test cells, hidden tests included, and
their tracebacks quote the hidden lines.  Before feedback is rendered:

* the hidden region of every test cell is replaced by one comment line;
* an error in a test cell keeps only its last line (``CheckFailure: message``),
  so the student sees which test failed and why, but not the hidden code;
* nothing a student wrote can run in the page (:mod:`course.grader.html_safety`).
"""
import re

from nbgrader.preprocessors import NbGraderPreprocessor

from .grader.html_safety import neutralise

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
HIDDEN_NOTE = "# (hidden tests ran here; their code is not shown)"


def strip_hidden(source: str) -> str:
    lines, hidden, out = source.split("\n"), False, []
    for line in lines:
        if BEGIN in line:
            hidden = True
            out.append(line[: len(line) - len(line.lstrip())] + HIDDEN_NOTE)
        elif END in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


class HideHiddenTests(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        neutralise(nb, resources)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if is_test_cell(cell):
            cell.source = strip_hidden(cell.source)
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {_ANSI.sub('', str(out.get('evalue', '')))}"]
        return cell, resources
