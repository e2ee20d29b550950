"""Grading on a Dask cluster: submissions per hour a worker grades, and what the cluster costs.

    python benchmarks/bench_dask.py                     # 24 submissions of 01_perceptron, 2 workers
    python benchmarks/bench_dask.py -n 40 --workers 2 --assignment 02_activations
    python benchmarks/bench_dask.py --scheduler tls://grader-0:8786   # a real cluster (no local run)

On this machine it starts a scheduler and --workers single-threaded ``dask worker``
processes (the command lines, as docs/deploy.md runs them) on 127.0.0.1, then grades the
same submissions (the demo class's correct and partly-wrong notebooks under new student
ids, in fresh copies of the course) twice: ``python -m course grade --jobs W`` (the
local pool) and ``--scheduler`` on the cluster.  The two grades.csv must agree.

Prints, for each: wall time, seconds per submission, submissions per hour per worker; for
the cluster also the set-up of a worker (its first task: bundle, software check,
sandbox check, data) and the per-task overhead (the cluster's share of a task on the
worker, and the head's time to unpack outputs), and the bundle's size.  Record the
figures in docs/performance/dask.md with the machine and its load.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_grading import class_of, course_copy, load  # noqa: E402

DASK = Path(sys.executable).with_name("dask")


def start_cluster(base: Path, workers: int) -> tuple[str, list[subprocess.Popen]]:
    info = base / "scheduler.json"
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(info)], cwd=base,
                              stdout=open(base / "scheduler.log", "wb"), stderr=subprocess.STDOUT)]
    for i in range(workers):
        folder = base / f"w{i}"
        folder.mkdir()
        procs.append(subprocess.Popen([str(DASK), "worker", "--scheduler-file", str(info), "--nthreads", "1",
                                       "--no-dashboard", "--name", f"w{i}", "--local-directory", str(folder)],
                                      cwd=folder, stdout=open(base / f"w{i}.log", "wb"), stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 60
    while not info.is_file() and time.monotonic() < deadline:
        time.sleep(0.2)
    address = json.loads(info.read_text())["address"]
    from distributed import Client
    with Client(address, timeout=30) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def scores(course: Path) -> dict:
    with open(course / "grades.csv") as f:
        return {(r["student_id"], r["assignment"]): r["score"] for r in csv.DictReader(f)}


def run(label: str, course: Path, submitted: Path, aid: str, workers: int, **options) -> dict:
    from course.grader import grade_class
    before = load()
    t0 = time.monotonic()
    with open(course / "grade.log", "w") as log:
        rc = grade_class(aid, submitted=submitted, root=course, out=log, **options)
    wall = time.monotonic() - t0
    assert rc == 0, f"{label}: exit code {rc} (see {course / 'grade.log'})"
    state = json.loads((course / "reports" / "grading" / "results.json").read_text())
    n = len(state)
    per_hour = n / wall * 3600 / workers
    print(f"{label}: {n} submissions in {wall:.1f} s ({wall / n:.2f} s each, "
          f"{per_hour:.0f} per hour per worker); {before} before, {load()} after")
    return {"wall": wall, "n": n, "per_hour_per_worker": per_hour, "results": list(state.values())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=24, help="submissions (default 24)")
    ap.add_argument("--assignment", default="01_perceptron")
    ap.add_argument("--workers", type=int, default=2, help="local pool size and Dask workers (default 2)")
    ap.add_argument("--scheduler", help="an existing cluster: measure only it")
    args = ap.parse_args()
    print(f"{platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}, {load()}")
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        tmp = Path(tmp)
        submitted = class_of(args.n, args.assignment, tmp / "submitted")
        figures = {}
        procs = []
        try:
            if args.scheduler:
                address, workers = args.scheduler, args.workers
            else:
                local = course_copy(tmp / "local", [args.assignment])
                figures["local"] = run(f"local pool, --jobs {args.workers}", local, submitted, args.assignment,
                                       args.workers, jobs=args.workers)
                (tmp / "cluster").mkdir()
                t0 = time.monotonic()
                address, procs = start_cluster(tmp / "cluster", args.workers)
                print(f"scheduler and {args.workers} workers up in {time.monotonic() - t0:.1f} s")
                workers = args.workers
            remote = course_copy(tmp / "remote", [args.assignment])
            figures["dask"] = run(f"Dask, {workers} workers", remote, submitted, args.assignment, workers,
                                  scheduler=address)
            if "local" in figures:
                assert scores(local) == scores(remote), "the cluster's scores differ from the local pool's"
                print("grades.csv: the same scores from both")
        finally:
            for p in reversed(procs):
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
        res = figures["dask"]["results"]
        by_worker: dict[int, list[dict]] = {}
        for r in res:
            by_worker.setdefault(r["worker"], []).append(r)
        first = [max(rs, key=lambda r: r["timings"].get("cluster_s", 0))["timings"]["cluster_s"]
                 for rs in by_worker.values()]
        rest = [r["timings"]["cluster_s"] for rs in by_worker.values()
                for r in sorted(rs, key=lambda r: -r["timings"].get("cluster_s", 0))[1:]]
        head = [r["timings"].get("head_s", 0) for r in res]
        total = [r["timings"]["total_s"] for r in res]
        from course.grader.cluster import make_bundle
        from course.grader.gradebook import definitions_copy
        course = tmp / "remote"
        bundle = make_bundle(course, [args.assignment],
                             definitions_copy(f"sqlite:///{course / 'gradebook.db'}", tmp / "t.db"))
        print(f"course bundle: {len(bundle) / 1024:.0f} KiB; tasks per worker: "
              f"{sorted(len(rs) for rs in by_worker.values())}")
        print(f"worker set-up (its first task's cluster share: bundle, software and sandbox checks, data): "
              f"{', '.join(f'{s:.2f}' for s in first)} s")
        if rest:
            print(f"per task after that: {1000 * statistics.median(rest):.0f} ms on the worker (median), "
                  f"{1000 * statistics.median(head):.0f} ms on the head (outputs, median); "
                  f"grading itself {statistics.median(total):.2f} s (median)")
        if "local" in figures:
            ratio = figures["dask"]["wall"] / figures["local"]["wall"]
            print(f"Dask / local wall time: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
