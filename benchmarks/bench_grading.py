"""Class grading speed: ``python -m course grade --jobs N`` against plain serial ``nbgrader autograde``.

    python benchmarks/bench_grading.py                 # 50 submissions of 01_perceptron, --jobs 2
    python benchmarks/bench_grading.py -n 60 --assignment 02_activations
    python benchmarks/bench_grading.py --course        # also: every notebook of one student
    python benchmarks/bench_grading.py --with-feedback # also time plain nbgrader generate_feedback

Both graders get the same submissions (the demo class's correct and partly-wrong
notebooks, copied under new student ids) in fresh temporary copies of the
course, in this one run: plain nbgrader grades the first half, ours all of
them, plain the second half (so that a changing load on a shared machine
weighs on both).  The scores of the two must agree.
Prints seconds per submission, the speed-up, where the time goes (from the
grader's own per-stage timings) and the machine's load.  Record the figures in
docs/performance/grading.md with the machine and load.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from course.assignments import generate_release

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "submitted"


def course_copy(dest: Path, assignments: list[str]) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    for aid in assignments:
        shutil.copytree(ROOT / "source" / aid, dest / "source" / aid)
    generate_release(assignments, root=dest)
    return dest


def class_of(n: int, aid: str, dest: Path, ids: range | None = None) -> Path:
    """Submissions s000, s001, ...: the demo's correct and partly-wrong students, alternately."""
    models = [DEMO / s / aid for s in ("alice-correct", "bob-partial") if (DEMO / s / aid).is_dir()]
    if not models:
        sys.exit(f"no demo submissions of {aid}: run python examples/build_demo_class.py")
    for i in ids or range(n):
        shutil.copytree(models[i % len(models)], dest / f"s{i:03d}" / aid)
    return dest


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def plain(course: Path, aid: str, feedback: bool) -> dict:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", aid, "--log-level=ERROR"], cwd=course,
                   check=True, capture_output=True)
    out = {"autograde_s": time.perf_counter() - t}
    if feedback:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", aid, "--log-level=ERROR"],
                       cwd=course, check=True, capture_output=True)
        out["feedback_s"] = time.perf_counter() - t
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--log-level=ERROR"], cwd=course, check=True,
                   capture_output=True)
    return out


def plain_split(course: Path, aid: str, jobs: int, n: int) -> float:
    """Reference: plain nbgrader in *jobs* processes sharing one gradebook (no sandbox, no feedback)."""
    # one nbgrader process per group of students, chosen by the last digit of the id (a glob)
    groups = ["s0?[" + "".join(str(d) for d in range(10) if d % jobs == k) + "]" for k in range(min(jobs, 10))]
    t = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", aid, f"--student={g}",
                               "--log-level=ERROR"], cwd=course, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for g in groups]
    errors = sum("locked" in p.communicate()[1] for p in procs)
    wall = time.perf_counter() - t
    if errors:
        print(f"  'database is locked' in {errors} of {jobs} processes")
    return wall


def ours(course: Path, which: str, submitted: Path, jobs: int) -> float:
    code = ("import sys; from course.grader import grade_class; "
            f"sys.exit(grade_class({which!r}, submitted={str(submitted)!r}, jobs={jobs}, root={str(course)!r}))")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"course grade failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return wall


def scores(course: Path) -> dict[tuple[str, str], float]:
    with open(course / "grades.csv") as f:
        return {(r["assignment"], r["student_id"]): float(r["raw_score"]) for r in csv.DictReader(f)}


def stages(course: Path) -> dict[str, float]:
    results = json.loads((course / "reports" / "grading" / "results.json").read_text()).values()
    t = [r["timings"] for r in results if r.get("timings", {}).get("total_s")]
    mean = lambda key: statistics.mean(x.get(key, 0) for x in t)  # noqa: E731
    return {"kernel start": mean("kernel_start_s"), "first cell (imports)": mean("first_cell_s"),
            "other cells": mean("run_s") - mean("first_cell_s"),
            "nbgrader bookkeeping + gradebook (scratch)": mean("autograde_s") - mean("kernel_start_s") - mean("run_s"),
            "feedback": mean("feedback_s"), "precheck": mean("precheck_s"), "copies": mean("copy_s"),
            "merge into the gradebook": mean("merge_s"), "per submission in a worker": mean("total_s")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=50)
    parser.add_argument("--assignment", default="01_perceptron")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--with-feedback", action="store_true")
    parser.add_argument("--course", action="store_true", help="time every notebook of one student")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--plain-split", action="store_true",
                        help="also: plain nbgrader in --jobs processes on one gradebook (a reference)")
    args = parser.parse_args()
    aid, n = args.assignment, args.n
    print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        # plain nbgrader grades the first half, then our grader all n, then plain the second half:
        # a load that changes during the run (a shared machine) weighs on both about equally.
        halves = [range(0, n // 2), range(n // 2, n)]
        base = {"autograde_s": 0.0, "feedback_s": 0.0}
        plain_scores: dict = {}

        def plain_half(k: int) -> None:
            a = course_copy(tmp / f"plain{k}", [aid])
            class_of(n, aid, a / "submitted", halves[k])
            print(f"plain nbgrader autograde, serial, {len(halves[k])} submissions of {aid} ...", flush=True)
            got = plain(a, aid, args.with_feedback)
            for key in got:
                base[key] += got[key]
            plain_scores.update(scores(a))
            print(f"  {got['autograde_s']:.1f} s = {got['autograde_s'] / len(halves[k]):.2f} s per submission"
                  + (f" (+ generate_feedback {got['feedback_s']:.1f} s)" if args.with_feedback else "")
                  + f"; {load()}", flush=True)

        if not args.skip_plain:
            plain_half(0)
        if args.plain_split:
            p = course_copy(tmp / "split", [aid])
            class_of(n, aid, p / "submitted")
            print(f"plain nbgrader autograde in {args.jobs} processes on one gradebook ...", flush=True)
            wall = plain_split(p, aid, args.jobs, n)
            print(f"  {wall:.1f} s = {wall / n:.2f} s per submission; {load()}")
        b = course_copy(tmp / "ours", [aid])
        class_of(n, aid, tmp / "class")
        print(f"python -m course grade --jobs {args.jobs} (sandbox, feedback, report), {n} submissions ...",
              flush=True)
        wall = ours(b, aid, tmp / "class", args.jobs)
        print(f"  {wall:.1f} s = {wall / n:.2f} s per submission; {load()}")
        if not args.skip_plain:
            plain_half(1)
            print(f"plain autograde, both halves: {base['autograde_s']:.1f} s = {base['autograde_s'] / n:.2f} s "
                  f"per submission")
            print(f"speed-up against plain autograde: {base['autograde_s'] / wall:.2f}x")
            if args.with_feedback:
                both = base["autograde_s"] + base["feedback_s"]
                print(f"speed-up against plain autograde + generate_feedback: {both / wall:.2f}x")
            same = plain_scores == scores(b)
            print(f"scores agree: {same}")
            if not same:
                diff = {k: (v, scores(b).get(k)) for k, v in plain_scores.items() if scores(b).get(k) != v}
                print(f"  differences (plain, ours): {dict(list(diff.items())[:5])}")
        print("mean seconds per submission, by stage (inside each worker):")
        for stage, secs in stages(b).items():
            print(f"  {stage:<45} {secs:6.2f}")
        if args.course:
            c = course_copy(tmp / "course", sorted(p.name for p in (ROOT / "release").iterdir() if p.is_dir()))
            one = tmp / "one"
            for path in sorted((DEMO / "alice-correct").iterdir()):
                shutil.copytree(path, one / "alice-correct" / path.name)
            for jobs in (1, args.jobs):
                wall = ours(c, "all", one, jobs)
                print(f"every notebook of one student ({len(list(one.glob('*/*')))} notebooks), --jobs {jobs}: "
                      f"{wall:.1f} s; {load()}")
                state = json.loads((c / "reports" / "grading" / "results.json").read_text())
                print("  " + ", ".join(f"{r['assignment'][:2]} {r['timings'].get('total_s', 0):.1f} s"
                                       for r in sorted(state.values(), key=lambda r: r["assignment"])))
                shutil.rmtree(c / "reports")  # results.json would make the next run a no-op
    return 0


if __name__ == "__main__":
    sys.exit(main())
