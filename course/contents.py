"""The course's table of contents, generated from the notebooks themselves.

Each source notebook opens with a markdown cell: its title, ``**Estimated time:** ...``
and its objectives.  From those, and from the names its answer cells define, this
module writes a Markdown table that links every assignment's student notebook::

    python -m course.contents                       # print the section
    python -m course.contents --write docs/lab.md   # replace the section between the markers

The section sits between ``<!-- contents:start -->`` and ``<!-- contents:end -->``;
a test checks that docs/lab.md (and README.md, once it has the markers) is up to date.
"""
from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .config import ROOT

START, END = "<!-- contents:start -->", "<!-- contents:end -->"


@dataclass
class Entry:
    aid: str
    title: str
    time: str          # as the notebook writes it: "45 minutes", "2 hours"
    minutes: float | None
    exercises: list[str]


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def estimated_time(text: str) -> str | None:
    """'**Estimated time:** 45 minutes · ...' -> '45 minutes'."""
    m = re.search(r"estimated time\W*?[:：]\W*([^·\n|]+)", text, flags=re.IGNORECASE)
    return m.group(1).strip(" *_") if m else None


def to_minutes(time: str | None) -> float | None:
    """'45 minutes' -> 45, '2 hours' -> 120, '1.5 h' -> 90; None when it says something else."""
    m = re.match(r"(?:about\s+|~\s*)?(\d+(?:\.\d+)?)\s*(h|hours?|min|minutes?)\b", time or "", re.I)
    if not m:
        return None
    return float(m.group(1)) * (60 if m.group(2).lower().startswith("h") else 1)


def _defined_names(source: str) -> list[str]:
    """Functions and classes an answer cell defines (its solution, markers and all)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))]


def entry(aid: str, root: Path = ROOT) -> Entry:
    nb = nbformat.read(root / "source" / aid / f"{aid}.ipynb", as_version=4)
    intro = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    heading = next((line for line in intro.splitlines() if line.startswith("# ")), f"# {aid}")
    title = re.sub(r"^#\s*(\d+[a-z]?\s*[·.:-]\s*)?", "", heading).strip()
    time = estimated_time(intro) or "?"
    exercises: list[str] = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type == "code" and meta.get("solution"):
            exercises += _defined_names(cell.source) or [meta.get("grade_id", "?")]
    return Entry(aid, title, time, to_minutes(time), exercises)


def table(root: Path = ROOT, link_prefix: str = "") -> str:
    """The Markdown section: one row per assignment, linking its student notebook."""
    from .assignments import assignment_ids
    entries = [entry(aid, root) for aid in assignment_ids()]
    rows = [
        "| # | assignment (student notebook) | estimated time | you write |",
        "|---|-------------------------------|----------------|-----------|",
    ]
    for e in entries:
        number = e.aid.split("_", 1)[0]
        link = f"{link_prefix}release/{e.aid}/{e.aid}.ipynb"
        names = ", ".join(f"`{n}`" for n in e.exercises)
        rows.append(f"| {number} | [{e.title}]({link}) | {e.time} | {names} |")
    known = [e.minutes for e in entries if e.minutes is not None]
    total = f"about {sum(known) / 60:.1f} hours" if known else "?"
    if len(known) < len(entries):
        total += " (without the notebooks that give no time)"
    return "\n".join([
        START,
        *rows,
        "",
        f"{len(entries)} assignments, {total} in all. Open each one in JupyterLab (`make lab`), work "
        "through it top to bottom, run its visible tests, and press **Validate** before you hand it in.",
        END,
    ])


def replace_section(text: str, section: str) -> str:
    """*text* with its contents section replaced by *section* (markers included)."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), flags=re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"no {START} ... {END} section to replace")
    return pattern.sub(lambda _: section, text, count=1)


def link_prefix_for(path: Path, root: Path = ROOT) -> str:
    """How a file at *path* links to the course root: '' for README.md, '../' for docs/lab.md."""
    depth = len(path.resolve().parent.relative_to(root.resolve()).parts)
    return "../" * depth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.contents", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, action="append", default=[],
                        help="replace the contents section of this Markdown file (repeatable)")
    args = parser.parse_args(argv)
    if not args.write:
        print(table())
        return 0
    for path in args.write:
        path = path if path.is_absolute() else Path.cwd() / path
        path.write_text(replace_section(path.read_text(), table(link_prefix=link_prefix_for(path))))
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
