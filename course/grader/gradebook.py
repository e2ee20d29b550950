"""The course's nbgrader gradebook: the one writer.

Workers grade in scratch gradebooks (copies of :func:`definitions_copy`); the
main process folds each result into the real gradebook with :func:`merge`, the
way nbgrader's own ``SaveAutoGrades`` would have: automatic scores and comments
are replaced, manual scores an instructor gave in formgrader are kept.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

#: Tables that hold students and their work (everything else describes assignments).
_STUDENT_TABLES = ("comment", "grade", "submitted_notebook", "submitted_assignment", "student")


def db_path(db_url: str) -> Path:
    assert db_url.startswith("sqlite:///"), f"only SQLite gradebooks are supported, not {db_url}"
    return Path(db_url[len("sqlite:///"):])


def definitions_copy(db_url: str, dest: Path) -> Path:
    """A copy of the gradebook with the assignments and no students (a consistent snapshot)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(db_path(db_url))
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
        for table in _STUDENT_TABLES:
            out.execute(f"DELETE FROM {table}")
        out.commit()
        out.execute("VACUUM")
    finally:
        src.close()
        out.close()
    return dest


def has_assignment(db_url: str, assignment: str, course_id: str) -> bool:
    if not db_path(db_url).is_file():
        return False
    with Gradebook(db_url, course_id) as gb:
        try:
            return bool(gb.find_assignment(assignment).notebooks)
        except MissingEntry:
            return False


def set_due_dates(db_url: str, course_id: str, due_dates: dict[str, str]) -> None:
    """Write the config's due dates into the gradebook (assignments it does not name keep theirs)."""
    from nbgrader.utils import parse_utc

    with Gradebook(db_url, course_id) as gb:
        for name, when in due_dates.items():
            try:
                assignment = gb.find_assignment(name)
            except MissingEntry:
                continue
            due = parse_utc(when).replace(tzinfo=None)
            if assignment.duedate != due:
                assignment.duedate = due
        gb.db.commit()


def merge(gb: Gradebook, result) -> None:
    """Fold one worker :class:`~.worker.Result` into the course gradebook."""
    aid, student = result.assignment, result.student
    gb.update_or_create_student(student)
    try:
        submission = gb.find_submission(aid, student)
    except MissingEntry:
        submission = gb.add_submission(aid, student)
    submission.timestamp = (datetime.fromisoformat(result.timestamp).replace(tzinfo=None)
                            if result.timestamp else None)
    for nb in submission.notebooks:
        graded = result.notebooks.get(nb.name)
        for grade in nb.grades:
            got = (graded or {}).get("grades", {}).get(grade.name)
            if got is None:  # notebook missing or not gradable: 0, as nbgrader does
                grade.auto_score, grade.needs_manual_grade = 0.0, False
            else:
                grade.auto_score = got["auto_score"]
                grade.needs_manual_grade = (grade.manual_score is not None or got["auto_score"] is None
                                            or got["needs_manual_grade"])
        for comment in nb.comments:
            comment.auto_comment = (graded or {}).get("comments", {}).get(comment.name)
        nb.late_submission_penalty = (graded or {}).get("late_penalty")
        if result.flagged:  # formgrader shows the flag; an instructor's own flag is never cleared
            nb.flagged = True
    gb.db.commit()


def export_csv(db_url: str, course_id: str, dest: Path) -> None:
    """nbgrader's own CSV export (the format of ``nbgrader export``)."""
    from nbgrader.plugins import CsvExportPlugin

    with Gradebook(db_url, course_id) as gb:
        CsvExportPlugin(to=str(dest)).export(gb)


def scores(db_url: str, course_id: str, assignments: list[str]) -> dict:
    """Per assignment: max score, per-student score, and per test cell pass counts."""
    out: dict = {}
    with Gradebook(db_url, course_id) as gb:
        for aid in assignments:
            try:
                assignment = gb.find_assignment(aid)
            except MissingEntry:
                continue
            cells = [(nb.name, cell.name, cell.max_score) for nb in assignment.notebooks
                     for cell in nb.grade_cells]
            entry = {"max_score": assignment.max_score, "duedate": assignment.duedate,
                     "cells": [{"notebook": n, "cell": c, "points": p, "passed": 0, "graded": 0}
                               for n, c, p in cells], "students": {}}
            index = {(n, c): i for i, (n, c, _) in enumerate(cells)}
            for sub in assignment.submissions:
                penalty = sub.late_submission_penalty or 0.0
                entry["students"][sub.student.id] = {
                    "score": max(0.0, sub.score - penalty), "raw": sub.score, "late_penalty": penalty,
                    "timestamp": sub.timestamp, "seconds_late": sub.total_seconds_late,
                    "needs_manual_grade": sub.needs_manual_grade}
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        i = index.get((nb.name, grade.name))
                        if i is None:
                            continue
                        entry["cells"][i]["graded"] += 1
                        if grade.score is not None and grade.score >= grade.max_score > 0:
                            entry["cells"][i]["passed"] += 1
            out[aid] = entry
    return out
