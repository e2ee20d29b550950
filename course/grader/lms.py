"""The LMS: submissions in (one zip, through nbgrader's ``zip_collect``), grades out (the LMS's
own gradebook-import CSV, :func:`export_grades`).

nbgrader's ``ZipCollectApp`` extracts the archive and sorts every file into
``submitted/<student>/<assignment>/`` by a regular expression on its name.  It
runs here in a scratch copy of the course, then the collected folders are copied
into the submissions folder (a student's folder is replaced: the LMS download is
the newest truth).

The regular expression is ``c.FileNameCollectorPlugin.named_regexp`` in
``nbgrader_config.py`` when set; otherwise :data:`DEFAULT_REGEXP`, which reads
Canvas-style names: ``<student>_[LATE_]<user id>_<file id>_<file>``, e.g.
``doejane_LATE_12345_678901_01_perceptron.ipynb``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

DEFAULT_REGEXP = r".*/(?P<student_id>[A-Za-z0-9.@-]+)_(?:LATE_)?\d+_\d+_(?P<file_id>[^/]+)$"
FILE_TYPES = [".ipynb", ".pt", ".pth", ".py", ".txt", ".csv", ".json", ".npz", ".png"]


class ZipImportFailed(RuntimeError):
    pass


def import_zip(root: Path, assignment: str, archive: Path, dest: Path) -> list[str]:
    """Collect *archive* into *dest*/<student>/<assignment>/; return the students found."""
    archive = Path(archive).resolve()
    if not zipfile.is_zipfile(archive):
        raise ZipImportFailed(f"{archive} is not a zip file")
    with tempfile.TemporaryDirectory(prefix="dlgrade-zip-") as tmp:
        scratch = Path(tmp)
        config = (root / "nbgrader_config.py").read_text()
        config += (
            "\n# added by course.grader.lms for one import\n"
            "if 'named_regexp' not in c.FileNameCollectorPlugin:\n"
            f"    c.FileNameCollectorPlugin.named_regexp = {DEFAULT_REGEXP!r}\n"
            "if 'valid_ext' not in c.FileNameCollectorPlugin:\n"
            f"    c.FileNameCollectorPlugin.valid_ext = {FILE_TYPES!r}\n")
        (scratch / "nbgrader_config.py").write_text(config)
        shutil.copytree(root / "release" / assignment, scratch / "release" / assignment)
        archive_dir = scratch / "downloaded" / assignment / "archive"
        archive_dir.mkdir(parents=True)
        shutil.copyfile(archive, archive_dir / archive.name)
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force",
                               "--log-level=WARN"], cwd=scratch, capture_output=True, text=True)
        collected = scratch / "submitted"
        students = sorted(p.name for p in collected.iterdir()) if collected.is_dir() else []
        if proc.returncode != 0 or not students:
            skipped = [ln for ln in proc.stderr.splitlines() if "did not match" in ln or "ERROR" in ln]
            raise ZipImportFailed(
                f"nbgrader zip_collect found no submissions of {assignment} in {archive.name}.\n"
                + "\n".join(skipped[-5:]) + "\nSet c.FileNameCollectorPlugin.named_regexp in "
                "nbgrader_config.py to match your LMS's file names (see docs/grading.md).")
        for student in students:
            target = dest / student / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(collected / student / assignment, target)
        return students



# --- grades out: the LMS's own gradebook import (docs/lms.md) --------------------------------
FORMATS = ("canvas", "moodle")


def _canvas(rows: list[dict], aids: list[str], top: dict) -> list[list]:
    """Canvas's gradebook CSV: Student, ID, SIS User ID, SIS Login ID, Section, one column per
    assignment, the "Points Possible" row second (as Canvas's own export writes it).  ID is the
    Canvas user id (the roster's lms_user_id); Canvas matches students by it, then by name."""
    out = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *aids],
           ["    Points Possible", "", "", "", "", *(f"{top[a]:g}" for a in aids)]]
    for sid, per in _by_student(rows).items():
        who = next(iter(per.values()))
        name = ", ".join(p for p in (who["last_name"], who["first_name"]) if p) or sid
        out.append([name, who["lms_user_id"], "", "", "", *(f"{per[a]['score']:g}" for a in aids)])
    return out


def _moodle(rows: list[dict], aids: list[str], top: dict) -> list[list]:
    """Moodle's CSV grade import: user columns (map "Email address" to email or "ID number" to ID
    number on import), then one grade column per assignment."""
    out = [["First name", "Last name", "ID number", "Email address", *aids]]
    for sid, per in _by_student(rows).items():
        who = next(iter(per.values()))
        out.append([who["first_name"], who["last_name"] or sid, who["lms_user_id"], who["email"],
                    *(f"{per[a]['score']:g}" for a in aids)])
    return out


def _by_student(rows: list[dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for r in rows:
        out.setdefault(r["student_id"], {})[r["assignment"]] = r
    return dict(sorted(out.items()))


def export_grades(fmt: str, db_url: str, course_id: str, dest: Path) -> list[str]:
    """Write the gradebook (every assignment, every roster student; a missing submission is 0) as
    *fmt*'s gradebook-import CSV; return warnings (missing submissions, students the LMS cannot match)."""
    import csv

    from .gradebook import class_rows

    if fmt not in FORMATS:
        raise ValueError(f"no LMS format {fmt!r} (have: {', '.join(FORMATS)})")
    rows = class_rows(db_url, course_id)
    if not rows:
        raise ValueError("the gradebook has no assignment or no student yet (grade, or import a roster)")
    aids = sorted({r["assignment"] for r in rows})
    top = {r["assignment"]: r["max_score"] for r in rows}
    table = {"canvas": _canvas, "moodle": _moodle}[fmt](rows, aids, top)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(table)
    warnings = [f"{r['student_id']} / {r['assignment']}: no submission, exported as 0"
                for r in rows if r["status"] == "missing"]
    key = {"canvas": ("lms_user_id",), "moodle": ("lms_user_id", "email")}[fmt]
    unmatched = sorted({r["student_id"] for r in rows if not any(r[k] for k in key)})
    if unmatched:
        warnings.append(f"no {' or '.join(key)} in the roster for {', '.join(unmatched)}: "
                        f"{fmt} can only match them by name (python -m course roster import)")
    return warnings


def export_main(fmt: str, out: Path | None, root: Path) -> int:
    """``python -m course export --format canvas|moodle [--out FILE]``."""
    import sys

    from .gradebook import db_path, locate

    db_url, course_id = locate(root)
    if not db_path(db_url).is_file():
        print(f"error: no gradebook at {db_path(db_url)} (grade first: python -m course grade)", file=sys.stderr)
        return 2
    dest = out or root / f"grades-{fmt}.csv"
    try:
        warnings = export_grades(fmt, db_url, course_id, dest)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for w in warnings:
        print(f"note: {w}")
    print(f"{fmt} gradebook import: {dest} (how to import it: docs/lms.md)")
    return 0
