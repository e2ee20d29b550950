"""Check the fast path (tests/judgeexec.py) against a real `course grade` (grade_class: sandbox, judge) on a sample.

    .venv/bin/python tests/corpus_agreement.py 06_pytorch_and numpy_round_trip "shares memory (from_numpy)" ...

Each named case of the exercise becomes a submission (the release notebook with the source's answers, the
case's code in the exercise's answer cell), graded in a temporary copy of the course; per test cell, both
verdicts (full points or not) are printed, AGREE or DISAGREE.  Exit code 1 on any disagreement.
"""
import importlib
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbformat  # noqa: E402
from judgeexec import Case, judge_cases, _meta
from nbexec import ROOT, tests_of
from test_grading import make_course, results
from course.grader import grade_class

aid, ex = sys.argv[1:3]
labels = sys.argv[3:]
mod = next(m for m in (importlib.import_module(f"corpus.{p.stem}") for p in (ROOT / "tests" / "corpus").glob("c*.py"))
           if m.ASSIGNMENT == aid)
cases = [Case(ex, v, l, c) for v, t in (("wrong", mod.WRONG), ("right", mod.RIGHT)) for l, c in t.get(ex, {}).items() if l in labels]
tmp = Path(tempfile.mkdtemp(prefix="agree-"))
course = make_course(tmp / "course", [aid])
src = nbformat.read(str(ROOT / "source" / aid / f"{aid}.ipynb"), as_version=4)
answers = {_meta(c)["grade_id"]: c.source for c in src.cells if _meta(c).get("solution")}
students = {}
for i, case in enumerate(cases):
    nb = nbformat.read(str(ROOT / "release" / aid / f"{aid}.ipynb"), as_version=4)
    for c in nb.cells:
        g = _meta(c).get("grade_id")
        if _meta(c).get("solution") and g in answers:
            c.source = case.code if g == ex else answers[g]
    d = tmp / "submitted" / f"s{i}" / aid
    d.mkdir(parents=True)
    nbformat.write(nb, str(d / f"{aid}.ipynb"))
    (d / "timestamp.txt").write_text("2026-04-20 10:00:00.000000 UTC\n")
    students[f"s{i}"] = case
rc = grade_class(aid, tmp / "submitted", jobs=1, root=course, force=True)
real = results(course)
fast = judge_cases(aid, cases)
wanted = tests_of(src.cells, ex)
bad = 0
for s, case in students.items():
    grades = real[(s, aid)]["notebooks"][aid]["grades"]
    r = {g: grades[g]["auto_score"] == grades[g]["max_score"] for g in wanted}
    f = {x.grade_id: x.passed for x in fast.results[case.key]}
    bad += r != f
    print("AGREE" if r == f else "DISAGREE", case.verdict, case.label, "real:", r, "fast:", f)
shutil.rmtree(tmp, ignore_errors=True)
sys.exit(1 if bad or rc else 0)
