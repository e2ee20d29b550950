"""Grading one submission in a scratch copy of the course.

Each worker process owns a *slot*: a scratch folder and, when the grader is root,
an unprivileged uid for its kernels.  For every submission it

1. builds a mini course in the slot: a copy of the definitions-only gradebook, the
   assignment's non-notebook files, and the submission as :mod:`.precheck` repaired it;
2. runs nbgrader's own ``Autograde`` converter there (in this process), with
   :class:`~.execute.GuardedExecute` in place of ``Execute`` and kernels in the sandbox;
3. runs nbgrader's ``GenerateFeedback`` (the course config hides hidden tests), stopped
   after ``FEEDBACK_TIMEOUT_S`` (:func:`run_limited`);
4. reads the scores back from the slot's gradebook and copies the autograded
   notebook and the feedback into the course.

Only the main process writes to the course's gradebook (:mod:`.gradebook`), so
workers never contend for the SQLite file.
"""
from __future__ import annotations

import html
import json
import logging
import os
import random
import select
import shutil
import signal
import stat
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import precheck
from .precheck import ERROR, INFO, WARNING, Issue


@dataclass
class Settings:
    """What every job shares (picklable: it crosses into worker processes)."""
    root: str                       # the course
    config_file: str                # its nbgrader_config.py
    template_db: str                # gradebook with the assignments and no students
    scratch: str                    # parent folder of the slots
    sandbox: dict | None = None     # Sandbox fields; None runs kernels unconfined
    cell_timeout: int | None = None
    notebook_timeout: int = 300
    defences_off: tuple = ()        # test runs only (run.grade_class's defences_off): see DEFENCES


#: defences a test run may switch off (``grade_class(..., defences_off=...)``), for positive controls:
#: an attack must pay when the defence it targets is off.  Never set from a submission.
DEFENCES = {
    "judge": "graded test cells run in the student's kernel, as plain nbgrader runs them",
    "screen": "no static screen of the student's cells",
    "probe": "the judge's integrity probe's findings are ignored",
    "withheld": "the kernel sees the real test labels (no redacted stand-ins)",
    "hidden_modules": "the kernel can import the modules that hold the answers",
    "repairs": "the notebook is graded as handed in (no test cell's metadata, tags or type put back)",
    "scoring": "nbgrader scores the test cells' outputs itself (no GuardScores)",
    "code_files": "code files handed in beside the notebook are given to the kernel",
    "safe_path": "the kernel runs without PYTHONSAFEPATH: its folder is on sys.path, as in plain Jupyter",
}


@dataclass
class Job:
    assignment: str
    student: str
    submission: str                 # the folder as submitted; never written to
    extension_s: float | None = None  # an extension given in the course gradebook (formgrader)


@dataclass
class Result:
    assignment: str
    student: str
    graded: bool = False
    issues: list[dict] = field(default_factory=list)
    notebooks: dict = field(default_factory=dict)   # name -> {grades, comments, late_penalty}
    timestamp: str | None = None
    seconds_late: float = 0.0
    timings: dict = field(default_factory=dict)
    cells: list[dict] = field(default_factory=list)
    fingerprint: str = ""
    worker: int = 0

    @property
    def flagged(self) -> bool:
        return any(i["level"] in (ERROR, WARNING) for i in self.issues)


FEEDBACK_TIMEOUT_S = 60  # rendering one notebook's feedback takes well under a second
_slot: tuple[int, Path] | None = None
_Feedback = None
_config_cache: dict = {}
_policy_cache: dict = {}


def init_worker(slots, scratch: str) -> None:
    """Process-pool initializer: claim a slot (index) from the queue."""
    global _slot
    index = slots.get()
    _slot = (index, Path(scratch) / str(index))
    _quiet()


def _quiet() -> None:
    from sqlalchemy.exc import SAWarning
    warnings.filterwarnings("ignore", category=SAWarning)
    warnings.filterwarnings("ignore", message=".*Kernel is running over TCP.*")
    logging.getLogger("traitlets").setLevel(logging.WARNING)


def _base_config(path: str):
    if path not in _config_cache:
        from traitlets.config.loader import PyFileConfigLoader
        _config_cache[path] = PyFileConfigLoader(os.path.basename(path), os.path.dirname(path)).load_config()
    from traitlets.config import Config
    config = Config()
    config.merge(_config_cache[path])
    return config


class _Capture(logging.Handler):
    """Warnings and errors of an nbgrader run; a traceback is kept as its last line."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.errors: list[str] = []

    def emit(self, record):
        text = record.getMessage().strip()
        if not text:
            return
        lines = text.splitlines()
        self.lines.append(lines[-1] if text.startswith("Traceback") else lines[0])
        if record.levelno >= logging.ERROR and text.startswith("Traceback"):
            self.errors.append(lines[-1])


def _reset(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


#: what the kernel is never given from a submission: code that an import could pick up
CODE_SUFFIXES = {".py", ".pyc", ".pyw", ".pyd", ".so", ".pth", ".egg", ".whl"}


def code_files(src: Path) -> list[str]:
    return sorted(str(p.relative_to(src)) for p in precheck.submitted_files(src, precheck.IGNORED)
                  if p.suffix.lower() in CODE_SUFFIXES)


def _copy_tree(src: Path, dest: Path, skip=precheck.IGNORED - {"timestamp.txt"}, code: bool = False) -> None:
    for path in precheck.submitted_files(src, skip):  # never through a symbolic link
        rel = path.relative_to(src)
        if path.suffix.lower() in CODE_SUFFIXES and not code:  # data only: a numpy.py must not shadow numpy
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / rel)


def source_files(root: Path, assignment: str) -> list[Path]:
    """The assignment's files besides its notebooks (nbgrader copies them over submissions)."""
    folder = root / "source" / assignment
    return [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".ipynb"
            and not (set(p.relative_to(folder).parts) & precheck.IGNORED)]


def grade(settings: Settings, job: Job, slot: tuple[int, Path] | None = None) -> Result:
    """Grade one submission; never raises for anything the submission does."""
    _quiet()
    index, base = slot or _slot or (0, Path(settings.scratch) / "0")
    root, aid, student = Path(settings.root), job.assignment, job.student
    result = Result(aid, student, worker=index)
    t0 = time.monotonic()
    course = _reset(base / "course")
    work, runtime = _reset(base / "work"), _reset(base / "rt")
    shutil.copyfile(settings.template_db, course / "gradebook.db")
    if job.extension_s:  # the late penalty must see it
        from datetime import timedelta

        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            gb.update_or_create_student(student)
            gb.add_submission(aid, student, extension=timedelta(seconds=job.extension_s))
    extras = source_files(root, aid)
    for path in extras:
        rel = path.relative_to(root / "source" / aid)
        (course / "source" / aid / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, course / "source" / aid / rel)
    (course / "source" / aid).mkdir(parents=True, exist_ok=True)

    submitted = course / "submitted" / student / aid
    issues: list[Issue] = []
    try:
        gradable, issues = precheck.inspect_submission(
            Path(job.submission), root / "release" / aid, submitted,
            {str(p.relative_to(root / "source" / aid)) for p in extras})
    except Exception as exc:  # noqa: BLE001 - never lose the batch to one submission
        gradable = []
        issues.append(Issue(ERROR, "unreadable", f"the submission could not be read: {exc}"))
    result.timestamp = _timestamp(submitted)
    handed_in_code = code_files(Path(job.submission)) if Path(job.submission).is_dir() else []
    if handed_in_code:
        issues.append(Issue(WARNING, "code-files", "code files handed in beside the notebook were not given "
                            "to the kernel (they could shadow modules): " + ", ".join(handed_in_code[:10])))
    off = set(settings.defences_off)
    if "repairs" in off:  # test runs only: nbgrader gets the notebooks as handed in
        for name in gradable:
            original = Path(job.submission) / f"{name}.ipynb"
            if original.is_file():
                shutil.copyfile(original, submitted / f"{name}.ipynb")
    hidden = tuple(assignment_policy(settings.root, aid).get("hidden_modules", ()))
    if "screen" not in off:
        issues += _screen([submitted / f"{name}.ipynb" for name in gradable], hidden)
    result.timings["precheck_s"] = round(time.monotonic() - t0, 3)

    report_file = base / "execute.json"
    report_file.unlink(missing_ok=True)
    _scoring_file(report_file).unlink(missing_ok=True)
    if gradable:
        _copy_tree(Path(job.submission), work, code="code_files" in off)
        for path in extras:  # the instructor's files win, as nbgrader does
            rel = path.relative_to(root / "source" / aid)
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, work / rel)
        # A fresh random uid per kernel: no other kernel (of this run, of the last job's fork bomb,
        # of another grading run at the same time) shares its process limit.
        uid = random.SystemRandom().randrange(1_000_000, 2_000_000_000)
        from .sandbox import give_to_sandbox_user
        if settings.sandbox is not None:
            give_to_sandbox_user(work, uid)
        config = _config(settings, course, job, work, runtime, report_file, uid)
        t1 = time.monotonic()
        log = _run_converter("Autograde", config)
        result.timings["autograde_s"] = round(time.monotonic() - t1, 3)
        autograded = course / "autograded" / student / aid
        if not any(autograded.glob("*.ipynb")):
            issues.append(Issue(ERROR, "not-graded", "nbgrader could not grade this submission: "
                                + (" | ".join(dict.fromkeys(log[:2])) or "no notebook was produced")))
        else:
            t2 = time.monotonic()
            issues += _feedback(config, course / "feedback" / student / aid,
                                sorted(p.stem for p in autograded.glob("*.ipynb")))
            result.timings["feedback_s"] = round(time.monotonic() - t2, 3)
        issues += _execution_issues(report_file, result)
        issues += _scoring_issues(_scoring_file(report_file))
        if any(i.code == "not-graded" for i in issues):
            # the sandbox can write there: never through a link, never more than the end
            tail = read_tail(runtime / "kernel.log").strip().splitlines()[-3:]
            if tail:
                issues.append(Issue(INFO, "kernel-log", "kernel log: " + " | ".join(tail)))
    _read_scores(course, job, result)
    result.graded = bool(result.notebooks) and not any(i.level == ERROR for i in issues
                                                        if i.code in ("not-graded", "unreadable"))
    result.issues = [i.as_dict() for i in issues]
    t3 = time.monotonic()
    _publish(course, root, job, result)
    result.timings["copy_s"] = round(time.monotonic() - t3, 3)
    result.timings["total_s"] = round(time.monotonic() - t0, 3)
    return result


def _timestamp(submitted: Path) -> str | None:
    stamp = submitted / "timestamp.txt"
    if not stamp.is_file():
        return None
    from nbgrader.utils import parse_utc
    try:
        return parse_utc(stamp.read_text().strip()).isoformat()
    except Exception:  # noqa: BLE001 - precheck reported it
        return None


def _config(settings: Settings, course: Path, job: Job, work: Path, runtime: Path,
            report_file: Path, uid: int):
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                        LimitOutput, SaveAutoGrades)

    from .execute import GuardedExecute
    from .scoring import GuardScores

    c = _base_config(settings.config_file)
    c.CourseDirectory.root = str(course)
    c.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    c.CourseDirectory.assignment_id = job.assignment
    c.CourseDirectory.student_id = job.student
    c.Autograde.create_student = True
    off = set(settings.defences_off)
    c.Autograde.autograde_preprocessors = [GuardedExecute, IgnorePattern, ClearMetadataPreprocessor,
                                           LimitOutput, *([] if "scoring" in off else [GuardScores]),
                                           SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    c.GuardScores.report_file = str(_scoring_file(report_file))
    if settings.cell_timeout:
        c.Execute.timeout = settings.cell_timeout
    c.GuardedExecute.notebook_timeout = settings.notebook_timeout
    c.GuardedExecute.shutdown_kernel = "immediate"  # the notebook is done: no 0.1-0.2 s graceful exit
    c.GuardedExecute.workdir = str(work)
    c.GuardedExecute.report_file = str(report_file)
    if settings.sandbox is not None:
        c.GuardedExecute.sandboxed = True
        c.SandboxKernelManager.sandbox = settings.sandbox
        c.SandboxKernelManager.runtime_dir = str(runtime)
        c.SandboxKernelManager.workdir_name = job.assignment
        c.SandboxKernelManager.sandbox_uid = uid
    policy = assignment_policy(settings.root, job.assignment)
    if settings.sandbox is not None and policy.get("hidden_modules") and "hidden_modules" not in off:
        c.SandboxKernelManager.sandbox = {**c.SandboxKernelManager.sandbox,
                                          "hidden": hidden_modules(runtime.parent, policy["hidden_modules"])}
    if settings.sandbox is not None and policy.get("withheld") and "withheld" not in off:  # issue 10: the judge reads the real data
        c.SandboxKernelManager.sandbox = withheld_data(c.SandboxKernelManager.sandbox, policy["withheld"],
                                                       Path(settings.scratch) / "withheld")
    if settings.sandbox is not None and "safe_path" in off:  # an empty PYTHONSAFEPATH is no PYTHONSAFEPATH
        box = c.SandboxKernelManager.sandbox
        c.SandboxKernelManager.sandbox = {**box, "env": {**box.get("env", {}), "PYTHONSAFEPATH": ""}}
    if policy.get("judge") and "judge" not in off:
        judge_dir = _reset(runtime.parent / "judge")
        c.GuardedExecute.judge = True
        c.GuardedExecute.judge_probe = "probe" not in off
        c.GuardedExecute.judge_dir = str(judge_dir)
        c.GuardedExecute.judge_workdir_name = job.assignment
        c.GuardedExecute.judge_uid = random.SystemRandom().randrange(1_000_000, 2_000_000_000)
        c.GuardedExecute.judge_withheld = list(policy.get("withheld") or [])
        from .. import tf_env
        if tf_env.needs_tf(job.assignment, Path(settings.root)):  # the judge imports TensorFlow, never torch
            c.GuardedExecute.judge_python = str(tf_env.python())
        if settings.sandbox is not None:
            c.GuardedExecute.judge_sandbox = settings.sandbox
            # the kernel reaches the judge's socket, read-only
            kernel_box = c.SandboxKernelManager.sandbox
            c.SandboxKernelManager.sandbox = {**kernel_box, "read_only": [*kernel_box["read_only"], str(judge_dir)]}
    return c


def _screen(notebooks, hidden: tuple[str, ...]) -> list[Issue]:
    """The static screen of what the student wrote (flags for review, never a score)."""
    import nbformat

    from .screen import screen_notebook
    issues = []
    for path in notebooks:
        try:
            found = screen_notebook(nbformat.read(str(path), as_version=4), hidden)
        except Exception:  # noqa: BLE001 - precheck has read it already; a screen never loses a batch
            continue
        if found:
            issues.append(Issue(WARNING, "tampering", "code that could interfere with grading: "
                                + "; ".join(found[:12]) + (" ..." if len(found) > 12 else ""),
                                Path(path).stem))
    return issues


def hidden_modules(slot: Path, names: list[str]) -> dict[str, str]:
    """``course.<name>`` modules that hold an assignment's answers -> a stub that says so on import."""
    import course
    package = Path(course.__file__).resolve().parent
    (package / "__pycache__").mkdir(exist_ok=True)  # masked with a tmpfs: it must exist
    hidden = {}
    for name in names:
        stub = slot / f"hidden-{name}.py"
        stub.write_text(f"raise ImportError('course.{name} is not available while this notebook is graded: "
                        "it holds answers to its exercises')\n")
        os.chmod(stub, 0o644)
        hidden[str(package / f"{name}.py")] = str(stub)
    return hidden


def withheld_data(box: dict, names: list[str], store: Path) -> dict:
    """The kernel's sandbox with redacted stand-ins bound over every copy of the data that
    ``metadata.dlcourse.withheld`` names (``course/datasets/withheld.py``), and the names in its
    environment (``DLCOURSE_WITHHELD``: the loaders then read the stand-ins and say so once)."""
    from ..datasets.files import WITHHELD_ENV
    from ..datasets.withheld import kernel_view
    return {**box, "hidden": {**box.get("hidden", {}), **kernel_view(names, store)},
            "env": {**box.get("env", {}), WITHHELD_ENV: ",".join(names)}}


def assignment_policy(root: str, assignment: str) -> dict:
    """The source notebook's ``metadata.dlcourse`` (e.g. ``judge: true``): the instructor's, never the
    submission's."""
    path = Path(root) / "source" / assignment / f"{assignment}.ipynb"
    key = (str(path), path.stat().st_mtime_ns if path.is_file() else 0)
    if key not in _policy_cache:
        try:
            _policy_cache[key] = json.loads(path.read_text()).get("metadata", {}).get("dlcourse", {})
        except (OSError, ValueError):
            _policy_cache[key] = {}
    return _policy_cache[key]


def _run_converter(name: str, config) -> list[str]:
    """Run an nbgrader converter in this process; return its warnings and errors."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    global _Feedback
    if _Feedback is None:
        _Feedback = _feedback_class()

    capture = _Capture()
    logger = logging.getLogger("traitlets")
    logger.addHandler(capture)
    try:
        coursedir = CourseDirectory(config=config)
        converter = {"Autograde": Autograde, "GenerateFeedback": _Feedback}[name]
        converter(coursedir=coursedir, config=config).start()
    except BaseException as exc:  # noqa: BLE001 - nbgrader raises NbGraderException, SystemExit, ...
        if isinstance(exc, KeyboardInterrupt):
            raise
        capture.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        logger.removeHandler(capture)
    return [line[:300] for line in capture.errors or capture.lines]


def _feedback(config, folder: Path, names: list[str], timeout: float = FEEDBACK_TIMEOUT_S) -> list[Issue]:
    """nbgrader's GenerateFeedback, stopped after *timeout* seconds (a pathological notebook must not
    stall the worker); a plain page when it fails."""
    _warm_feedback(config)
    try:
        log = run_limited(lambda: _run_converter("GenerateFeedback", config), timeout)
    except (TimeoutError, RuntimeError) as exc:
        why = f"feedback could not be generated: {exc}"
    else:
        if any(folder.glob("*.html")):
            return []
        why = "feedback could not be generated: " + " | ".join(log[-2:])
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in names:
        (folder / f"{name}.html").write_text(
            f"<!DOCTYPE html><meta charset='utf-8'><title>{html.escape(name)}: no feedback</title>"
            f"<h1>{html.escape(name)}</h1><p>Your notebook was graded, but its feedback page could not "
            "be made. Your instructor has been told and can show you the graded notebook.</p>",
            encoding="utf-8")
    return [Issue(WARNING, "no-feedback", why[:600] + "; a plain page was written instead")]


class _OutOfTime(KeyboardInterrupt):
    """Raised by the alarm; a KeyboardInterrupt, so that no ``except Exception`` on the way swallows it."""


def run_limited(fn, timeout: float):
    """``fn()`` with a time limit: an alarm in this process's main thread (a pool worker's jobs run
    there; no fork, so caches and imports stay warm), else in a forked child (:func:`run_forked`)."""
    import threading
    if threading.current_thread() is not threading.main_thread():
        return run_forked(fn, timeout)

    def ring(signum, frame):
        raise _OutOfTime()
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return fn()
    except _OutOfTime:
        raise TimeoutError(f"it timed out after {timeout:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_forked(fn, timeout: float):
    """``fn()`` in a forked child, whose JSON result comes back through a pipe; the child is
    killed after *timeout* seconds (TimeoutError); RuntimeError when it fails."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(json.dumps(fn()).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    deadline, chunks, status = time.monotonic() + timeout, [], None
    try:
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([pipe], [], [], left)[0]:
                    raise TimeoutError(f"it timed out after {timeout:g} s")
                chunk = pipe.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if status != 0 or not chunks:
        raise RuntimeError(f"its process failed (wait status {status})")
    return json.loads(b"".join(chunks))


def _warm_feedback(config) -> None:
    """Compile the feedback exporter here, once, so that forked children inherit it."""
    global _Feedback
    if _Feedback is None:
        _Feedback = _feedback_class()
    from nbgrader.coursedir import CourseDirectory
    _Feedback(coursedir=CourseDirectory(config=config), config=config).cached_exporter()


def _feedback_class():
    from nbconvert.writers import FilesWriter
    from nbgrader.converters import GenerateFeedback

    class Feedback(GenerateFeedback):
        """nbgrader's GenerateFeedback, with its HTML exporter kept between submissions.

        A new exporter compiles its Jinja templates again: half a second per submission.
        The exporter depends only on the course config, which is the same for every job.
        """
        _exporters: dict = {}

        def cached_exporter(self):
            key = (self.exporter_class, tuple(map(str, self.preprocessors)))
            if key not in self._exporters:
                exporter = self.exporter_class(parent=self, config=self.config)
                for pp in self.preprocessors:
                    exporter.register_preprocessor(pp)
                self._exporters[key] = exporter
            return self._exporters[key]

        def start(self) -> None:
            self.init_notebooks()
            self.writer = FilesWriter(parent=self, config=self.config)
            self.exporter = self.cached_exporter()
            cwd = os.getcwd()
            os.chdir(self.coursedir.root)
            try:
                self.convert_notebooks()
            finally:
                os.chdir(cwd)

    return Feedback


def _execution_issues(report_file: Path, result: Result) -> list[Issue]:
    if not report_file.is_file():
        return []
    issues = []
    for report in json.loads(report_file.read_text()):
        name = report.get("notebook") or ""
        result.timings["kernel_start_s"] = result.timings.get("kernel_start_s", 0) + report["kernel_start_s"]
        result.timings["run_s"] = result.timings.get("run_s", 0) + report["run_s"]
        cells = report["cells"]
        result.timings["first_cell_s"] = result.timings.get("first_cell_s", 0) + (cells[0]["seconds"] if cells else 0)
        result.cells += [{**c, "notebook": name} for c in cells]
        issues += _event_issues(report["events"], name)
    return issues


def _event_issues(events: list[dict], name: str) -> list[Issue]:
    """One issue per kind of event, e.g. two cells that timed out."""
    by_kind: dict[str, list[str]] = {}
    for event in events:
        by_kind.setdefault(event["kind"], []).append(event["message"])
    return [Issue(INFO if kind in ("output-truncated", "kernel-retry") else WARNING, kind,
                  "; ".join(dict.fromkeys(messages)), name) for kind, messages in by_kind.items()]


def _scoring_file(report_file: Path) -> Path:
    return report_file.with_name("scoring.json")


def _scoring_issues(path: Path) -> list[Issue]:
    """What :class:`~.scoring.GuardScores` changed before nbgrader scored the test cells."""
    if not path.is_file():
        return []
    events = json.loads(path.read_text())
    return [issue for name in dict.fromkeys(e["notebook"] for e in events)
            for issue in _event_issues([e for e in events if e["notebook"] == name], name)]


def read_tail(path: Path, limit: int = 4096) -> str:
    """The last *limit* bytes of a file that untrusted code could have replaced: a link, a FIFO,
    a device or a folder there reads as nothing."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return ""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return ""
        os.lseek(fd, max(0, info.st_size - limit), os.SEEK_SET)
        return os.read(fd, limit).decode(errors="replace")
    finally:
        os.close(fd)


def _read_scores(course: Path, job: Job, result: Result) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            submission = gb.find_submission(job.assignment, job.student)
        except MissingEntry:
            return
        result.seconds_late = submission.total_seconds_late
        for nb in submission.notebooks:
            if not (course / "autograded" / job.student / job.assignment / f"{nb.name}.ipynb").is_file():
                continue
            result.notebooks[nb.name] = {
                "grades": {g.name: {"auto_score": g.auto_score, "max_score": g.max_score,
                                    "needs_manual_grade": g.needs_manual_grade} for g in nb.grades},
                "comments": {c.name: c.auto_comment for c in nb.comments},
                "late_penalty": nb.late_submission_penalty,
            }


def _replace(src: Path, dest: Path) -> None:
    """Put a copy of *src* at *dest*, replacing it (a partial copy is never left behind)."""
    tmp = dest.parent / f".{dest.name}.tmp-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    if src.is_dir():
        shutil.copytree(src, tmp)
    if dest.exists():
        shutil.rmtree(dest)
    if tmp.exists():
        tmp.rename(dest)


def _publish(course: Path, root: Path, job: Job, result: Result) -> None:
    """autograded/ and feedback/ of this submission, into the course."""
    for kind in ("autograded", "feedback"):
        dest = root / kind / job.student / job.assignment
        dest.parent.mkdir(parents=True, exist_ok=True)
        _replace(course / kind / job.student / job.assignment, dest)
    if not result.graded:  # the student still learns why
        dest = root / "feedback" / job.student / job.assignment
        dest.mkdir(parents=True, exist_ok=True)
        reasons = "".join(f"<li>{html.escape(i['message'])}</li>" for i in result.issues
                          if i["level"] == ERROR)
        (dest / "not-graded.html").write_text(
            f"<!DOCTYPE html><meta charset='utf-8'><title>{html.escape(job.assignment)}: not graded</title>"
            f"<h1>{html.escape(job.assignment)}: your submission could not be graded</h1>"
            f"<ul>{reasons}</ul><p>Your instructor has been told. Fix the problem and submit again, "
            "or talk to your instructor.</p>", encoding="utf-8")
