"""Build the demo class that ``make grade`` grades, from the current release and source.

    python examples/build_demo_class.py           # rewrite examples/submitted/ and examples/expected.json
    python examples/build_demo_class.py --check   # exit 1 if what is committed is stale
    python examples/build_demo_class.py --only 09_tensorflow_keras 10_tensorflow_v1   # just these assignments

Every student notebook starts as the student version in ``release/<id>/`` (what a
student downloads) with its answer cells filled in:

================== =============================================================
alice-correct      every assignment; each answer is the source's solution
                   (``### BEGIN/END SOLUTION`` markers stripped); the files in
                   ``examples/fixtures/<id>/`` (e.g. a trained checkpoint) beside it
bob-partial        every assignment; some answers are wrong: the first WRONG
                   variant of tests/corpus/c<NN>_*.py (or the empty stub)
carol-corrupt      01 only: alice's notebook cut in half (not valid JSON)
dan-infinite-loop  01 only: correct, but the last exercise never returns
erin-late          01 only: correct, submitted 1 day and 3 hours after the due date
================== =============================================================

``expected.json`` holds the score each student should get, computed without
nbgrader: the source notebook runs in-process with the student's answers (a test
cell passes when it raises nothing and writes nothing to stderr, as in nbgrader),
then the late policy of nbgrader_config.py applies.  It also records hashes of
everything it was computed from, so ``--check`` notices when a notebook, the
corpus or the policy changed.

The TensorFlow appendix (09, 10) is part of the class: its expected scores are computed with
``.venv-tf``'s python (``make tf`` first); ``--check`` needs no TensorFlow.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SUBMITTED = HERE / "submitted"
EXPECTED = HERE / "expected.json"
FIXTURES = HERE / "fixtures"
BAD_CASES_ON = "01_perceptron"
STUDENTS = ["alice-correct", "bob-partial", "carol-corrupt", "dan-infinite-loop", "erin-late"]
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


# --- reading the course -----------------------------------------------------------
def assignment_ids(root: Path = ROOT) -> list[str]:
    """Every assignment, the optional TensorFlow appendix included (``python -m course grade`` skips it,
    saying so, where its kernel is not installed)."""
    return sorted(p.parent.name for p in (root / "release").glob("*/*.ipynb")
                  if p.stem == p.parent.name and (root / "source" / p.parent.name / p.name).is_file())


def nbmeta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def strip_markers(source: str) -> str:
    return "\n".join(ln for ln in source.split("\n") if ln.strip() not in MARKERS)


def solutions(aid: str, root: Path = ROOT) -> dict[str, str]:
    """Answer cell id -> the source's solution, markers stripped (in notebook order)."""
    nb = read(root / "source" / aid / f"{aid}.ipynb")
    return {nbmeta(c)["grade_id"]: strip_markers(c.source) for c in nb.cells if nbmeta(c).get("solution")}


def stubs(aid: str, root: Path = ROOT) -> dict[str, str]:
    nb = read(root / "release" / aid / f"{aid}.ipynb")
    return {nbmeta(c)["grade_id"]: c.source for c in nb.cells if nbmeta(c).get("solution")}


def corpus(aid: str, root: Path = ROOT):
    """The tests/corpus module of an assignment, or None."""
    for path in sorted((root / "tests" / "corpus").glob("c*.py")):
        spec = importlib.util.spec_from_file_location(f"_corpus_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if getattr(module, "ASSIGNMENT", None) == aid:
            module.__file__ = str(path)
            return module
    return None


def due_date(aid: str, root: Path = ROOT) -> datetime | None:
    from nbgrader.utils import parse_utc
    due = _config(root).DueDates.due_dates.get(aid)
    return parse_utc(due).replace(tzinfo=timezone.utc) if due else None


def _config(root: Path):
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()


# --- students -----------------------------------------------------------------------
def wrong_answers(aid: str, root: Path = ROOT) -> tuple[dict[str, str], dict[str, str]]:
    """bob's answers: the last exercise and the middle one are wrong.  (answers, why)"""
    answers = solutions(aid, root)
    ids = list(answers)
    module = corpus(aid, root)
    # (the TF corpora expose WRONG only where TensorFlow imports; their table is the same everywhere)
    wrong_bank = (getattr(module, "WRONG", {}) or getattr(module, "_WRONG", {})) if module else {}
    why = {}
    for gid in dict.fromkeys([ids[-1], ids[len(ids) // 2]]):
        variants = wrong_bank.get(gid, {})
        if variants:
            name, code = next(iter(variants.items()))
            answers[gid], why[gid] = code, f"corpus WRONG: {name}"
        else:
            answers[gid], why[gid] = stubs(aid, root)[gid], "left empty (the release stub)"
    return answers, why


def looping_answers(aid: str, root: Path = ROOT) -> dict[str, str]:
    """dan's answers: correct, except the last exercise loops forever when called."""
    answers = solutions(aid, root)
    last = list(answers)[-1]
    head = stubs(aid, root)[last].split("\n")[0]
    body = "    while True:  # waiting for a condition that never comes\n        pass"
    answers[last] = f"{head}\n{body}" if head.startswith("def ") else f"while True:\n    pass"
    return answers


def notebook_with(aid: str, answers: dict[str, str], root: Path = ROOT) -> str:
    """The release notebook with the answer cells replaced, as JSON text."""
    nb = read(root / "release" / aid / f"{aid}.ipynb")
    for cell in nb.cells:
        gid = nbmeta(cell).get("grade_id")
        if nbmeta(cell).get("solution") and gid in answers:
            cell.source = answers[gid]
    return nbformat.writes(nb) + "\n"


def stamp(aid: str, late: timedelta | None = None, root: Path = ROOT) -> str:
    due = due_date(aid, root) or datetime(2026, 4, 1, 12, tzinfo=timezone.utc)
    when = due + late if late else due - timedelta(hours=20)
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def plan(root: Path = ROOT, only: list[str] | None = None) -> list[dict]:
    """Every submission of the demo class (of the assignments *only*): student, assignment, answers, extra files."""
    out = []
    for aid in assignment_ids(root):
        if only is not None and aid not in only:
            continue
        fixtures = sorted(p for p in (FIXTURES / aid).rglob("*") if p.is_file()) if (FIXTURES / aid).is_dir() else []
        out.append(dict(student="alice-correct", aid=aid, answers=solutions(aid, root), fixtures=fixtures,
                        timestamp=stamp(aid, root=root)))
        answers, why = wrong_answers(aid, root)
        out.append(dict(student="bob-partial", aid=aid, answers=answers, wrong=why, fixtures=[],
                        timestamp=stamp(aid, root=root)))
    if BAD_CASES_ON in assignment_ids(root) and (only is None or BAD_CASES_ON in only):
        aid = BAD_CASES_ON
        out.append(dict(student="carol-corrupt", aid=aid, answers=solutions(aid, root), corrupt=True,
                        fixtures=[], timestamp=stamp(aid, root=root)))
        out.append(dict(student="dan-infinite-loop", aid=aid, answers=looping_answers(aid, root),
                        fixtures=[], timestamp=stamp(aid, root=root)))
        out.append(dict(student="erin-late", aid=aid, answers=solutions(aid, root), fixtures=[],
                        timestamp=stamp(aid, timedelta(days=1, hours=3), root)))
    return out


def write_submissions(dest: Path, root: Path = ROOT, only: list[str] | None = None) -> list[dict]:
    """examples/submitted/<student>/<assignment>/ for every planned submission (of the assignments *only*:
    their folders are replaced, the rest is left as it is)."""
    if only is None and dest.exists():
        shutil.rmtree(dest)
    for aid in only or []:
        for folder in dest.glob(f"*/{aid}"):
            shutil.rmtree(folder)
    entries = plan(root, only)
    for entry in entries:
        folder = dest / entry["student"] / entry["aid"]
        folder.mkdir(parents=True)
        text = notebook_with(entry["aid"], entry["answers"], root)
        if entry.get("corrupt"):
            text = text[: len(text) // 2]
        (folder / f"{entry['aid']}.ipynb").write_text(text, encoding="utf-8")
        (folder / "timestamp.txt").write_text(entry["timestamp"] + "\n")
        for path in entry["fixtures"]:
            target = folder / path.relative_to(FIXTURES / entry["aid"])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return entries


# --- expected scores, without nbgrader ---------------------------------------------------
def run_in_process(notebook: Path, answers: dict[str, str], workdir: Path) -> dict[str, bool]:
    """Run the source notebook with *answers* in place; test cell id -> passed."""
    nb = read(notebook)
    ns: dict = {"__name__": "__main__"}
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.chdir(workdir)
    passed = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = nbmeta(cell)
        src = answers.get(meta.get("grade_id"), cell.source) if meta.get("solution") else cell.source
        err = io.StringIO()
        ok = True
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                try:
                    exec(compile(src, f"<{meta.get('grade_id', 'cell')}>", "exec"), ns)
                except BaseException:  # noqa: BLE001 - as nbgrader: any error fails the cell
                    ok = False
        if meta.get("grade") and not meta.get("solution"):
            passed[meta["grade_id"]] = ok and not err.getvalue()
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
    return passed


def expected_score(entry: dict, root: Path = ROOT) -> dict:
    aid = entry["aid"]
    points = {nbmeta(c)["grade_id"]: float(nbmeta(c)["points"])
              for c in read(root / "source" / aid / f"{aid}.ipynb").cells
              if nbmeta(c).get("grade") and not nbmeta(c).get("solution")}
    if entry.get("corrupt"):
        return {"raw": 0.0, "score": 0.0, "max_score": sum(points.values()), "flags": ["corrupt"],
                "failed": sorted(points)}
    answers = dict(entry["answers"])
    flags = []
    if entry["student"] == "dan-infinite-loop":  # a call that never returns fails like one that raises
        last = list(answers)[-1]
        answers[last] = stubs(aid, root)[last]
        flags = ["cell-timeout"]
    with tempfile.TemporaryDirectory() as tmp:
        for path in entry["fixtures"]:
            target = Path(tmp) / path.relative_to(FIXTURES / aid)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        from course.grader.worker import source_files
        for path in source_files(root, aid):  # the files released with the notebook (08b's gpu_checkpoint.pt),
            target = Path(tmp) / path.relative_to(root / "source" / aid)  # as the grader gives them to the kernel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        job = Path(tmp) / "job.json"
        job.write_text(json.dumps({"notebook": str(root / "source" / aid / f"{aid}.ipynb"),
                                   "answers": answers, "workdir": tmp}))
        proc = subprocess.run([_python(aid, root), __file__, "--run", str(job)], capture_output=True, text=True,
                              cwd=tmp, timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"in-process run of {aid} for {entry['student']} failed:\n{proc.stderr[-3000:]}")
        passed = json.loads(proc.stdout.strip().splitlines()[-1])
    raw = sum(points[g] for g, ok in passed.items() if ok)
    penalty = late_penalty(aid, entry["timestamp"], raw, root)
    return {"raw": raw, "score": max(0.0, raw - penalty), "late_penalty": penalty,
            "max_score": sum(points.values()), "flags": flags,
            "failed": sorted(g for g, ok in passed.items() if not ok)}


def _python(aid: str, root: Path = ROOT) -> str:
    """The interpreter that runs *aid*'s notebook: .venv-tf's for the TF appendix (TF and torch cannot share
    a process), this one otherwise."""
    from course import tf_env
    if not tf_env.needs_tf(aid, root):
        return sys.executable
    if not tf_env.venv_ready():
        raise RuntimeError(f"{aid} runs in the TensorFlow venv, which is not installed: run `make tf` first")
    return str(tf_env.python())


def late_penalty(aid: str, timestamp: str, raw: float, root: Path = ROOT) -> float:
    from nbgrader.utils import parse_utc
    from course.grader.late import LatePenalty
    due = due_date(aid, root)
    if due is None:
        return 0.0
    late = (parse_utc(timestamp).replace(tzinfo=timezone.utc) - due).total_seconds()
    if late <= 0:
        return 0.0
    return LatePenalty(config=_config(root)).late_submission_penalty("x", raw, late) or 0.0


def fingerprint(aid: str, root: Path = ROOT) -> dict[str, str]:
    """Hashes of everything an assignment's expected scores depend on."""
    def digest(paths):
        h = hashlib.sha256()
        for p in paths:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        return h.hexdigest()[:16]
    module = corpus(aid, root)
    fixtures = sorted(p for p in (FIXTURES / aid).rglob("*") if p.is_file()) if (FIXTURES / aid).is_dir() else []
    return {"source": digest([root / "source" / aid / f"{aid}.ipynb"]),
            "release": digest([root / "release" / aid / f"{aid}.ipynb"]),
            "corpus": digest([Path(module.__file__)]) if module else "",
            "fixtures": digest(fixtures), "policy": digest([root / "nbgrader_config.py", Path(__file__)])}


def build(root: Path = ROOT, only: list[str] | None = None) -> None:
    if only:
        unknown = sorted(set(only) - set(assignment_ids(root)))
        if unknown:
            raise SystemExit(f"no such assignment: {', '.join(unknown)}")
        for aid in only:
            _python(aid, root)  # fails now, not after the other assignments, when .venv-tf is missing
        expected = json.loads(EXPECTED.read_text())
        for per in expected["students"].values():
            for aid in only:
                per.pop(aid, None)
        expected["assignments"].update({aid: fingerprint(aid, root) for aid in only})
    else:
        for aid in assignment_ids(root):
            _python(aid, root)
        expected = {"assignments": {aid: fingerprint(aid, root) for aid in assignment_ids(root)}, "students": {}}
    entries = write_submissions(SUBMITTED, root, only)
    for entry in entries:
        print(f"  {entry['student']:<18} {entry['aid']:<24}", end=" ", flush=True)
        score = expected_score(entry, root)
        if entry.get("wrong"):
            score["wrong"] = entry["wrong"]
        expected["students"].setdefault(entry["student"], {})[entry["aid"]] = score
        print(f"{score['score']:g} / {score['max_score']:g}")
    EXPECTED.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    print(f"wrote {SUBMITTED.relative_to(ROOT)}/ and {EXPECTED.relative_to(ROOT)}")


def stale(root: Path = ROOT) -> list[str]:
    """What is out of date in the committed demo class (empty when nothing is)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "submitted"
        write_submissions(fresh, root)
        want = {str(p.relative_to(fresh)): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
        have = ({str(p.relative_to(SUBMITTED)): p.read_bytes() for p in SUBMITTED.rglob("*") if p.is_file()}
                if SUBMITTED.is_dir() else {})
    problems += [f"missing: examples/submitted/{n}" for n in sorted(want.keys() - have.keys())]
    problems += [f"not generated: examples/submitted/{n}" for n in sorted(have.keys() - want.keys())]
    problems += [f"differs: examples/submitted/{n}" for n in sorted(want.keys() & have.keys()) if want[n] != have[n]]
    recorded = json.loads(EXPECTED.read_text())["assignments"] if EXPECTED.is_file() else {}
    for aid in assignment_ids(root):
        if recorded.get(aid) != fingerprint(aid, root):
            problems.append(f"expected.json was computed from another version of {aid}")
    problems += [f"expected.json has {aid}, which is gone" for aid in recorded if aid not in assignment_ids(root)]
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 if examples/ is stale")
    parser.add_argument("--only", nargs="+", metavar="ID", help="rebuild only these assignments' submissions and "
                        "expected scores (the rest of examples/ is kept)")
    parser.add_argument("--run", help=argparse.SUPPRESS)  # internal: one in-process run (a JSON job)
    args = parser.parse_args(argv)
    if args.run:
        job = json.loads(Path(args.run).read_text())
        sys.path.insert(0, str(ROOT))
        passed = run_in_process(Path(job["notebook"]), job["answers"], Path(job["workdir"]))
        print(json.dumps(passed))
        return 0
    if args.check:
        problems = stale()
        for p in problems:
            print(p)
        if problems:
            print("the demo class is stale: run `python examples/build_demo_class.py` and commit examples/")
        return 1 if problems else 0
    build(only=args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
