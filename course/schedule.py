"""Due dates derived from ``[schedule]`` in ``course.toml`` (nbgrader_config.py reads them from here).

    [schedule]
    first_due = "2026-04-24"      # assignment 01's due date (a date; "" = no due dates)
    every_days = 7                # assignment NN is due (NN - 1) * every_days later
    time = "23:59"
    timezone = "Asia/Tokyo"
    [schedule.extra_days]         # days added to an assignment's date (07b: 07's date + 4)
    "07b_training_practice" = 4
    [schedule.due]                # an assignment's own date, outside the rhythm
    "09_tensorflow_keras" = "2026-07-03"

An assignment's place in the rhythm is the number its id starts with, so a course that holds only
some assignments (a test's, a Dask worker's bundle) gives each the same date.  No literal
dates live in nbgrader_config.py: a new term changes ``first_due`` (``python -m course hub setup
--first-due DATE`` does it for the hub's course).
"""
from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FIRST_DUE_LINE = re.compile(r'^(\s*first_due\s*=\s*)"[^"\n]*"', re.MULTILINE)


class ScheduleError(ValueError):
    pass


def assignment_ids(root: Path) -> list[str]:
    """The assignments of the course at *root*, in teaching order."""
    return sorted({p.name for sub in ("source", "release") if (root / sub).is_dir()
                   for p in (root / sub).iterdir() if p.is_dir() and (p / f"{p.name}.ipynb").is_file()})


def read(settings_file: Path) -> dict:
    """The ``[schedule]`` table of *settings_file* ({} when it has none)."""
    if not settings_file.is_file():
        return {}
    with open(settings_file, "rb") as f:
        try:
            return tomllib.load(f).get("schedule", {})
        except tomllib.TOMLDecodeError as exc:
            raise ScheduleError(f"{settings_file}: {exc}") from None


def _date(value, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScheduleError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


NUMBER = re.compile(r"^(\d+)")


def due_datetimes(schedule: dict, ids: list[str], where: str = "[schedule]") -> dict[str, datetime]:
    """{assignment id: due date (aware, UTC)} for *ids*; {} without a ``first_due``.

    Assignment NN (its id's leading number) is due ``first_due + (NN - 1) * every_days``, plus its
    ``extra_days``; an assignment in ``[schedule.due]`` on its own date.  Overrides that name an
    assignment this course does not hold are ignored (a course may hold only some).
    """
    if not schedule.get("first_due"):
        return {}
    try:
        zone = ZoneInfo(schedule.get("timezone", "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"{where}: unknown timezone {schedule.get('timezone')!r}") from None
    try:
        at = time.fromisoformat(schedule.get("time", "23:59"))
    except ValueError:
        raise ScheduleError(f"{where}: time {schedule.get('time')!r} is not HH:MM") from None
    every = schedule.get("every_days", 7)
    if not isinstance(every, int) or isinstance(every, bool) or every < 1:
        raise ScheduleError(f"{where}: every_days must be a whole number of days >= 1, not {every!r}")
    first = _date(schedule["first_due"], f"{where} first_due")
    extra, own = schedule.get("extra_days", {}), schedule.get("due", {})
    when = {}
    for aid in ids:
        if aid in own:
            day = _date(own[aid], f"{where} due.{aid}")
        else:
            number = NUMBER.match(aid)
            if not number:
                raise ScheduleError(f"{where}: {aid} has no number to place it in the rhythm: give it a date "
                                    f"under [schedule.due]")
            if not isinstance(extra.get(aid, 0), int):
                raise ScheduleError(f"{where}: extra_days.{aid} must be a whole number of days")
            day = first + timedelta(days=(int(number.group(1)) - 1) * every + extra.get(aid, 0))
        when[aid] = datetime.combine(day, at, zone).astimezone(timezone.utc)
    return when


def settings_file(root: Path) -> Path:
    """*root*'s course.toml; without one, the course package's settings (course/config.py)."""
    if (root / "course.toml").is_file():
        return root / "course.toml"
    from .config import _settings_file
    return _settings_file()[0]


def due_dates(root: str | Path) -> dict[str, str]:
    """The course's due dates as nbgrader's ``c.DueDates.due_dates`` wants them ('YYYY-MM-DD HH:MM:SS UTC')."""
    root = Path(root)
    toml = settings_file(root)
    when = due_datetimes(read(toml), assignment_ids(root), f"{toml} [schedule]")
    return {aid: d.strftime("%Y-%m-%d %H:%M:%S UTC") for aid, d in when.items()}


def next_term_first_due(schedule: dict, today: date) -> date:
    """The first due date of a term that starts *today*: ``first_due``'s weekday, at least ``every_days`` away."""
    weekday = _date(schedule.get("first_due") or today, "first_due").weekday()
    day = today + timedelta(days=int(schedule.get("every_days", 7)))
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def with_first_due(toml_text: str, first_due: date) -> str:
    """*toml_text* (a course.toml) with ``[schedule] first_due`` set to *first_due*."""
    if not FIRST_DUE_LINE.search(toml_text):
        raise ScheduleError("course.toml has no `first_due = \"...\"` line under [schedule]")
    return FIRST_DUE_LINE.sub(lambda m: f'{m.group(1)}"{first_due.isoformat()}"', toml_text, count=1)
