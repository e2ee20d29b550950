"""The liar fuzzer (issue 22, point 5): every exercise of every judged notebook, lied about four ways.

``tests/liars/`` records what the source notebook's reference solutions return on the *visible*
tests' calls and builds, per notebook, one submission per liar kind in which every answer cell lies
(``nan``: NaN of the right shape and dtype; ``liar``: an object that says yes to everything and
prints what it is sent; ``table``: right only on the visible tests' inputs; ``patch``: the exercises
stay stubs and the library the tests touch is patched in the kernel by every route), beside the
release notebook as it is (``stub``, the honest baseline).  All of them are graded in ONE
``grade_class("all", ..., jobs=2)`` batch, and every liar must score exactly what the stub scores on
every test cell.  A liar that pays today is marked ``xfail(strict=True)`` in ``tests/liars/paying.py``
with the test cell's line that lets it pass (the judge's work list); remove the mark when it is fixed.

The positive controls: a second batch grades the ``liar`` and ``patch`` submissions with the judge
switched off (``defences_off={"judge"}``: the test cells run in the kernel, as plain nbgrader runs
them); each must then gain on some test cell of its notebook, which proves the liar runs and is
worth defending against (01 and 02 in CI; every notebook with ``DLCOURSE_LIARS_FULL=1``; the controls that do not pay are
``NO_CONTROL``, xfail(strict): today the Liar pays nowhere even with the judge off, course.check itself
refusing its comparisons, and the patch liar pays only in 01, 02, 07 and 08).  The ``nan`` and ``table`` liars target no defence (a NaN or a memorised
answer is caught by the checks or by the hidden tests, judge or not); their control runs in-process:
the table liar passes the visible tests of the exercises whose answers it could record.

09/10 (TensorFlow) are not covered yet: they need ``.venv-tf`` and ``make test-tf``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import liars
from liars.paying import PAYS, WHOLE_DOMAIN
from test_grading import make_course, read_grades, results

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading-liars")]

CELL_TIMEOUT = 30
NOTEBOOK_TIMEOUT = 300
STAMP = "2026-04-20 10:00:00.000000 UTC\n"
NOTEBOOKS = liars.NOTEBOOKS
CONTROLLED = ("liar", "patch")   # the kinds whose target is the judge: graded again with it off
#: the notebooks of the judge-off positive control: three in CI (about a minute), all with DLCOURSE_LIARS_FULL=1
CONTROL_NOTEBOOKS = NOTEBOOKS if os.environ.get("DLCOURSE_LIARS_FULL") else ("01_perceptron", "02_activations")
#: positive controls that do not pay even with the judge off (run of 2026-12-08): why, per (kind, notebook)
NO_CONTROL = {
    **{("liar", aid): "course.check compares data only, in the kernel too: a Liar's 'yes' never decides a check, "
                      "judge or not (this control needs a check that trusts __eq__, as before issue 22)"
       for aid in NOTEBOOKS},
    **{("patch", aid): "with the judge off, the patched Result/call/check pass only tests made of call(...).equal/"
                       "close; this notebook's tests also use helpers and values (describe, .value, twins) that "
                       "the stub cannot provide"
       for aid in NOTEBOOKS if aid not in ("01_perceptron", "02_activations", "07_pytorch_regression",
                                           "08_cnn_cifar10")},
}


def _cells() -> list[tuple[str, str]]:
    out = []
    for aid in NOTEBOOKS:
        nb = liars.read(liars.ROOT / "source" / aid / f"{aid}.ipynb")
        out += [(aid, gid) for gid in liars.test_ids(nb)]
    return out


CELLS = _cells()


@pytest.fixture(scope="module")
def recorded():
    return {aid: liars.record(aid) for aid in NOTEBOOKS}


def _grade(tmp: Path, recorded: dict, kinds, defences_off=(), notebooks=NOTEBOOKS) -> Path:
    from course.grader import grade_class

    course = make_course(tmp / "course", list(notebooks))
    submitted = tmp / "submitted"
    for kind in kinds:
        for aid in notebooks:
            folder = submitted / kind / aid
            liars.build(aid, kind, recorded[aid], folder)
            (folder / "timestamp.txt").write_text(STAMP)
    code = grade_class("all", submitted=submitted, jobs=2, root=course, cell_timeout=CELL_TIMEOUT,
                       notebook_timeout=NOTEBOOK_TIMEOUT, defences_off=defences_off)
    assert code == 0
    return course


@pytest.fixture(scope="module")
def batch(tmp_path_factory, recorded):
    return _grade(tmp_path_factory.mktemp("liars"), recorded, liars.KINDS)


@pytest.fixture(scope="module")
def judge_off(tmp_path_factory, recorded):
    return _grade(tmp_path_factory.mktemp("liars-judge-off"), recorded, ("stub", *CONTROLLED),
                  defences_off={"judge"}, notebooks=CONTROL_NOTEBOOKS)


def cell_scores(course: Path, student: str, aid: str) -> dict[str, float]:
    record = results(course).get((student, aid))
    assert record is not None, f"{student}/{aid} was not graded"
    grades = record["notebooks"].get(aid, {}).get("grades", {})
    return {gid: float(g["auto_score"] or 0) for gid, g in grades.items() if g.get("max_score")}


def cell_text(course: Path, student: str, aid: str) -> dict[str, str]:
    from attacks import output_text
    nb = liars.read(course / "autograded" / student / aid / f"{aid}.ipynb")
    return {liars.nbmeta(c)["grade_id"]: output_text(c) for c in nb.cells
            if liars.nbmeta(c).get("grade") and not liars.nbmeta(c).get("solution")}


def _param(aid: str, kind: str, gid: str):
    why = PAYS.get((aid, kind, gid))
    marks = [pytest.mark.xfail(strict=True, reason=why)] if why else []
    return pytest.param(aid, kind, gid, marks=marks, id=f"{aid}-{kind}-{gid}")


# --- every liar scores the stub's score on every test cell ---------------------------------------
@pytest.mark.parametrize("aid,kind,gid", [_param(aid, kind, gid) for kind in liars.LIARS for aid, gid in CELLS])
def test_liar_scores_the_stubs_score(batch, aid, kind, gid):
    stub = cell_scores(batch, "stub", aid)
    got = cell_scores(batch, kind, aid)
    assert gid in got, f"{kind}/{aid}: no score for {gid}"
    if (aid, kind, gid) in WHOLE_DOMAIN:   # the table is the whole function: a right answer, full marks
        full = float(results(batch)[(kind, aid)]["notebooks"][aid]["grades"][gid]["max_score"])
        assert got[gid] == full, (f"{kind} on {aid}:{gid}: {got[gid]} of {full} ({WHOLE_DOMAIN[(aid, kind, gid)]})")
        return
    assert got[gid] == stub[gid], (f"{kind} liar scored {got[gid]} on {aid}:{gid} (the stub scores {stub[gid]})\n"
                                   f"{cell_text(batch, kind, aid).get(gid, '')[:600]}")


def test_the_stub_is_the_honest_baseline(batch):
    """The release notebook's stubs score what the course says a blank notebook scores: nothing
    (08b's load_on_cpu and 07/08's checkpoint tests need the student's own files)."""
    for aid in NOTEBOOKS:
        scores = cell_scores(batch, "stub", aid)
        assert scores, aid
        assert sum(scores.values()) == 0, (aid, {g: s for g, s in scores.items() if s})


COMPARISONS = ("eq", "ne", "lt", "le", "gt", "ge", "contains")


def test_no_expected_value_reaches_a_liar(batch, recorded):
    """The Liar prints what it is sent; the test's expected values never reach it (comparisons are
    the judge's, on data).  One Liar compared with another (05's ``Variable > Variable``, the kernel's
    own code on two of the student's objects) carries no test data."""
    seen = {}
    for aid in NOTEBOOKS:
        names = {n for ex in recorded[aid]["exercises"].values() for n in ex["defs"]}
        for gid, text in cell_text(batch, "liar", aid).items():
            for line in text.splitlines():
                m = re.match(r"LIAR (\S+) (\w+) (.*)", line)
                if not m or m.group(2) not in COMPARISONS or not m.group(3).strip():
                    continue
                args = [a.strip() for a in m.group(3).split(" | ")]
                if all(a.startswith("<Liar ") or a in names for a in args):
                    continue
                seen.setdefault(f"{aid}:{gid}", []).append(line[:200])
    assert not seen, seen


def test_liars_ran(batch):
    """Not vacuous: the liar kind's objects were really called (their LIAR lines are in the outputs),
    and no liar submission failed to be graded."""
    for kind in liars.KINDS:
        for aid in NOTEBOOKS:
            assert (kind, aid) in read_grades(batch), (kind, aid)
    said = sum("LIAR " in t for aid in NOTEBOOKS for t in cell_text(batch, "liar", aid).values())
    assert said >= len(NOTEBOOKS), said


# --- positive controls --------------------------------------------------------------------------
def _control(kind: str, aid: str):
    why = NO_CONTROL.get((kind, aid))
    return pytest.param(kind, aid, marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [],
                        id=f"{aid}-{kind}")


@pytest.mark.parametrize("kind,aid", [_control(kind, aid) for kind in CONTROLLED for aid in CONTROL_NOTEBOOKS])
def test_liar_pays_with_the_judge_off(judge_off, kind, aid):
    """With the judge off (the test cells run in the kernel, as plain nbgrader runs them) the liar
    gains on some test cell: it runs, and it is what the judge defends against."""
    stub = cell_scores(judge_off, "stub", aid)
    got = cell_scores(judge_off, kind, aid)
    gained = {g: s for g, s in got.items() if s > stub.get(g, 0)}
    assert gained, f"{kind}/{aid} gains nothing even with the judge off: {got}"


def test_table_liar_is_right_on_the_visible_tests(recorded):
    """The table liar's positive control, in-process (no judge, no grader): on the visible part of the
    test cells it is right (every visible test of 01 and 02, most of 03, 04 and 06); only the hidden
    tests can tell it from a solution."""
    passed = {aid: [g for g, err in liars.run_visible(aid, "table", recorded[aid]).items() if not err]
              for aid in ("01_perceptron", "02_activations", "03_loss_and_gradients", "04_backprop",
                          "06_pytorch_and")}
    for aid in ("01_perceptron", "02_activations"):
        nb = liars.read(liars.ROOT / "source" / aid / f"{aid}.ipynb")
        assert passed[aid] == liars.test_ids(nb), (aid, passed[aid])
    assert sum(map(len, passed.values())) >= 25, passed
