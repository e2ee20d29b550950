"""The roster, grades.csv and the report over the whole gradebook, and the LMS exports (issue 23, 7-8).

One temporary course with 01 and 02 and a roster of four: alice and carol hand in 01 (one grading run:
alice right, carol's notebook corrupt, so flagged), then a second run grades a folder that holds only
alice's 02.  frank never submits anything.  After the second run, grades.csv, the terminal summary and
the report must still show 01 with carol's flag, and frank as missing in both.
"""
import csv
import io
import shutil

import pytest

from course import roster
from course.grader import gradebook, lms
from test_grading import EXAMPLES, ROOT, make_course, read_grades

ROSTER = ("id,name,email,lms_user_id\n"
          "alice-correct,\"Liddell, Alice\",alice@example.org,1001\n"
          "carol-corrupt,\"Carroll, Carol\",carol@example.org,1003\n"
          "frank-never,山田 太郎,frank@example.org,1006\n")


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# --- reading the roster: every bad row names its line -------------------------------------------
@pytest.mark.parametrize("text, message", [
    ("", "empty file"),
    ("id,name,phone\na,b,c\n", "line 1: the header must name an id column and only these"),
    ("name,email\nx,x@y.z\n", "line 1: the header must name an id column"),
    ("id,name,first_name\na,b,c\n", "line 1: give either name or first_name/last_name"),
    ("id,name\n", "no students"),
    ("id,name\nok,A\n../etc,B\n", "line 3: '../etc' is not a student id"),
    ("id,name\nok,A\n\nok,B\n", "line 4: student 'ok' again (first on line 2)"),
    ("id,name,email\nok,A,not-an-address\n", "line 2: 'not-an-address' is not an email address"),
    ("id,name\nok,Doe, Jane\n", "line 2: 3 fields, the header has 2 (a name with a comma must be in double quotes)"),
])
def test_bad_roster_rows_are_refused_with_their_line(tmp_path, text, message):
    with pytest.raises(roster.RosterError) as err:
        roster.read_csv(write(tmp_path / "r.csv", text))
    assert message in str(err.value)


def test_unreadable_roster_files(tmp_path):
    with pytest.raises(roster.RosterError, match="cannot read it"):
        roster.read_csv(tmp_path / "none.csv")
    (tmp_path / "latin1.csv").write_bytes("id,name\nab1,Jos\xe9\n".encode("latin-1"))
    with pytest.raises(roster.RosterError, match="not UTF-8 text"):
        roster.read_csv(tmp_path / "latin1.csv")


def test_roster_columns_and_names(tmp_path):
    rows = roster.read_csv(write(tmp_path / "r.csv", "\ufeffID,Name,LMS ID\nab1,\"Doe, Jane\",77\ncd2,山田 太郎,\n"))
    assert rows == [{"id": "ab1", "first_name": "Jane", "last_name": "Doe", "email": "", "lms_user_id": "77"},
                    {"id": "cd2", "first_name": "", "last_name": "山田 太郎", "email": "", "lms_user_id": ""}]
    rows = roster.read_csv(write(tmp_path / "s.csv", "first_name,last_name,id\nJane,Doe,ab1\n"))
    assert rows[0]["first_name"] == "Jane" and rows[0]["last_name"] == "Doe"


# --- one class, two grading runs -------------------------------------------------------------------
@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from course.grader import grade_class

    tmp = tmp_path_factory.mktemp("roster")
    root = make_course(tmp / "course", ["01_perceptron", "02_activations"])
    assert roster.main(["import", str(write(tmp / "roster.csv", ROSTER))], root) == 0
    first = tmp / "first"
    for student in ("alice-correct", "carol-corrupt"):
        shutil.copytree(EXAMPLES / "submitted" / student / "01_perceptron", first / student / "01_perceptron")
    assert grade_class("01_perceptron", submitted=first, jobs=2, root=root, out=io.StringIO()) == 0
    second = tmp / "second"  # one student, another assignment
    shutil.copytree(EXAMPLES / "submitted" / "alice-correct" / "02_activations",
                    second / "alice-correct" / "02_activations")
    out = io.StringIO()
    assert grade_class("02_activations", submitted=second, jobs=1, root=root, out=out) == 0
    return root, out.getvalue()


@pytest.mark.slow
@pytest.mark.xdist_group("roster-export")
def test_every_roster_student_has_a_row_and_missing_ones_say_so(course):
    root, _ = course
    grades = read_grades(root)
    students = {s for s, _ in grades}
    assert {"alice-correct", "carol-corrupt", "frank-never"} <= students
    assert set(grades) == {(s, a) for s in students for a in ("01_perceptron", "02_activations")}
    header = (root / "grades.csv").read_text().splitlines()[0]
    assert header.startswith("assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score")
    for aid in ("01_perceptron", "02_activations"):
        frank = grades[("frank-never", aid)]
        assert (frank["status"], float(frank["score"]), frank["lms_user_id"]) == ("missing", 0.0, "1006")
        alice = grades[("alice-correct", aid)]
        assert alice["status"] == "graded" and float(alice["score"]) == float(alice["max_score"]) > 0
    assert grades[("carol-corrupt", "01_perceptron")]["status"] == "flagged"
    assert grades[("carol-corrupt", "02_activations")]["status"] == "missing"
    assert grades[("frank-never", "01_perceptron")]["last_name"] == "山田 太郎"


@pytest.mark.slow
@pytest.mark.xdist_group("roster-export")
def test_report_covers_the_whole_gradebook_after_a_one_student_run(course):
    root, terminal = course
    md = (root / "reports" / "grading" / "index.md").read_text()
    across = md.split("## Students across assignments")[1].split("\n## ")[0]
    assert "| student | 01_perceptron | 02_activations | total |" in across
    assert "| frank-never | missing | missing |" in across
    assert "| carol-corrupt | 0/" in across and "!" in across.split("| carol-corrupt |")[1].split("\n")[0]
    first = md.split("## 01_perceptron")[1].split("\n## ")[0]
    assert "1 flagged" in first and "(1 missing)" in first  # the gradebook's flag, from the first run
    assert "not valid JSON" in first                          # its reason, from that run's record
    assert "0 flagged" in md.split("## 02_activations")[1].split("\n## ")[0]
    assert "Flagged (1):" in terminal and "carol-corrupt / 01_perceptron" in terminal
    assert "missing" in terminal.split("frank-never")[1].split("\n")[0]


@pytest.mark.slow
@pytest.mark.xdist_group("roster-export")
def test_roster_import_is_idempotent_and_reports_changes(course, tmp_path, capsys):
    root, _ = course
    before = roster.import_roster(*gradebook.locate(root), roster.read_csv(write(tmp_path / "same.csv", ROSTER)))
    assert (before.added, before.updated, len(before.unchanged)) == ([], {}, 3)
    changed = ROSTER.replace("frank@example.org", "frank@uni.example") + "gina-new,\"Ng, Gina\",,1007\n"
    changed = "\n".join(ln for ln in changed.splitlines() if not ln.startswith("carol")) + "\n"
    assert roster.main(["import", str(write(tmp_path / "new.csv", changed))], root) == 0
    out = capsys.readouterr().out
    assert "1 added, 1 updated, 1 unchanged" in out
    assert "updated: frank-never (email)" in out and "added: gina-new" in out
    assert "not in this file (kept): carol-corrupt" in out
    grades = read_grades(root)  # rewritten: the new student has rows at once
    assert grades[("gina-new", "01_perceptron")]["status"] == "missing"
    assert grades[("frank-never", "02_activations")]["email"] == "frank@uni.example"


def read_csv_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.mark.slow
@pytest.mark.xdist_group("roster-export")
def test_canvas_export(course, capsys):
    root, _ = course
    assert lms.export_main("canvas", None, root) == 0
    rows = read_csv_rows(root / "grades-canvas.csv")
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_perceptron", "02_activations"]
    db_url, course_id = gradebook.locate(root)
    table = gradebook.scores(db_url, course_id)
    top = [f"{table[a]['max_score']:g}" for a in ("01_perceptron", "02_activations")]
    assert rows[1] == ["    Points Possible", "", "", "", "", *top]
    by_id = {r[1]: r for r in rows[2:]}
    assert by_id["1001"][0] == "Liddell, Alice" and by_id["1001"][5:] == top
    assert by_id["1006"][0] == "山田 太郎" and by_id["1006"][5:] == ["0", "0"]
    assert by_id["1003"][5:] == ["0", "0"]  # corrupt, and nothing handed in
    out = capsys.readouterr().out
    assert "frank-never / 02_activations: no submission, exported as 0" in out


@pytest.mark.slow
@pytest.mark.xdist_group("roster-export")
def test_moodle_export(course, tmp_path):
    root, _ = course
    dest = tmp_path / "moodle.csv"
    assert lms.export_main("moodle", dest, root) == 0
    rows = read_csv_rows(dest)
    assert rows[0] == ["First name", "Last name", "ID number", "Email address", "01_perceptron", "02_activations"]
    alice = next(r for r in rows if r[3] == "alice@example.org")
    assert alice[:3] == ["Alice", "Liddell", "1001"] and float(alice[4]) > 0 and float(alice[5]) > 0
    frank = next(r for r in rows if r[2] == "1006")
    assert frank[4:] == ["0", "0"]


def test_export_refuses_an_unknown_format_and_a_missing_gradebook(tmp_path, capsys):
    from course.__main__ import main

    with pytest.raises(SystemExit) as err:
        main(["export", "--format", "blackboard"])
    assert err.value.code == 2
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    assert lms.export_main("canvas", None, tmp_path) == 2
    assert "no gradebook" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.xdist_group("roster-export")
def test_similarity_goes_into_the_class_report(course, tmp_path, capsys):
    """`python -m course similarity` after grading: its section joins the class report, which still covers
    the whole gradebook (01 with carol's flag, 02).  Needs Dolos (`make dolos`)."""
    from course import similarity

    try:
        similarity.dolos_lib()
    except similarity.SimilarityUnavailable as exc:
        pytest.skip(str(exc))
    root, _ = course
    for student in ("alice-correct", "erin-late", "carol-corrupt"):  # erin's answers are alice's: a copy
        shutil.copytree(EXAMPLES / "submitted" / student / "01_perceptron", tmp_path / student / "01_perceptron")
    assert similarity.main(["01_perceptron", "--submitted", str(tmp_path)], root) == 0
    out = capsys.readouterr().out
    assert "01_perceptron: 2 submissions, 1 pairs" in out and "alice-correct / erin-late" in out
    assert "left out: carol-corrupt: not a readable notebook" in out
    md = (root / "reports" / "grading" / "index.md").read_text()
    first = md.split("## 01_perceptron")[1].split("\n## ")[0]
    assert "### Similar answers (copy detection)" in first and "| 1 | alice-correct / erin-late |" in first
    assert "1 flagged" in first and "## 02_activations" in md and "## Students across assignments" in md
    html = (root / "reports" / "grading" / "index.html").read_text()
    assert "<table class='pair'>" in html
