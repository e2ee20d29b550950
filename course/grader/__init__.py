"""Grading a class: ``python -m course grade ID|all --submitted DIR --jobs N``.

=============  ====================================================================
``run``        the command: import, fan out to workers, merge, export, report
``worker``     one submission in a scratch copy of the course (nbgrader in-process)
``precheck``   what is wrong with a submission, and the repairs nbgrader needs
``execute``    nbgrader's Execute with time/output limits that never lose a batch
``sandbox``    bubblewrap + prlimit around every student kernel
``gradebook``  the single writer of gradebook.db; grades.csv
``report``     the class report and the terminal table
``lms``        an LMS zip through nbgrader's zip_collect
``late``       the late-submission policy (configured in nbgrader_config.py)
``cluster``    grading on a Dask cluster (``--scheduler``): course bundle, tasks, outputs
=============  ====================================================================
"""
__all__ = ["grade_class", "add_arguments", "from_arguments"]


def grade_class(assignment: str, submitted="submitted", jobs: int = 1, **options) -> int:
    """See :func:`course.grader.run.grade_class` (imported late: ``python -m course`` stays fast)."""
    from pathlib import Path

    from ..config import ROOT
    from ..shared_course import CourseBusy, grading_session
    from .run import grade_class as run
    try:
        with grading_session(Path(options.get("root") or ROOT)):  # one run at a time; group-writable outputs
            return run(assignment, submitted=submitted, jobs=jobs, **options)
    except CourseBusy as exc:
        import sys
        print(f"error: {exc}", file=sys.stderr)
        return 2


def add_arguments(parser) -> None:
    """The ``grade`` subcommand's options beyond assignment, --submitted and --jobs."""
    parser.add_argument("--zip", dest="zip_file", metavar="FILE",
                        help="import an LMS download (one zip) with nbgrader zip_collect into --submitted first")
    parser.add_argument("--no-sandbox", dest="use_sandbox", action="store_false",
                        help="run student code WITHOUT the sandbox (machines without bubblewrap; prints a warning)")
    parser.add_argument("--force", action="store_true", help="re-grade submissions that did not change")
    parser.add_argument("--cell-timeout", type=int, metavar="S",
                        help="seconds per cell (default: c.Execute.timeout in nbgrader_config.py)")
    parser.add_argument("--notebook-timeout", type=int, metavar="S",
                        help="wall-clock seconds per notebook (default 300)")
    parser.add_argument("--memory-gb", type=float, metavar="GB", help="memory per kernel process (default 4)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="grade on the workers of a Dask cluster (tcp://HOST:PORT or tls://HOST:PORT) "
                             "instead of --jobs local processes (docs/deploy.md)")
    parser.add_argument("--student", dest="students", action="append", default=[], metavar="NAME",
                        help="grade only this student's submission, again (repeat for several); the others' "
                             "grades stay as they are")
    parser.add_argument("--allow-late-class", action="store_true",
                        help="grade even when every submission is more than a week late (else: stop, exit 2; "
                             "the due dates are probably last term's)")


def from_arguments(args) -> dict:
    return {k: getattr(args, k) for k in ("zip_file", "use_sandbox", "force", "cell_timeout", "notebook_timeout",
                                          "memory_gb", "scheduler", "allow_late_class", "students")
            if hasattr(args, k)}
