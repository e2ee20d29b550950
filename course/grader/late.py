"""The late-submission policy, set in ``nbgrader_config.py``.

A submission's time is its ``timestamp.txt`` (nbgrader's exchange and
``zip_collect`` write it; on the hub, collect writes the time the exchange received
it).  Due dates live in nbgrader's gradebook (``Assignment.duedate``);
``python -m course grade`` first writes the ones in ``c.DueDates.due_dates`` there
(derived from ``[schedule]`` in course.toml: course/schedule.py).
nbgrader's ``AssignLatePenalties`` then asks :class:`LatePenalty` for each
notebook's penalty, and ``grades.csv`` shows it (``late_submission_penalty``).

A class in which *every* submission is more than :data:`LATE_CLASS_DAYS` late is far
more likely graded against last term's dates than late to a student:
:func:`late_class` says so, and ``python -m course grade`` stops on it unless
``--allow-late-class``.
"""
from __future__ import annotations

import math
from datetime import datetime

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Dict, Float
from traitlets.config import Configurable


class DueDates(Configurable):
    due_dates = Dict(help="assignment id -> due date, e.g. '2026-04-24 23:59:00 UTC' or "
                          "'2026-04-24 23:59:00 Asia/Tokyo'").tag(config=True)


class LatePenalty(LateSubmissionPlugin):
    """``percent_per_day`` of the notebook's score per started day late (after a grace period).

    ``penalty_method = 'zero'`` (nbgrader's own) still gives a late notebook 0.
    """
    percent_per_day = Float(0.0, help="percent of the score lost per started day late").tag(config=True)
    grace_minutes = Float(0.0, help="minutes after the due date that are not yet late").tag(config=True)

    def late_submission_penalty(self, student_id, score, total_seconds_late):
        if self.penalty_method == "zero":
            return super().late_submission_penalty(student_id, score, total_seconds_late)
        late = total_seconds_late - 60 * self.grace_minutes
        if late <= 0 or self.percent_per_day <= 0:
            return None
        days = math.ceil(late / 86400)
        return min(score, score * self.percent_per_day / 100 * days)


def days_late(seconds: float) -> int:
    return math.ceil(seconds / 86400) if seconds > 0 else 0


#: every submission later than this (days) stops the grading: the due dates are probably stale
LATE_CLASS_DAYS = 7


def late_class(assignment: str, due: datetime | None, stamps: list[datetime | None]) -> str | None:
    """Why grading *assignment* should stop (every submission is over a week late), or None.

    *due* and *stamps* are naive UTC, as in nbgrader's gradebook; submissions without a time count
    as on time.
    """
    if due is None or not stamps or any(t is None or (t - due).total_seconds() <= LATE_CLASS_DAYS * 86400
                                        for t in stamps):
        return None
    earliest = min(stamps) - due
    return (f"every submission of {assignment} ({len(stamps)}) is more than {LATE_CLASS_DAYS} days late: due "
            f"{due:%Y-%m-%d %H:%M} UTC, the earliest came {earliest.days} d {earliest.seconds // 3600} h after "
            "it, so the late penalty would take most of every score. The due dates are probably last term's: "
            "set first_due under [schedule] in course.toml (docs/deploy.md), or grade them as late with "
            "--allow-late-class")


def check_class(db_url: str, course_id: str, jobs) -> str | None:
    """:func:`late_class` for each assignment of *jobs* (``worker.Job``), due dates from the gradebook."""
    from pathlib import Path

    from nbgrader.api import Gradebook, MissingEntry

    from .worker import _timestamp

    by_assignment: dict[str, list] = {}
    for job in jobs:
        stamp = _timestamp(Path(job.submission))
        by_assignment.setdefault(job.assignment, []).append(
            datetime.fromisoformat(stamp).replace(tzinfo=None) if stamp else None)
    with Gradebook(db_url, course_id) as gb:
        for aid, stamps in sorted(by_assignment.items()):
            try:
                due = gb.find_assignment(aid).duedate
            except MissingEntry:
                continue
            why = late_class(aid, due, stamps)
            if why:
                return why
    return None
