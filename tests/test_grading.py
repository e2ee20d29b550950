"""`make grade`: the demo class in examples/ is up to date, and grades to the expected scores.

The grading run happens once per module, in a temporary copy of the course (never
the repository's own gradebook, autograded/ or feedback/), with the course's own
settings, as `make grade` runs it (dan's infinite loop costs one 60 s cell timeout
and one short one after it, spent while the other worker grades the rest of the class).
The TensorFlow appendix (09, 10) is in the class: graded where `make tf` installed its kernel,
skipped (and said so, never scored 0) where not, as in CI's main suite.
"""
import csv
import hashlib
import importlib.util
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest

from course import tf_env
from course.config import ROOT

EXAMPLES = ROOT / "examples"


def load_builder():
    spec = importlib.util.spec_from_file_location("build_demo_class", EXAMPLES / "build_demo_class.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_course(dest: Path, assignments: list[str] | None = None) -> Path:
    """A temporary course: config, source/ and release/ (grade_class registers the gradebook)."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    for aid in assignments or sorted(p.name for p in (ROOT / "release").iterdir() if p.is_dir()):
        shutil.copytree(ROOT / "source" / aid, dest / "source" / aid)
        shutil.copytree(ROOT / "release" / aid, dest / "release" / aid)
    return dest


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def read_grades(course: Path) -> dict[tuple[str, str], dict]:
    with open(course / "grades.csv") as f:
        return {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}


def results(course: Path) -> dict[tuple[str, str], dict]:
    state = json.loads((course / "reports" / "grading" / "results.json").read_text())
    return {(r["student"], r["assignment"]): r for r in state.values()}


def hidden_lines(source_nb: Path) -> list[str]:
    """Distinctive lines that only occur inside hidden-test regions."""
    nb = json.loads(source_nb.read_text())
    hidden, public = [], set()
    for cell in nb["cells"]:
        inside = False
        for line in "".join(cell["source"]).splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 15:
                hidden.append(line.strip())
            else:
                public.add(line.strip())
    return [h for h in hidden if h not in public]


def html_text(path: Path) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


# --- the demo class is generated, and generated from what is there now ---------------------
def test_demo_class_is_up_to_date():
    problems = load_builder().stale()
    assert not problems, ("examples/ is stale (run `python examples/build_demo_class.py` and commit "
                          "examples/):\n" + "\n".join(problems[:20]))


def test_demo_class_covers_every_assignment():
    expected = json.loads((EXAMPLES / "expected.json").read_text())
    ids = load_builder().assignment_ids()
    for aid in ids:
        for student in ("alice-correct", "bob-partial"):
            assert aid in expected["students"][student], f"no {student} submission of {aid}"
        bob, alice = expected["students"]["bob-partial"][aid], expected["students"]["alice-correct"][aid]
        assert alice["score"] == alice["max_score"] > 0, f"alice is not fully correct on {aid}"
        assert 0 < bob["score"] < bob["max_score"], f"bob is not partly wrong on {aid}: {bob}"
    for student in ("carol-corrupt", "dan-infinite-loop", "erin-late"):
        assert expected["students"][student], student


def test_tf_notebooks_are_skipped_without_their_kernel(tmp_path, monkeypatch, capsys):
    """`make grade` on a machine without `make tf`: 09/10 are skipped, saying what to do; nothing is graded
    or scored for them, and the run succeeds (the kernel is made to look absent)."""
    from course.grader import grade_class

    ids = tf_env.tf_assignments()
    assert ids, "no TF notebook"
    course = make_course(tmp_path / "course", ids)
    for aid in ids:
        shutil.copytree(EXAMPLES / "submitted" / "alice-correct" / aid, tmp_path / "sub" / "alice-correct" / aid)
    monkeypatch.setattr(tf_env, "kernel_installed", lambda: False)
    assert grade_class("all", submitted=tmp_path / "sub", jobs=1, root=course) == 0
    out = capsys.readouterr().out
    for aid in ids:
        assert f"{aid}: 1 submission skipped: run `make tf`" in out
    assert not (course / "grades.csv").exists() and not (course / "autograded").exists()
    assert grade_class(ids[0], submitted=tmp_path / "sub", jobs=1, root=course) == 2  # asked for by name
    assert "skipped: run `make tf`" in capsys.readouterr().err


def test_tf_judge_is_chosen_without_the_source_notebook(tmp_path):
    """A Dask worker's course bundle has release/ but no source/: 09/10 still get the TF judge there."""
    ids = tf_env.tf_assignments()
    assert ids, "no TF notebook"
    for aid in (*ids, "08_cnn_cifar10"):
        shutil.copytree(ROOT / "release" / aid, tmp_path / "release" / aid)
        assert tf_env.needs_tf(aid, tmp_path) == (aid in ids), aid
    assert not tf_env.needs_tf("no_such_assignment", tmp_path)


# --- one grading run of the demo class --------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from course.grader import grade_class

    course = make_course(tmp_path_factory.mktemp("demo") / "course")
    before = tree_hash(EXAMPLES / "submitted")
    code = grade_class("all", submitted=EXAMPLES / "submitted", jobs=2, root=course)
    assert code == 0
    assert tree_hash(EXAMPLES / "submitted") == before, "grading modified the original submissions"
    return course


def tf_skipped(aid: str) -> bool:
    """The grader skips *aid* here: a TF notebook without its kernel."""
    return tf_env.needs_tf(aid) and not tf_env.kernel_installed()


@pytest.mark.slow
@pytest.mark.xdist_group("grading-demo")
def test_demo_scores_match_expected(demo):
    expected = json.loads((EXAMPLES / "expected.json").read_text())["students"]
    grades = read_grades(demo)
    for student, per in expected.items():
        for aid, want in per.items():
            if tf_skipped(aid):  # not graded, so neither a row nor a zero
                assert (student, aid) not in grades, f"{student}/{aid} graded without the TensorFlow kernel"
                continue
            row = grades[(student, aid)]
            assert float(row["score"]) == pytest.approx(want["score"]), \
                f"{student}/{aid}: got {row['score']}, expected {want['score']} (failing: {want['failed']})"
            assert float(row["max_score"]) == pytest.approx(want["max_score"])


@pytest.mark.slow
@pytest.mark.xdist_group("grading-demo")
def test_bad_demo_submissions_are_flagged_and_the_rest_graded(demo):
    res = results(demo)
    flagged = {k for k, r in res.items() if r["flagged"]}
    assert ("carol-corrupt", "01_perceptron") in flagged
    assert ("dan-infinite-loop", "01_perceptron") in flagged
    codes = {k: {i["code"] for i in r["issues"]} for k, r in res.items()}
    assert "corrupt" in codes[("carol-corrupt", "01_perceptron")]
    assert "cell-timeout" in codes[("dan-infinite-loop", "01_perceptron")]
    assert not res[("carol-corrupt", "01_perceptron")]["graded"]
    for (student, aid), r in res.items():
        if student in ("alice-correct", "bob-partial", "erin-late"):
            assert r["graded"] and not r["flagged"], f"{student}/{aid} flagged: {r['issues']}"
            assert (demo / "feedback" / student / aid / f"{aid}.html").is_file()
            assert (demo / "autograded" / student / aid / f"{aid}.ipynb").is_file()
    assert (demo / "feedback" / "carol-corrupt" / "01_perceptron" / "not-graded.html").is_file()
    late = read_grades(demo)[("erin-late", "01_perceptron")]
    assert float(late["late_submission_penalty"]) > 0


@pytest.mark.slow
@pytest.mark.xdist_group("grading-demo")
def test_feedback_does_not_reveal_hidden_tests(demo):
    checked = 0
    for html in demo.glob("feedback/*/*/*.html"):
        aid = html.parent.name
        if html.name == "not-graded.html":
            continue
        text = html_text(html)
        leaked = [line for line in hidden_lines(demo / "source" / aid / f"{aid}.ipynb") if line in text]
        assert not leaked, f"{html.relative_to(demo)} shows hidden-test code: {leaked[:3]}"
        assert "BEGIN HIDDEN TESTS" not in text
        assert "hidden tests ran here" in text
        checked += 1
    assert checked >= 2
    # bob's failing hidden tests: only the last line of the error (CheckFailure: ...), no traceback
    bob = html_text(next(demo.glob("feedback/bob-partial/01_perceptron/*.html")))
    assert "Traceback (most recent call last)" not in bob
    assert "CheckFailure" in bob or "Error" in bob


@pytest.mark.slow
@pytest.mark.xdist_group("grading-demo")
def test_report_and_csv(demo):
    report = demo / "reports" / "grading"
    md = (report / "index.md").read_text()
    for heading in ("Pass rate per test cell", "Flagged submissions", "Late submissions", "Slowest notebooks",
                    "Where the time went"):
        assert heading in md
    assert "carol-corrupt" in md and "not valid JSON" in md
    assert (report / "index.html").is_file()
    assert list(report.glob("*.png"))
    header = (demo / "grades.csv").read_text().splitlines()[0]
    assert header.startswith("assignment,duedate,timestamp,student_id")  # nbgrader's export format


@pytest.mark.slow
@pytest.mark.xdist_group("grading-demo")
def test_rerun_is_idempotent(demo, capsys):
    from course.grader import grade_class

    csv_before = (demo / "grades.csv").read_text()
    db_before = hashlib.sha256((demo / "gradebook.db").read_bytes()).hexdigest()
    assert grade_class("all", submitted=EXAMPLES / "submitted", jobs=2, root=demo) == 0
    out = capsys.readouterr().out
    assert "grading 0 submissions" in out
    assert (demo / "grades.csv").read_text() == csv_before
    assert hashlib.sha256((demo / "gradebook.db").read_bytes()).hexdigest() == db_before


@pytest.mark.slow
@pytest.mark.xdist_group("grading-demo")
def test_an_extension_given_in_the_gradebook_removes_the_late_penalty(demo, capsys):
    """Runs last: it changes erin's grade.  An extension set in formgrader makes erin on time."""
    from datetime import timedelta

    from nbgrader.api import Gradebook

    from course.grader import grade_class

    with Gradebook(f"sqlite:///{demo / 'gradebook.db'}") as gb:
        gb.find_submission("01_perceptron", "erin-late").extension = timedelta(days=2)
        gb.db.commit()
    assert grade_class("01_perceptron", submitted=EXAMPLES / "submitted", jobs=2, root=demo) == 0
    row = read_grades(demo)[("erin-late", "01_perceptron")]
    assert float(row["late_submission_penalty"]) == 0 and float(row["score"]) == float(row["max_score"])
    assert "grading 1 submissions" in capsys.readouterr().out  # only erin's changed
