"""The attack corpus: submissions that try to forge their grade, graded in ONE batch.

Every attack starts from the demo's correct notebook, replaces the student's answers with
non-solutions (``return 0`` in 01_perceptron, the release's ``raise NotImplementedError()``
in 02 and 03) and adds the attack: in an answer cell, in the notebook's metadata, or in a
file handed in beside the notebook.  Each must score no more than the honest score of the
answers it really has (its *ceiling*, 0 for almost all of them) and be flagged, while the
rest of the batch (an honest correct and an honest wrong submission) is graded as usual
and nothing is lost.  The attack code itself lives in ``tests/attacks/``.

One grading run (``grade all`` with two workers) in a temporary copy of the course grades
01_perceptron's cases and the small 02/03 set (importing the course's own answers, writing
into the test's arrays, reaching into the judge through a callback).  ``test_summary``
prints one line per case (score, ceiling, flags; ``screen``/``probe`` say which part of the
grader raised ``tampering``); see it with ``pytest -rA``.  A case whose flag (or score)
is knowingly not caught yet can carry ``xfail={"flag": "why"}`` in its :class:`attacks.Case`.

Every attack proves itself (issue 22, point 8): its Case names the specific flags it must raise
(``must``: ``screen``, ``probe``, ``edited-metadata``, ``code-files``, ...; ``cell-timeout`` only for the
two time attacks, so a cell that merely ran out of time on a busy machine is never taken for a catch)
and the defences it targets (``defence``).  A second set of grading runs, one per set of defences
(``grade_class(..., defences_off=...)``), grades each attack with its defences off: there it must
PAY (score above its ceiling), or the attack is broken (a payload that never runs, or does nothing,
would otherwise pass as "defended").  The honest wrong submission rides along in each run and must
still score 0.  Attacks that do not aim at the score (time, reaching the judge, leaking the hidden
tests) say why in ``control`` and are checked by their own tests below.  Attacks that do not pay even
with every switchable defence off carry ``xfail["control"]`` (strict) saying why (``attacks.NO_CONTROL``: the
lead's and the corpus's work list); CI grades only the controls that pay, ``DLCOURSE_ATTACKS_FULL=1`` all.
"""
from __future__ import annotations

import json
import os
import re
from collections import Counter

import pytest

from attacks import CASES, cell_outputs, feedback_page, graded_notebook, output_text
from test_grading import hidden_lines, html_text, make_course, read_grades, results

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading-attacks")]

CELL_TIMEOUT = 10
STAMP = "2026-04-20 10:00:00.000000 UTC\n"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from course.grader import grade_class

    tmp = tmp_path_factory.mktemp("attacks")
    assignments = sorted({case.aid for case in CASES.values()})
    course = make_course(tmp / "course", assignments)
    submitted = tmp / "submitted"
    for student, case in CASES.items():
        folder = submitted / student / case.aid
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(STAMP)
        case.build(folder)
    code = grade_class("all", submitted=submitted, jobs=2, root=course, cell_timeout=CELL_TIMEOUT,
                       notebook_timeout=120)
    assert code == 0
    return course


#: the positive controls graded: in CI those that pay; with DLCOURSE_ATTACKS_FULL=1 also those that do not
#: pay yet (their Case's xfail["control"] says why), so that one that starts to pay XPASSes
FULL = bool(os.environ.get("DLCOURSE_ATTACKS_FULL"))
CONTROLS = [s for s, c in CASES.items() if c.defence and (FULL or "control" not in c.xfail)]
#: the defence sets of the positive controls: one grading run each
GROUPS = sorted({CASES[s].defence for s in CONTROLS})


@pytest.fixture(scope="module")
def defenceless(tmp_path_factory):
    """Every attack with a ``defence``, graded with those defences off (one run per set of defences),
    beside the honest wrong submission; -> {defence set: course}."""
    from course.grader import grade_class

    courses = {}
    for off in GROUPS:
        tmp = tmp_path_factory.mktemp("attacks-off-" + "-".join(off))
        names = [s for s in CONTROLS if CASES[s].defence == off] + ["honest-wrong"]
        course = make_course(tmp / "course", sorted({CASES[s].aid for s in names}))
        for student in names:
            folder = tmp / "submitted" / student / CASES[student].aid
            folder.mkdir(parents=True)
            (folder / "timestamp.txt").write_text(STAMP)
            CASES[student].build(folder)
        # no time attack here: a longer cell limit than the main batch's, so that 03's setup cell on a busy
        # machine (10 s were seen to run out under load 12) cannot make a control fail
        code = grade_class("all", submitted=tmp / "submitted", jobs=2, root=course, cell_timeout=3 * CELL_TIMEOUT,
                           notebook_timeout=180, defences_off=set(off))
        assert code == 0
        courses[off] = course
    return courses


def outcome(course, student: str) -> tuple[float, dict]:
    aid = CASES[student].aid
    row = read_grades(course).get((student, aid))
    assert row is not None, f"{student} is missing from grades.csv"
    return float(row["score"]), results(course)[(student, aid)]


def codes(record: dict) -> list[str]:
    return sorted({i["code"] for i in record["issues"]})


def sources(record: dict) -> str:
    """The issue codes, a ``tampering`` one split by who found it: the static screen or the probe."""
    found = set()
    for issue in record["issues"]:
        if issue["code"] == "tampering":
            found.add("screen" if issue["message"].startswith("code that could") else "probe")
        else:
            found.add(issue["code"])
    return ",".join(sorted(found))


def why(course, student: str, record: dict) -> str:
    """What to read when an attack got through: its issues and its test cells' outputs."""
    lines = [f"issues: {[(i['code'], i['message'][:160]) for i in record['issues']]}"]
    lines += [f"{gid}: {text[:300]!r}" for gid, text in cell_outputs(course, student).items()]
    return "\n".join(lines)


ATTACKS = [name for name, case in CASES.items() if case.kind != "honest"]


def param(student: str, what: str):
    """*student*, marked xfail when its Case says *what* ("score", "flag", "control") fails for now; a
    positive control that does not pay is strict (when it starts to pay, remove the mark)."""
    reason = CASES[student].xfail.get(what)
    return pytest.param(student, marks=pytest.mark.xfail(strict=what == "control", reason=reason)) \
        if reason else student


# --- every attack ---------------------------------------------------------------------------
@pytest.mark.parametrize("student", [param(s, "score") for s in ATTACKS])
def test_attack_gains_nothing(batch, student):
    score, record = outcome(batch, student)
    ceiling = CASES[student].ceiling
    assert score <= ceiling, f"{student} scored {score} > {ceiling}\n{why(batch, student, record)}"


@pytest.mark.parametrize("student", [param(s, "flag") for s in ATTACKS])
def test_attack_is_flagged(batch, student):
    """Flagged, and with the specific flags the attack must raise (not just any flag: a cell that ran
    out of time on a busy machine is no catch, except for the two time attacks)."""
    score, record = outcome(batch, student)
    assert record["flagged"], f"{student} (score {score}) was not flagged\n{why(batch, student, record)}"
    must = set(CASES[student].must)
    found = set(sources(record).split(","))
    assert must <= found, f"{student}: must raise {sorted(must)}, raised {sorted(found)}\n{why(batch, student, record)}"
    if CASES[student].kind != "time":
        assert "cell-timeout" not in must, student
    for issue in record["issues"]:
        assert len(issue["message"]) > 20, issue  # a reason a person can act on


def test_every_attack_names_what_it_targets():
    for student in ATTACKS:
        case = CASES[student]
        assert case.must or "flag" in case.xfail or case.control, f"{student}: no must= flag"
        assert case.defence or case.control, f"{student}: neither a defence to switch off nor a reason why not"
        from course.grader.worker import DEFENCES
        assert set(case.defence) <= set(DEFENCES), (student, case.defence)


@pytest.mark.parametrize("student", [param(s, "control") for s in ATTACKS if s in CONTROLS])
def test_attack_pays_with_its_defence_off(defenceless, student):
    """The positive control: with the defences it targets switched off, the attack gains (so its
    payload runs and works; with them on, ``test_attack_gains_nothing`` shows they stop it)."""
    course = defenceless[CASES[student].defence]
    score, record = outcome(course, student)
    ceiling = CASES[student].ceiling
    assert score > ceiling, (f"{student} scored {score} (ceiling {ceiling}) even with {CASES[student].defence} "
                             f"off: the attack itself is broken\n{why(course, student, record)}")


def test_honest_wrong_scores_nothing_with_defences_off(defenceless):
    for off, course in defenceless.items():
        score, record = outcome(course, "honest-wrong")
        assert score == 0, (off, score, why(course, "honest-wrong", record))


# --- the rest of the batch ------------------------------------------------------------------
def test_honest_submissions_are_graded_as_usual(batch):
    for student, case in CASES.items():
        if case.kind == "honest":
            score, record = outcome(batch, student)
            assert score == case.ceiling, (student, score, why(batch, student, record))
            assert not record["flagged"], (student, record["issues"])


def test_nothing_is_lost(batch):
    graded = set(read_grades(batch))
    for student, case in CASES.items():
        assert (student, case.aid) in graded, student
        assert (batch / "feedback" / student / case.aid).is_dir(), student
        assert (batch / "autograded" / student / case.aid / f"{case.aid}.ipynb").is_file(), student


def test_hidden_tests_stay_out_of_feedback(batch):
    for student, case in CASES.items():
        page = feedback_page(batch, student)
        assert page.is_file(), student
        text = html_text(page)
        leaked = [h for h in hidden_lines(batch / "source" / case.aid / f"{case.aid}.ipynb") if h in text]
        assert not leaked, (student, leaked[:3])
        assert "BEGIN HIDDEN TESTS" not in text, student


def test_time_attacks_cost_only_their_cells(batch):
    for student in ("sleep-in-test", "loop-in-test"):
        assert "cell-timeout" in codes(outcome(batch, student)[1]), student
        text = cell_outputs(batch, student)
        assert "not run" not in text["test_and"], (student, text["test_and"])  # the rest still ran


def report_line(name: str, what: str) -> dict:
    """``NAME [...]`` printed by attack code: a dict of what it tried and what happened."""
    match = re.search(rf"{name} (\[.*\])", what)
    assert match, f"no {name} line in {what[:500]!r}"
    return dict(json.loads(match.group(1)))


def test_judge_callbacks_stay_closed(batch):
    """Student code cannot reach past the test's functions it is given (03's numerical_diff and
    numerical_gradient get f), nor ask the judge for the test's names (01)."""
    reports = [(student, gid, cell_outputs(batch, student)[gid]) for student, gid in [
        ("03-reach-into-judge", "test_numerical_diff"), ("03-reach-into-judge", "test_numerical_gradient"),
        ("reach-link-01", "test_perceptron")]]
    for student, gid, text in reports:
        tried = report_line("REACH", text)
        opened = {k: v for k, v in tried.items() if not str(v).startswith(("blocked", "harmless", "seen"))}
        assert not opened, (student, gid, opened)


def test_files_handed_in_shadow_nothing(batch):
    """numpy.py, course.py, course/check.py, course/judge/agent.py beside the notebook: the kernel
    imports the real modules, never the submission's."""
    for student, case in CASES.items():
        if case.kind == "file" and student != "numpy-py-forced":  # that one imports it on purpose
            seen = report_line("SHADOW", output_text(graded_notebook(batch, student).cells[-1]))
            assert not seen["numpy shadowed"] and not seen["course.check shadowed"], (student, seen)
            for name in ("numpy", "course", "course.check", "course.judge.agent"):
                assert not str(seen[name]).startswith(seen["cwd"]), (student, name, seen)


def test_judge_folder_is_read_only(batch):
    tried = report_line("JUDGEDIR", cell_outputs(batch, "snoop-judge-dir")["test_perceptron"])
    assert tried["write"].startswith("blocked"), tried


def test_summary(batch):
    """Not a check: one line per case (score, ceiling, flag codes), shown with ``pytest -rA``."""
    rows, seen = [], Counter()
    for student, case in CASES.items():
        score, record = outcome(batch, student)
        seen.update(codes(record))
        ceiling = case.ceiling
        status = "GAINED" if score > ceiling else ("unflagged" if not record["flagged"] and
                                                   case.kind != "honest" else "ok")
        rows.append(f"{case.kind:9} {student:30} {case.aid[:2]} {score:4g}/{ceiling:<4g} {status:9} "
                    f"{sources(record)}")
    print("\n".join(rows))
    print("flag codes:", dict(seen.most_common()))
