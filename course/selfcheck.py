"""``python -m course check PATH``: one notebook graded exactly as the class grader grades it.

For a self-learner or an instructor, on a machine that holds the course's ``source/`` (the hidden
tests live there).  PATH is a notebook or the folder that holds it, anywhere (``my-work/01_perceptron/``).
The notebook is copied into a scratch course (the checkout's config, ``source/`` and ``release/`` of
that assignment) and graded by :func:`course.grader.grade_class`: the same sandbox, judge, limits and
flags.  It prints one line per test cell (points, passed or not, and for a failed one the check's
message and hint: the hidden tests' code never), the total, and writes the feedback HTML beside the
notebook (``<id>-feedback.html``).  Lateness does not count here: the points are the tests' own.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from .config import ROOT

STUDENT = "me"


class CheckError(RuntimeError):
    """PATH is not a notebook of this course, or this machine cannot grade it."""


def find_notebook(path: Path, known: list[str]) -> tuple[Path, str]:
    """The notebook at *path* (a file, or a folder with one notebook of the course) and its assignment id."""
    path = Path(path)
    if path.is_dir():
        named = [path / f"{aid}.ipynb" for aid in known if (path / f"{aid}.ipynb").is_file()]
        found = named or sorted(p for p in path.glob("*.ipynb") if not p.name.endswith("-checkpoint.ipynb"))
        if len(found) != 1:
            raise CheckError(f"{path}: expected one notebook of the course there, found "
                             f"{', '.join(p.name for p in found) or 'none'}")
        path = found[0]
    if not path.is_file():
        raise CheckError(f"{path}: no such notebook")
    aid = path.stem
    if aid not in known:
        try:
            meta = nbformat.read(str(path), as_version=4).metadata.get("dlcourse", {})
        except Exception as exc:  # noqa: BLE001 - a file that is not a notebook
            raise CheckError(f"{path} is not a readable notebook ({type(exc).__name__}: {exc})") from None
        aid = str(meta.get("id", "")) or aid
    if aid not in known:
        raise CheckError(f"{path.name}: not a notebook of this course (its assignments: {', '.join(known)}); "
                         "keep the name it was released with, e.g. 01_perceptron.ipynb")
    return path, aid


def scratch_course(root: Path, aid: str, dest: Path) -> Path:
    """A course with just *aid*: the checkout's config, course.toml, source/ and release/ of it."""
    dest.mkdir(parents=True)
    for name in ("nbgrader_config.py", "course.toml"):
        if (root / name).is_file():
            shutil.copy(root / name, dest / name)
    for tree in ("source", "release"):
        shutil.copytree(root / tree / aid, dest / tree / aid)
    return dest


def _messages(autograded: Path) -> dict[str, str]:
    """The last line of each failed test cell's error (the check's message and hint), by grade id."""
    nb = nbformat.read(str(autograded), as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        stderr = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
        if errors:
            out[meta["grade_id"]] = f"{errors[-1].get('ename', 'Error')}: {errors[-1].get('evalue', '')}"
        elif stderr:
            out[meta["grade_id"]] = "wrote to stderr (a test cell that writes to stderr scores 0): " + \
                stderr[-1].get("text", "")[-300:]
    return out


def check(path: Path, root: Path = ROOT, out=None, jobs: int = 1) -> int:
    """Grade the notebook at *path*; print its test cells and total.  Exit code: 0 graded, 2 cannot grade."""
    from .grader import grade_class
    out = out or sys.stdout
    root = Path(root)
    known = sorted(p.parent.name for p in (root / "source").glob("*/*.ipynb") if p.stem == p.parent.name)
    if not known:
        raise CheckError(f"{root} has no source/ notebooks: the hidden tests are not on this machine. "
                         "Check your work with the notebook's visible tests; `python -m course check` needs "
                         "a clone of the course with its source/ (an instructor's or a self-learner's copy)")
    notebook, aid = find_notebook(path, known)
    with tempfile.TemporaryDirectory(prefix="dlcheck-") as tmp:
        course = scratch_course(root, aid, Path(tmp) / "course")
        folder = Path(tmp) / "submitted" / STUDENT / aid
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{aid}.ipynb")
        for extra in notebook.parent.iterdir():   # files it needs beside it (a trained checkpoint)
            if extra.is_file() and extra.suffix in (".pt", ".npz", ".npy", ".csv", ".txt") and extra.stat().st_size < 64 << 20:
                shutil.copy(extra, folder / extra.name)
        log = Path(tmp) / "grading.log"
        with open(log, "w") as quiet:
            code = grade_class(aid, submitted=Path(tmp) / "submitted", jobs=jobs, root=course, out=quiet,
                               allow_late_class=True)
        records = json.loads((course / "reports" / "grading" / "results.json").read_text()) \
            if (course / "reports" / "grading" / "results.json").is_file() else {}
        record = next((r for r in records.values() if r.get("student") == STUDENT), None)
        if code != 0 or record is None:
            print(log.read_text()[-3000:], file=sys.stderr)
            raise CheckError(f"the grader could not grade {notebook} (exit code {code})")
        grades = record.get("notebooks", {}).get(aid, {}).get("grades", {})
        autograded = course / "autograded" / STUDENT / aid / f"{aid}.ipynb"
        messages = _messages(autograded) if autograded.is_file() else {}
        say = lambda *a: print(*a, file=out)  # noqa: E731
        say(f"{aid}: {notebook}")
        total = top = 0.0
        for gid, g in grades.items():
            if not g.get("max_score"):
                continue
            got, most = float(g.get("auto_score") or 0), float(g["max_score"])
            total, top = total + got, top + most
            say(f"  {'PASS' if got >= most else 'FAIL'}  {gid:32} {got:g}/{most:g}")
            if got < most and gid in messages:
                say("\n".join("        " + line for line in messages[gid].splitlines()[:8]))
        for issue in record.get("issues", []):
            say(f"  flag: {issue.get('code')}: {issue.get('message', '')[:300]}")
        say(f"  total {total:g}/{top:g}")
        page = course / "feedback" / STUDENT / aid / f"{aid}.html"
        if page.is_file():
            target = notebook.with_name(f"{aid}-feedback.html")
            shutil.copy(page, target)
            say(f"  feedback: {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course check", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, help="a notebook, or the folder that holds it")
    args = parser.parse_args(argv)
    try:
        return check(args.path)
    except CheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
