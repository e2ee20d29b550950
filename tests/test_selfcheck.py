"""``python -m course check PATH`` (issue 24): one notebook graded as the class grader grades it, and
``course grade ID --student NAME`` regrading one student only."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course.config import ROOT
from test_grading import EXAMPLES, hidden_lines, make_course, read_grades

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("selfcheck")]
AID = "01_perceptron"


def run_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course", "check", str(path)], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """bob's half-right 01 in a folder of its own, checked: its test cells, total and feedback."""
    work = tmp_path_factory.mktemp("my-work") / AID
    shutil.copytree(EXAMPLES / "submitted" / "bob-partial" / AID, work)
    return work, run_check(work)


def test_check_prints_each_test_cell_and_the_total(checked):
    """The same verdict as the class grader's (examples/expected.json: bob fails test_nand and test_xor, 4/7)."""
    import json
    work, done = checked
    assert done.returncode == 0, done.stderr[-2000:]
    want = json.loads((EXAMPLES / "expected.json").read_text())["students"]["bob-partial"][AID]
    lines = done.stdout.splitlines()
    cells = {ln.split()[1]: ln.split()[0] for ln in lines if ln.strip().startswith(("PASS", "FAIL"))}
    assert len(cells) == 5, done.stdout
    assert sorted(g for g, v in cells.items() if v == "FAIL") == sorted(want["failed"]), done.stdout
    assert "CheckFailure" in done.stdout and "hint:" in done.stdout, done.stdout   # what went wrong, and what to do
    total = next(ln for ln in lines if ln.strip().startswith("total"))
    assert total.split()[1] == f"{want['raw']:g}/{want['max_score']:g}", total


def test_check_writes_feedback_and_shows_no_hidden_test(checked):
    work, done = checked
    page = work / f"{AID}-feedback.html"
    assert page.is_file(), done.stdout
    source = ROOT / "source" / AID / f"{AID}.ipynb"
    leaked = [h for h in hidden_lines(source) if h in done.stdout or h in page.read_text()]
    assert not leaked, leaked[:3]


def test_check_says_what_is_wrong_with_a_bad_path(tmp_path):
    done = run_check(tmp_path / "nothing.ipynb")
    assert done.returncode == 2 and "no such notebook" in done.stderr
    other = tmp_path / "homework.ipynb"
    shutil.copy(EXAMPLES / "submitted" / "alice-correct" / AID / f"{AID}.ipynb", other)
    done = run_check(other)
    assert done.returncode == 2 and "keep the name it was released with" in done.stderr, done.stderr


def test_grade_one_student_leaves_the_others(tmp_path):
    from course.grader import grade_class
    course = make_course(tmp_path / "course", [AID])
    submitted = tmp_path / "submitted"
    for student in ("alice-correct", "bob-partial"):
        shutil.copytree(EXAMPLES / "submitted" / student / AID, submitted / student / AID)
    assert grade_class(AID, submitted=submitted, jobs=2, root=course, allow_late_class=True) == 0
    first = read_grades(course)
    bob_nb = submitted / "bob-partial" / AID / f"{AID}.ipynb"
    bob_nb.write_text((submitted / "alice-correct" / AID / f"{AID}.ipynb").read_text())   # bob fixes his work
    stamp = (course / "autograded" / "alice-correct" / AID / f"{AID}.ipynb").stat().st_mtime
    assert grade_class(AID, submitted=submitted, jobs=1, root=course, allow_late_class=True,
                       students=["bob-partial"]) == 0
    again = read_grades(course)
    assert float(again[("bob-partial", AID)]["score"]) > float(first[("bob-partial", AID)]["score"])
    assert again[("alice-correct", AID)]["score"] == first[("alice-correct", AID)]["score"]
    assert (course / "autograded" / "alice-correct" / AID / f"{AID}.ipynb").stat().st_mtime == stamp
    assert grade_class(AID, submitted=submitted, jobs=1, root=course, students=["nobody"]) == 2
