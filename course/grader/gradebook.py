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


def locate(root: Path, config=None) -> tuple[str, str]:
    """The gradebook's URL and the course id, from *root*'s ``nbgrader_config.py`` (or *config*)."""
    if config is None:
        from traitlets.config.loader import PyFileConfigLoader
        config = PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()
    return (config.CourseDirectory.get("db_url") or f"sqlite:///{Path(root) / 'gradebook.db'}",
            config.CourseDirectory.get("course_id", "default_course"))


def assignment_names(db_url: str, course_id: str) -> list[str]:
    """Every assignment registered in the gradebook (with notebooks), by name."""
    if not db_path(db_url).is_file():
        return []
    with Gradebook(db_url, course_id) as gb:
        return sorted(a.name for a in gb.assignments if a.notebooks)


#: ``grades.csv``: nbgrader's export columns, then the LMS id and the submission's status.
CSV_KEYS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
            "raw_score", "late_submission_penalty", "score", "max_score", "lms_user_id", "status"]


def class_rows(db_url: str, course_id: str) -> list[dict]:
    """One row per assignment in the gradebook and student on its roster (:data:`CSV_KEYS`).

    A student with no submission scores 0 with status ``missing``; a flagged submission has
    status ``flagged``, any other ``graded``."""
    table = scores(db_url, course_id)
    out = []
    with Gradebook(db_url, course_id) as gb:
        people = {s.id: s for s in gb.students}
    for aid, entry in sorted(table.items()):
        for sid, e in sorted(entry["students"].items()):
            who = people[sid]
            out.append({
                "assignment": aid, "duedate": entry["duedate"] or "", "timestamp": e["timestamp"] or "",
                "student_id": sid, "last_name": who.last_name or "", "first_name": who.first_name or "",
                "email": who.email or "", "raw_score": e["raw"], "late_submission_penalty": e["late_penalty"],
                "score": e["score"], "max_score": entry["max_score"], "lms_user_id": who.lms_user_id or "",
                "status": "missing" if e["missing"] else "flagged" if e["flagged"] else "graded"})
    return out


def export_csv(db_url: str, course_id: str, dest: Path) -> None:
    """``grades.csv``: nbgrader's export format (``nbgrader export``), properly quoted, with two more
    columns at the end (``lms_user_id``, ``status``) and a row for every roster student."""
    import csv

    with open(dest, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, CSV_KEYS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(class_rows(db_url, course_id))


def scores(db_url: str, course_id: str, assignments: list[str] | None = None) -> dict:
    """Per assignment (*assignments*, or every one in the gradebook): max score, due date, per test
    cell pass counts, and an entry for every student in the gradebook: score, raw score, late penalty,
    flagged (formgrader's flag, whichever run or person set it), and ``missing`` for a student with no
    submission (score 0)."""
    out: dict = {}
    with Gradebook(db_url, course_id) as gb:
        roster = [s.id for s in gb.students]
        for aid in assignment_names(db_url, course_id) if assignments is None else assignments:
            try:
                assignment = gb.find_assignment(aid)
            except MissingEntry:
                continue
            cells = [(nb.name, cell.name, cell.max_score) for nb in assignment.notebooks
                     for cell in nb.grade_cells]
            entry = {"max_score": assignment.max_score, "duedate": assignment.duedate,
                     "cells": [{"notebook": n, "cell": c, "points": p, "passed": 0, "graded": 0}
                               for n, c, p in cells],
                     "students": {sid: {"score": 0.0, "raw": 0.0, "late_penalty": 0.0, "timestamp": None,
                                        "seconds_late": 0, "needs_manual_grade": False, "flagged": False,
                                        "missing": True} for sid in roster}}
            index = {(n, c): i for i, (n, c, _) in enumerate(cells)}
            for sub in assignment.submissions:
                penalty = sub.late_submission_penalty or 0.0
                entry["students"][sub.student.id] = {
                    "score": max(0.0, sub.score - penalty), "raw": sub.score, "late_penalty": penalty,
                    "timestamp": sub.timestamp, "seconds_late": sub.total_seconds_late,
                    "needs_manual_grade": sub.needs_manual_grade,
                    "flagged": any(nb.flagged for nb in sub.notebooks), "missing": False}
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
