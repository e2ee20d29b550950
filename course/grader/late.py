"""The late-submission policy, set in ``nbgrader_config.py``.

A submission's time is its ``timestamp.txt`` (nbgrader's exchange and
``zip_collect`` write it).  Due dates live in nbgrader's gradebook
(``Assignment.duedate``); ``python -m course grade`` first writes the ones in
``c.DueDates.due_dates`` there, so the config is the single place to set them.
nbgrader's ``AssignLatePenalties`` then asks :class:`LatePenalty` for each
notebook's penalty, and ``grades.csv`` shows it (``late_submission_penalty``).
"""
from __future__ import annotations

import math

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
