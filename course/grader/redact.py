"""Feedback: output lines that quote a hidden test are blanked.

``course.feedback.HideHiddenTests`` removes the hidden tests' source and trims
error tracebacks.  Text can still quote a hidden line on its way out: a warning
raised inside a hidden test prints the line that triggered it, on stderr.  This
preprocessor runs first (while the test cells still hold their full source) and
replaces every output line of a test cell that repeats a line of its hidden
region.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

from ..feedback import BEGIN, END, is_test_cell

REDACTED = "(a line of the hidden tests)"


def hidden_lines(source: str) -> set[str]:
    lines, inside = set(), False
    for line in source.splitlines():
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside and len(line.strip()) > 3:
            lines.add(line.strip())
    return lines


def redact(text: str, hidden: set[str]) -> str:
    return "\n".join(REDACTED if line.strip() in hidden else line for line in text.split("\n"))


class RedactHiddenLines(NbGraderPreprocessor):
    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return cell, resources
        hidden = hidden_lines(cell.source)
        if not hidden:
            return cell, resources
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = redact(out["text"], hidden)
            if "evalue" in out:
                out["evalue"] = redact(str(out["evalue"]), hidden)
            if "traceback" in out:
                out["traceback"] = [redact(str(t), hidden) for t in out["traceback"]]
            for key, value in out.get("data", {}).items():
                if key.startswith("text/") and isinstance(value, str):
                    out["data"][key] = redact(value, hidden)
        return cell, resources
