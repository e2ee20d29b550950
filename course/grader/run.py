"""``python -m course grade``: autograde a class in parallel, safely, and report on it.

1. Submissions come from ``--submitted DIR`` (nbgrader's ``<student>/<assignment>/``
   layout) or are first imported there from an LMS zip (:mod:`.lms`).
2. Every assignment is in the gradebook (else ``generate_assignment`` registers it),
   with the due dates of ``nbgrader_config.py``.
3. ``--jobs N`` worker processes grade the submissions (:mod:`.worker`), each
   kernel in the sandbox (:mod:`.sandbox`), or, with ``--scheduler ADDRESS``, the
   workers of a Dask cluster do (:mod:`.cluster`); the main process alone writes the
   gradebook (:mod:`.gradebook`).  Submissions, release, source and config that are
   unchanged since the last run are not graded again (``--force`` re-grades).
4. ``grades.csv`` (nbgrader's export, a row for every roster student), feedback in
   ``feedback/``, the class report in ``reports/grading/`` (:mod:`.report`, every
   assignment in the gradebook) and a score table on the terminal.

Original submissions are only read.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from . import cluster, gradebook, late, precheck, report, sandbox, worker
from .worker import Job, Result, Settings

#: Bump when grading changes in a way that should re-grade unchanged submissions.
GRADER_VERSION = "1"
STATE = Path("reports") / "grading" / "results.json"


def grade_class(assignment: str, submitted: str | Path = "submitted", jobs: int = 1, *,
                root: str | Path | None = None, use_sandbox: bool = True, zip_file: str | Path | None = None,
                force: bool = False, cell_timeout: int | None = None, notebook_timeout: int | None = None,
                memory_gb: float | None = None, scheduler: str | None = None, out=None,
                defences_off=(), allow_late_class: bool = False, students=()) -> int:
    """Grade *assignment* (an id or ``"all"``); return the exit code.

    *scheduler*: the address of a Dask scheduler (``tcp://HOST:PORT``, ``tls://...``) whose
    workers grade the submissions instead of local processes (:mod:`.cluster`).

    *students*: grade (again, even if unchanged) only these students' submissions; the others' grades stay.

    *defences_off*: names from :data:`~.worker.DEFENCES` to switch off for this run, for the test
    suite's positive controls only (an attack must pay without the defence it targets).  It is an
    argument of this function, never a command-line option and never read from a submission; it
    prints a warning, and the grades it gives must not be used.
    """
    from ..config import ROOT

    out = out or sys.stdout
    worker._quiet()  # nbgrader's gradebook warns about its own SQLAlchemy usage
    root = Path(root or ROOT).resolve()
    submitted = Path(submitted)
    submitted = submitted if submitted.is_absolute() else Path.cwd() / submitted
    config = _load_config(root)
    db_url, course_id = gradebook.locate(root, config)
    say = lambda *a: print(*a, file=out, flush=True)  # noqa: E731

    from ..assignments import generate_release
    known = sorted(p.parent.name for p in (root / "source").glob("*/*.ipynb") if p.stem == p.parent.name)
    if assignment != "all" and assignment not in known:
        print(f"error: no assignment {assignment!r} in {root / 'source'} (have: {', '.join(known)})",
              file=sys.stderr)
        return 2
    if zip_file:
        if assignment == "all":
            print("error: --zip needs one assignment id, not 'all'", file=sys.stderr)
            return 2
        from .lms import ZipImportFailed, import_zip
        try:
            students = import_zip(root, assignment, Path(zip_file), submitted)
        except ZipImportFailed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        say(f"imported {len(students)} submissions of {assignment} from {zip_file} into {submitted}")
    if not submitted.is_dir():
        print(f"error: {submitted} does not exist (expected <student>/<assignment>/ folders)", file=sys.stderr)
        return 2

    defences_off = tuple(sorted(set(defences_off)))
    unknown = set(defences_off) - set(worker.DEFENCES)
    if unknown:
        raise ValueError(f"defences_off: no such defence {sorted(unknown)} (have: {sorted(worker.DEFENCES)})")
    if defences_off and scheduler:
        raise ValueError("defences_off is for local test runs only, not with a Dask scheduler")
    if defences_off:
        print(f"WARNING: DEFENCES OFF for this grading run: {', '.join(defences_off)}. Student code can "
              "forge its grade here; these grades are for testing the grader only, never for a class.",
              file=sys.stderr, flush=True)
        say(f"WARNING: defences off: {', '.join(defences_off)} (test run; do not use these grades)")
    wanted = known if assignment == "all" else [assignment]
    jobs_list = [Job(aid, s.name, str(s / aid)) for aid in wanted
                 for s in sorted(submitted.iterdir()) if s.is_dir() and not s.name.startswith(".")
                 and (s / aid).is_dir()]
    if students:
        absent = sorted(set(students) - {j.student for j in jobs_list})
        if absent:
            print(f"error: no submission of {assignment} in {submitted} for {', '.join(absent)}", file=sys.stderr)
            return 2
        jobs_list = [j for j in jobs_list if j.student in set(students)]
        force = True   # regrading a student means grading them now
    skipped = _without_tf_kernel(root, jobs_list)
    if skipped and assignment != "all":
        print(f"error: {assignment} skipped: run `make tf` (it needs the TensorFlow kernel, "
              f"\"Python 3 (TensorFlow)\", which is not installed)", file=sys.stderr)
        return 2
    for aid, n in skipped.items():
        say(f"{aid}: {n} submission{'s' if n > 1 else ''} skipped: run `make tf` (the TensorFlow kernel is not "
            "installed; the optional appendix is graded with it)")
    jobs_list = [j for j in jobs_list if j.assignment not in skipped]
    if not jobs_list and skipped:
        return 0
    if not jobs_list:
        print(f"error: no submissions of {assignment} in {submitted}", file=sys.stderr)
        return 2
    assignments = sorted({j.assignment for j in jobs_list})
    for aid in assignments:
        if not gradebook.has_assignment(db_url, aid, course_id):
            say(f"{aid} is not in the gradebook yet: running nbgrader generate_assignment")
            generate_release([aid], root=root)
    gradebook.set_due_dates(db_url, course_id, dict(config.DueDates.get("due_dates", {})))
    stale = None if allow_late_class else late.check_class(db_url, course_id, jobs_list)
    if stale:  # last term's due dates, most likely (course/grader/late.py)
        print(f"error: {stale}", file=sys.stderr)
        return 2

    scratch = Path(tempfile.mkdtemp(prefix="dlgrade-"))
    try:
        box = None
        limits = sandbox.Limits(cpu_seconds=2 * (notebook_timeout or 300))
        if memory_gb:
            limits.memory_bytes = int(memory_gb * (1 << 30))
        if use_sandbox and scheduler:  # each worker builds and checks its own sandbox, and its data cache
            box = sandbox.Sandbox(read_only=[], limits=limits)  # only the limits travel
        elif use_sandbox:
            make_box = lambda: sandbox.default_sandbox(  # noqa: E731
                limits, threads=max(1, (os.cpu_count() or 1) // max(1, jobs)),
                matplotlib_cache=_font_cache(scratch))
            try:
                sandbox.check(make_box(), scratch)
            except sandbox.SandboxUnavailable as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 3
            prepare_data(root, assignments, say)
            box = make_box()  # the data cache may exist only now
        else:
            print("WARNING: --no-sandbox: student code runs with your permissions, sees all your files "
                  "(the gradebook, source/, other students' work) and the network. Use it only on a "
                  "machine where you trust these submissions.", file=sys.stderr)
        settings = Settings(
            root=str(root), config_file=str(root / "nbgrader_config.py"),
            template_db=str(gradebook.definitions_copy(db_url, scratch / "template.db")),
            scratch=str(scratch), sandbox=asdict(box) if box else None,
            cell_timeout=cell_timeout, notebook_timeout=notebook_timeout or 300, defences_off=defences_off)
        results, wall = _grade_all(settings, jobs_list, jobs, root, db_url, course_id, force, say,
                                   scheduler=scheduler)
    except cluster.ClusterUnavailable as exc:  # no scheduler there, or no worker came
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    gradebook.export_csv(db_url, course_id, root / "grades.csv")
    table = gradebook.scores(db_url, course_id)  # every assignment and student in the gradebook
    if scheduler:  # the Dask workers that returned results
        jobs = len({r.get("worker") for r in results if not r.get("reused")}) or 1
    run_info = {"jobs": jobs, "scheduler": scheduler, "wall_s": round(wall, 2), "sandbox": use_sandbox,
                "graded_now": sum(1 for r in results if not r.get("reused")),
                "cpus": os.cpu_count()}
    records = report.load_records(root / STATE)
    where = report.write(root / "reports" / "grading", results, table, run_info, records)
    report.print_summary(results, table, run_info, say, records)
    for aid, n in skipped.items():
        say(f"{aid}: skipped: run `make tf` ({n} submission{'s' if n > 1 else ''} not graded)")
    from ..hub_exchange import refused_lines  # submissions in another's name (the hub's collect)
    for line in refused_lines(root, assignments):
        say(line)
    say(f"\ngrades.csv: {root / 'grades.csv'}   feedback: {root / 'feedback'}/   report: {where}")
    return 0


def _without_tf_kernel(root: Path, jobs_list: list[Job]) -> dict[str, int]:
    """Submissions of the TF notebooks (09, 10) per assignment, when their kernel is not installed
    (`make tf`): they are skipped, never graded without it (every cell would fail)."""
    from .. import tf_env
    tf_ids = {j.assignment for j in jobs_list if tf_env.needs_tf(j.assignment, root)}
    if not tf_ids or tf_env.kernel_installed():
        return {}
    return {aid: sum(1 for j in jobs_list if j.assignment == aid) for aid in sorted(tf_ids)}


def prepare_data(root: Path, assignments: list[str], say) -> None:
    """Unpack the data sets the notebooks load into the cache, once: kernels see it read-only.

    What they load is read from the student notebooks in ``release/`` (a Dask worker has no
    ``source/``; :func:`prepare_sets` is what it runs)."""
    from .cluster import data_needs
    prepare_sets({name for a in assignments for name in data_needs(root, a)}, say)


def prepare_sets(needs: set[str], say) -> None:
    """Make the data sets named in *needs* (``cifar10``, ``mnist``) ready in this machine's cache."""
    try:
        if "cifar10" in needs:
            from ..config import data_cache
            from ..datasets import cifar10
            kind = cifar10.source()
            if kind == "jpeg" and not cifar10._jpeg_ready():
                say("unpacking CIFAR-10 into the data cache (once; kernels read it read-only) ...")
                cifar10.extract_jpeg_archive(show_progress=False)
            for split in ("train", "test"):
                if not (data_cache() / f"cifar10-{kind}-{split}.npz").is_file():
                    say(f"decoding CIFAR-10 {split} into the data cache (once) ...")
                    cifar10.load_cifar10_arrays(train=split == "train", show_progress=False)
        if "mnist" in needs:
            from ..datasets import load_mnist
            load_mnist()
    except Exception as exc:  # noqa: BLE001 - the notebooks will say what is missing
        print(f"warning: could not prepare the data sets ({exc}); notebooks that load them may fail",
              file=sys.stderr)


def _load_config(root: Path):
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()


def _font_cache(scratch: Path) -> str | None:
    """A folder with matplotlib's font list, so kernels need not rebuild it (seconds each)."""
    import matplotlib
    cache = Path(matplotlib.get_cachedir())
    if not list(cache.glob("fontlist-*.json")):
        from matplotlib import font_manager  # noqa: F401 - builds the list
    fonts = list(cache.glob("fontlist-*.json"))
    if not fonts:
        return None
    folder = scratch / "mpl"
    folder.mkdir(exist_ok=True)
    for f in fonts:
        shutil.copyfile(f, folder / f.name)
    return str(folder)


def fingerprint(settings: Settings, job: Job) -> str:
    """Changes when anything that decides this submission's grade changes."""
    h = hashlib.sha256()
    root = Path(settings.root)
    h.update(f"{GRADER_VERSION}|{settings.sandbox is not None}|{settings.cell_timeout}|"
             f"{settings.notebook_timeout}|{job.extension_s}".encode())
    if settings.defences_off:  # a test run without some defences never reuses a real grade, nor the reverse
        h.update(f"|defences-off:{','.join(settings.defences_off)}".encode())
    for path in [root / "nbgrader_config.py", *sorted((root / "source" / job.assignment).rglob("*")),
                 *sorted((root / "release" / job.assignment).rglob("*"))]:
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    sub = Path(job.submission)
    for path in precheck.submitted_files(sub, {".ipynb_checkpoints"}):
        h.update(str(path.relative_to(sub)).encode())
        h.update(path.read_bytes())
    h.update("|".join(precheck.links_in(sub)).encode())
    return h.hexdigest()


def _reusable(previous: dict | None, fp: str, root: Path, job: Job, gb) -> bool:
    if not previous or previous.get("fingerprint") != fp:
        return False
    if any(i.get("code") == "grader-error" for i in previous.get("issues", [])):
        return False  # the grader failed (a bug, a lost cluster): grade it again
    from nbgrader.api import MissingEntry
    try:
        gb.find_submission(job.assignment, job.student)
    except MissingEntry:
        return False
    return (root / "feedback" / job.student / job.assignment).is_dir()


def _grade_all(settings: Settings, jobs_list: list[Job], jobs: int, root: Path, db_url: str,
               course_id: str, force: bool, say, scheduler: str | None = None) -> tuple[list[dict], float]:
    from nbgrader.api import Gradebook

    state_file = root / STATE
    state = json.loads(state_file.read_text()) if state_file.is_file() else {}
    results: list[dict] = []
    todo: list[tuple[Job, str]] = []
    t0 = time.monotonic()
    with Gradebook(db_url, course_id) as gb:
        for job in jobs_list:
            key = f"{job.assignment}/{job.student}"
            job.extension_s = _extension(gb, job)
            fp = fingerprint(settings, job)
            if not force and _reusable(state.get(key), fp, root, job, gb):
                results.append({**state[key], "reused": True})
            else:
                todo.append((job, fp))
        box = "sandbox: bubblewrap + prlimit" if settings.sandbox else "NO sandbox"
        where = f"on the Dask cluster at {scheduler}" if scheduler else f"with {jobs} worker(s)"
        say(f"grading {len(todo)} submissions ({len(results)} unchanged since the last run) of "
            f"{len({j.assignment for j in jobs_list})} assignments {where}; {box}")
        # Longest first (from the last run): a slow notebook does not finish last alone.
        todo.sort(key=lambda t: -state.get(f"{t[0].assignment}/{t[0].student}", {})
                  .get("timings", {}).get("total_s", 0))
        done = 0

        def fold(result: Result, fp: str) -> None:
            nonlocal done
            done += 1
            t = time.monotonic()
            gradebook.merge(gb, result)
            result.timings["merge_s"] = round(time.monotonic() - t, 3)
            result.fingerprint = fp
            entry = asdict(result)
            entry["flagged"] = result.flagged
            results.append(entry)
            state[f"{result.assignment}/{result.student}"] = entry
            say(report.progress_line(done, len(todo), entry))

        if scheduler and todo:
            bundle = cluster.make_bundle(root, sorted({j.assignment for j, _ in todo}),
                                         Path(settings.template_db))
            cluster.grade_on_cluster(scheduler, settings, bundle, todo, fold, root, say)
        elif jobs <= 1 or len(todo) <= 1:
            for job, fp in todo:
                fold(_safe_grade(settings, job, (0, Path(settings.scratch) / "0")), fp)
        else:
            pending = todo
            for attempt in (1, 2):  # a pool whose worker died is replaced once
                pending = _pool(settings, pending, jobs, fold, last=attempt == 2)
                if not pending:
                    break
    wall = time.monotonic() - t0
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state, indent=1, sort_keys=True, default=str))
    return results, wall


def _pool(settings: Settings, todo: list, jobs: int, fold, last: bool) -> list:
    """Grade *todo* with worker processes; return the jobs lost to a broken pool (unless *last*)."""
    from concurrent.futures.process import BrokenProcessPool

    ctx = multiprocessing.get_context("spawn")
    slots = ctx.Queue()
    for i in range(jobs):
        slots.put(i)
    lost = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=ctx,
                             initializer=worker.init_worker, initargs=(slots, settings.scratch)) as pool:
        futures = {pool.submit(worker.grade, settings, job): (job, fp) for job, fp in todo}
        for future in as_completed(futures):
            job, fp = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                if not last:
                    lost.append((job, fp))
                    continue
                result = _crashed(job, exc)
            except Exception as exc:  # noqa: BLE001 - a bug of the grader, not of the submission
                result = _crashed(job, exc)
            fold(result, fp)
    return lost


def _extension(gb, job: Job) -> float | None:
    from nbgrader.api import MissingEntry
    try:
        extension = gb.find_submission(job.assignment, job.student).extension
    except MissingEntry:
        return None
    return extension.total_seconds() if extension else None


def _safe_grade(settings: Settings, job: Job, slot) -> Result:
    try:
        return worker.grade(settings, job, slot)
    except Exception as exc:  # noqa: BLE001
        return _crashed(job, exc)


def _crashed(job: Job, exc: BaseException) -> Result:
    issue = precheck.Issue(precheck.ERROR, "grader-error", f"the grader failed on this submission: "
                           f"{type(exc).__name__}: {exc}")
    return Result(job.assignment, job.student, graded=False, issues=[issue.as_dict()])
