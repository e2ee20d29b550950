"""Copy detection: ``python -m course similarity ID|all [--submitted DIR]``.

A copied answer passes every test, so the grade cannot show it.  This ranks every pair of
students of an assignment by how much of their answer code they share, with Dolos
(github.com/dodona-edu/dolos, MIT): it tokenises the code with tree-sitter, so names,
comments and layout do not matter, and winnows k-grams of tokens, so moving functions around
does not hide a copy.  Dolos reads files, not notebooks, so:

1. each student's answer cells (nbgrader ``solution`` cells; in a notebook whose metadata is
   gone, every code cell that is not the release's) go into one file per notebook, in
   notebook order, each after a ``# cell <grade_id>`` line;
2. what every student was given is left out: one "template" file for Dolos's ignore option
   holds the release notebook's code cells (the answer stubs and the locked helper cells) and
   the source of the ``course`` modules the notebook imports; in a class of 10 or more, Dolos
   also ignores fragments that more than half of the class shares (``maxFingerprintPercentage``);
3. the pairs, ranked by Dolos's similarity (the share of both files covered by shared
   fragments), go to ``reports/similarity/<ID>.json``, with their shared regions, and into the
   class report (``reports/grading/``), side by side.

A high rank is a reason to read the two answers, not a verdict: short exercises with one
natural solution look alike.  Dolos is installed by ``make dolos`` (tools/dolos/install.sh)
into ``.cache/dolos`` (or ``DLCOURSE_DOLOS``).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

#: Dolos's k-gram length and window, smaller than its defaults (23, 17): answer cells are short
#: (chosen on the planted class of tests/test_similarity.py: docs/performance/similarity.md).
DOLOS_OPTIONS = {"kgramLength": 14, "kgramsInWindow": 6}
#: In a class of at least SHARED_MIN_CLASS submissions, a fragment more than SHARED_SHARE of them
#: have is ignored (Dolos's maxFingerprintPercentage): the one natural way to write it.  In a smaller
#: class "most students" is two or three, and would hide the copies themselves.
SHARED_MIN_CLASS, SHARED_SHARE = 10, 0.5
SHOWN_PAIRS = 5        # pairs whose shared regions the class report shows side by side
SHOWN_FRAGMENTS = 3    # the longest shared regions shown per pair
LISTED_PAIRS = 20      # pairs listed (ranked) in the class report and the terminal


class SimilarityUnavailable(RuntimeError):
    pass


def dolos_lib() -> Path:
    """@dodona/dolos-lib's entry point, installed by ``make dolos`` beside this package."""
    from .config import ROOT

    base = Path(os.environ.get("DLCOURSE_DOLOS") or ROOT / ".cache" / "dolos")
    lib = base / "node_modules" / "@dodona" / "dolos-lib" / "dist" / "index.js"
    if not shutil.which("node"):
        raise SimilarityUnavailable("node is not installed (bash tools/system-deps.sh hub), then run `make dolos`")
    if not lib.is_file():
        raise SimilarityUnavailable(f"Dolos is not installed in {base}: run `make dolos` (about 3 minutes)")
    return lib


# --- what each student wrote ------------------------------------------------------------------
def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _code_cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]


def answers(notebook: Path, release_sources: set[str]) -> str:
    """The student's answer cells as one Python file (``# cell <id>`` before each)."""
    cells = _code_cells(notebook)
    chosen = [c for c in cells if _nbgrader(c).get("solution")]
    if not chosen:  # nbgrader metadata deleted: whatever code is not the release's
        chosen = [c for c in cells if _source(c).strip() and _source(c).strip() not in release_sources]
    # the stub's own lines stay: they match the template, which Dolos leaves out
    return "\n".join(f"# cell {_nbgrader(c).get('grade_id') or i}\n{_source(c).rstrip()}\n"
                     for i, c in enumerate(chosen))


def template(root: Path, aid: str) -> str:
    """What every student was given: the release notebook's code cells and the ``course`` modules
    it imports (Dolos ignores whatever matches it)."""
    release = root / "release" / aid / f"{aid}.ipynb"
    cells = [_source(c) for c in _code_cells(release)]
    modules = sorted({m for src in cells for m in re.findall(r"^\s*(?:from|import)\s+(course(?:\.\w+)*)",
                                                               src, re.M)})
    given = [answers(release, set()), *cells]  # the stub as a student's file reads (cells joined), then each cell
    for module in modules:
        path = root / Path(*module.split("."))
        for f in ([path.with_suffix(".py")] if path.with_suffix(".py").is_file()
                  else sorted(path.glob("*.py")) if path.is_dir() else []):
            given.append(f.read_text(encoding="utf-8"))
    return "\n\n".join(given) + "\n"


def extract(root: Path, aid: str, submitted: Path, dest: Path) -> tuple[dict[str, Path], list[str]]:
    """One file of answers per student in *dest*; (student -> file, notes on what was skipped)."""
    release = {_source(c).strip() for c in _code_cells(root / "release" / aid / f"{aid}.ipynb")}
    files, notes = {}, []
    for folder in sorted(p for p in submitted.iterdir() if (p / aid).is_dir() and not p.name.startswith(".")):
        notebooks = sorted((folder / aid).glob("*.ipynb"))
        nb = folder / aid / f"{aid}.ipynb"
        nb = nb if nb.is_file() else (notebooks[0] if len(notebooks) == 1 else None)
        if nb is None or nb.is_symlink():
            notes.append(f"{folder.name}: no notebook {aid}.ipynb")
            continue
        try:
            text = answers(nb, release)
        except (ValueError, UnicodeDecodeError, AttributeError) as exc:
            notes.append(f"{folder.name}: not a readable notebook ({type(exc).__name__})")
            continue
        if text.strip():
            files[folder.name] = dest / f"{folder.name}.py"
            files[folder.name].write_text(text, encoding="utf-8")
    return files, notes


# --- Dolos ------------------------------------------------------------------------------------
def compare(root: Path, aid: str, submitted: Path) -> dict:
    """Rank every pair of *aid*'s submissions in *submitted*; the record saved as JSON."""
    lib = dolos_lib()
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dlsim-") as tmp:
        work = Path(tmp)
        (work / "students").mkdir()
        files, notes = extract(root, aid, submitted, work / "students")
        ignore = work / "template.py"
        ignore.write_text(template(root, aid), encoding="utf-8")
        pairs = []
        if len(files) >= 2:
            options = dict(DOLOS_OPTIONS, **({"maxFingerprintPercentage": SHARED_SHARE}
                                             if len(files) >= SHARED_MIN_CLASS else {}))
            job = {"lib": str(lib), "files": [str(p) for p in files.values()], "ignore": str(ignore),
                   "options": options}
            proc = subprocess.run(["node", str(Path(__file__).with_name("dolos_pairs.mjs"))],
                                  input=json.dumps(job), capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                raise SimilarityUnavailable(f"Dolos failed: {proc.stderr.strip()[-2000:]}")
            owner = {str(p): s for s, p in files.items()}
            text = {s: p.read_text(encoding="utf-8").splitlines() for s, p in files.items()}
            for raw in json.loads(proc.stdout)["pairs"]:
                a, b = owner[raw["left"]], owner[raw["right"]]
                frags = _distinct(sorted(raw["fragments"], key=lambda f: -f["kgrams"]))[:SHOWN_FRAGMENTS]
                # capped: dolos-core 1.2.1 subtracts the left file's ignored count twice (above 1 when
                # the right one has more ignored fingerprints)
                pairs.append({"a": a, "b": b, "similarity": round(min(1.0, raw["similarity"]), 4),
                              "longest": raw["longest"], "overlap": raw["overlap"],
                              "fragments": [{"a": _region(text[a], f["left"]), "b": _region(text[b], f["right"])}
                                            for f in frags]})
        pairs.sort(key=lambda p: (-p["similarity"], -p["longest"], p["a"], p["b"]))
    return {"assignment": aid, "computed": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "students": len(files), "seconds": round(time.monotonic() - t0, 2), "notes": notes,
            "detector": f"Dolos ({json.dumps(options if len(files) >= 2 else DOLOS_OPTIONS)})", "pairs": pairs}


def _distinct(fragments: list[dict]) -> list[dict]:
    """Fragments (longest first) whose lines overlap none of the longer ones' on either side."""
    kept: list[dict] = []
    for f in fragments:
        if not any(f[side][0] <= k[side][2] and k[side][0] <= f[side][2]
                   for k in kept for side in ("left", "right")):
            kept.append(f)
    return kept


def _region(lines: list[str], r: list[int]) -> dict:
    """A shared region: its lines (Dolos's rows count from 0) and the answer cell it starts in."""
    start, end = r[0], min(r[2], len(lines) - 1)
    cell = next((ln[len("# cell "):] for ln in reversed(lines[:start + 1]) if ln.startswith("# cell ")), "?")
    return {"cell": cell, "lines": [start + 1, end + 1], "code": "\n".join(lines[start:end + 1])}


# --- the report -------------------------------------------------------------------------------
def report_section(doc, path: Path) -> None:
    """The class report's part for one assignment, from ``reports/similarity/<ID>.json`` if any."""
    if not path.is_file():
        return
    rec = json.loads(path.read_text())
    doc.h(3, "Similar answers (copy detection)")
    doc.p(f"{rec['detector']} over the answer cells of {rec['students']} submissions, computed "
          f"{rec['computed']} (python -m course similarity {rec['assignment']}); the release stub, the "
          "notebook's own cells and the course modules it imports are left out. Similarity: the share of "
          "both answers covered by shared fragments. A high rank is a reason to read both answers, not a "
          "verdict.")
    pairs = rec["pairs"][:LISTED_PAIRS]
    doc.table(["rank", "students", "similarity", "longest shared run (k-grams)"],
              [[i, f"{p['a']} / {p['b']}", f"{100 * p['similarity']:.0f} %", p["longest"]]
               for i, p in enumerate(pairs, 1)])
    for i, p in enumerate(pairs[:SHOWN_PAIRS], 1):
        if not p["fragments"]:
            continue
        doc.p(f"#{i} {p['a']} / {p['b']} ({100 * p['similarity']:.0f} %): the longest shared regions")
        for f in p["fragments"]:
            doc.side_by_side(*((f"{p[k]}, cell {f[k]['cell']}, lines {f[k]['lines'][0]}-{f[k]['lines'][1]}",
                                f[k]["code"]) for k in ("a", "b")))
    for note in rec["notes"]:
        doc.p(f"left out: {note}")


def main(argv: list[str], root: Path) -> int:
    import argparse
    import sys

    from .grader import gradebook, report

    parser = argparse.ArgumentParser(prog="python -m course similarity", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("assignment", help="an assignment id, or 'all'")
    parser.add_argument("--submitted", type=Path, default=Path("submitted"),
                        help="folder of <student>/<assignment>/ submissions (default: submitted)")
    args = parser.parse_args(argv)
    known = sorted(p.name for p in (root / "release").iterdir() if (p / f"{p.name}.ipynb").is_file())
    wanted = known if args.assignment == "all" else [args.assignment]
    if args.assignment not in known + ["all"]:
        print(f"error: no assignment {args.assignment!r} in {root / 'release'} (have: {', '.join(known)})",
              file=sys.stderr)
        return 2
    if not args.submitted.is_dir():
        print(f"error: {args.submitted} does not exist (expected <student>/<assignment>/ folders)", file=sys.stderr)
        return 2
    out = root / "reports" / "similarity"
    out.mkdir(parents=True, exist_ok=True)
    for aid in wanted:
        try:
            rec = compare(root, aid, args.submitted)
        except SimilarityUnavailable as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 3
        if rec["students"] < 2 and args.assignment == "all":
            continue
        (out / f"{aid}.json").write_text(json.dumps(rec, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"{aid}: {rec['students']} submissions, {len(rec['pairs'])} pairs ({rec['seconds']:.1f} s)")
        for i, p in enumerate(rec["pairs"][:LISTED_PAIRS], 1):
            print(f"  {i:>3}. {100 * p['similarity']:3.0f} %  {p['a']} / {p['b']}  (longest {p['longest']})")
        for note in rec["notes"]:
            print(f"  left out: {note}")
    db_url, course_id = gradebook.locate(root)
    if gradebook.assignment_names(db_url, course_id):  # the class report shows it too
        where = report.write(root / "reports" / "grading", [], gradebook.scores(db_url, course_id), None,
                             report.load_records(root / "reports" / "grading" / "results.json"))
        print(f"class report: {where}")
    print(f"similarity reports: {out}/")
    return 0
