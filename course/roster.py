"""The class roster: ``python -m course roster import CSV``.

The roster lives in the gradebook (nbgrader's Student table: id, first_name, last_name,
email, lms_user_id), so every instructor who shares the gradebook shares it, and formgrader,
``grades.csv`` and the LMS exports see every enrolled student, including those who never
hand anything in.

The CSV has a header row.  Columns (any order; ``id`` required, the others optional):

* ``id``: the student's id in the course: their JupyterHub user name, the name of their
  folder in ``submitted/`` (letters, digits, ``.``, ``_``, ``@``, ``-``);
* ``name``: ``Last, First`` (or one name, kept whole as the last name), or instead
  ``first_name`` and ``last_name``;
* ``email``;
* ``lms_user_id`` (or ``lms_id``): the student's id in the LMS (Canvas's user ID, Moodle's
  ID number), which the exports use.

Importing is idempotent: a student already there with the same fields is left alone; a
changed field is updated; an empty cell leaves the gradebook's value as it is.  Students in
the gradebook but not in the file are kept (they may have submitted), and listed.  A bad row
stops the import before anything is written, with the file's line number.
"""
from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")
FIELDS = ("first_name", "last_name", "email", "lms_user_id")
ALIASES = {"lms_id": "lms_user_id", "lms id": "lms_user_id", "lms user id": "lms_user_id",
           "student_id": "id", "first name": "first_name", "last name": "last_name"}
COLUMNS = ("id", "name", *FIELDS)


class RosterError(ValueError):
    pass


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # id -> the fields that changed
    unchanged: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged"]
        out += [f"  added: {sid}" for sid in self.added]
        out += [f"  updated: {sid} ({', '.join(fs)})" for sid, fs in self.updated.items()]
        if self.not_in_file:
            out.append(f"  in the gradebook but not in this file (kept): {', '.join(self.not_in_file)}")
        return out


def read_csv(path: Path) -> list[dict[str, str]]:
    """The file's students as ``{"id", "first_name", "last_name", "email", "lms_user_id"}`` dicts;
    :class:`RosterError` naming the line of the first bad row."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's byte-order mark is fine
    except OSError as exc:
        raise RosterError(f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path}: not UTF-8 text (save it as \"CSV UTF-8\")") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise RosterError(f"{path}: empty file (expected a header row: {', '.join(COLUMNS)})")
    columns = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    unknown = [h for h, c in zip(header, columns) if c not in COLUMNS]
    if unknown or "id" not in columns or len(set(columns)) < len(columns):
        raise RosterError(f"{path}, line 1: the header must name an id column and only these, each once: "
                          f"{', '.join(COLUMNS)} (got: {', '.join(header)})")
    if "name" in columns and {"first_name", "last_name"} & set(columns):
        raise RosterError(f"{path}, line 1: give either name or first_name/last_name, not both")
    students, seen = [], {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise RosterError(f"{path}, line {line}: {len(row)} fields, the header has {len(columns)} "
                              "(a name with a comma must be in double quotes)")
        cells = {c: v.strip() for c, v in zip(columns, row)}
        sid = cells["id"]
        if not ID.match(sid):
            raise RosterError(f"{path}, line {line}: {sid!r} is not a student id (letters, digits, . _ @ -, "
                              "starting with a letter or digit, at most 128)")
        if sid in seen:
            raise RosterError(f"{path}, line {line}: student {sid!r} again (first on line {seen[sid]})")
        seen[sid] = line
        if cells.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+", cells["email"]):
            raise RosterError(f"{path}, line {line}: {cells['email']!r} is not an email address")
        if "name" in cells:
            last, _, first = cells.pop("name").partition(",")
            cells["last_name"], cells["first_name"] = last.strip(), first.strip()
        students.append({"id": sid, **{f: cells.get(f, "") for f in FIELDS}})
    if not students:
        raise RosterError(f"{path}: no students (only a header)")
    return students


def import_roster(db_url: str, course_id: str, students: list[dict[str, str]]) -> Changes:
    """Add or update *students* (from :func:`read_csv`) in the gradebook; what changed."""
    from nbgrader.api import Gradebook, MissingEntry

    changes = Changes()
    with Gradebook(db_url, course_id) as gb:
        for row in students:
            given = {f: row[f] for f in FIELDS if row[f]}  # an empty cell keeps what is there
            try:
                student = gb.find_student(row["id"])
            except MissingEntry:
                gb.add_student(row["id"], **given)
                changes.added.append(row["id"])
                continue
            diff = [f for f, v in given.items() if getattr(student, f) != v]
            for f in diff:
                setattr(student, f, given[f])
            if diff:
                changes.updated[row["id"]] = diff
            else:
                changes.unchanged.append(row["id"])
        gb.db.commit()
        listed = {row["id"] for row in students}
        changes.not_in_file = sorted(s.id for s in gb.students if s.id not in listed)
    return changes


def main(argv: list[str], root: Path) -> int:
    """``roster import CSV``: import, say what changed, and rewrite ``grades.csv`` if there is one."""
    import argparse
    import sys

    from .assignments import venv_env
    from .grader import gradebook

    parser = argparse.ArgumentParser(prog="python -m course roster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["import"])
    parser.add_argument("csv", type=Path, help="the roster: id, name, email, lms_user_id")
    args = parser.parse_args(argv)
    os.environ["PATH"] = venv_env()["PATH"]  # a new gradebook.db runs nbgrader's `alembic` from PATH
    db_url, course_id = gradebook.locate(root)
    try:
        changes = import_roster(db_url, course_id, read_csv(args.csv))
    except RosterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"roster {args.csv} -> {gradebook.db_path(db_url)}: " + "\n".join(changes.lines()))
    if gradebook.assignment_names(db_url, course_id):
        gradebook.export_csv(db_url, course_id, root / "grades.csv")
        print(f"grades.csv rewritten: {root / 'grades.csv'} (a row for every roster student)")
    return 0
