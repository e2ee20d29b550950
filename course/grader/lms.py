"""Submissions downloaded from an LMS as one zip, imported with nbgrader's ``zip_collect``.

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

