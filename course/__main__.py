"""Command line: ``python -m course <command>``.

    data fetch          make every data set ready (mirror -> cache, or download)
    data verify         check every data file's checksum
    release [ID ...]    generate release/ from source/ with nbgrader
    grade ID|all        autograde submitted/ (see --help; --student NAME regrades one student)
    check PATH          grade one notebook as the class grader does (needs the course's source/)
    lab                 JupyterLab on the course with nbgrader's extensions
    hub [setup|demo]    JupyterHub for a class on localhost (see python -m course hub --help)
    roster import CSV   put the class roster (id, name, email, lms_user_id) into the gradebook
    export --format canvas|moodle   the gradebook as the LMS's gradebook-import CSV (docs/lms.md)
    similarity ID|all   rank pairs of students by shared answer code (copy detection, Dolos)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="fetch or verify the data sets")
    data.add_argument("action", choices=["fetch", "verify"])

    rel = sub.add_parser("release", help="generate release/ from source/")
    rel.add_argument("ids", nargs="*")

    grade = sub.add_parser("grade", help="autograde a class")
    grade.add_argument("assignment", help="an assignment id, or 'all'")
    grade.add_argument("--submitted", default="submitted",
                       help="folder of <student>/<assignment>/ submissions (default: submitted)")
    grade.add_argument("--jobs", type=int, default=1, help="parallel workers")
    from .grader import add_arguments
    add_arguments(grade)

    chk = sub.add_parser("check", help="grade one notebook as the class grader does (python -m course check PATH)")
    chk.add_argument("path", type=Path, help="a notebook, or the folder that holds it")

    lab = sub.add_parser("lab", help="start JupyterLab on the course")
    lab.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to jupyter lab")

    hub = sub.add_parser("hub", help="JupyterHub for a class (python -m course hub --help)", add_help=False)
    hub.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to course.hub")

    roster = sub.add_parser("roster", help="import the class roster into the gradebook", add_help=False)
    roster.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to course.roster")
    export = sub.add_parser("export", help="the gradebook as an LMS gradebook-import CSV (docs/lms.md)")
    export.add_argument("--format", required=True, choices=["canvas", "moodle"], dest="fmt")
    export.add_argument("--out", type=Path, help="the CSV to write (default: grades-FORMAT.csv in the course)")
    similar = sub.add_parser("similarity", help="copy detection across a class (python -m course similarity -h)",
                             add_help=False)
    similar.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to course.similarity")

    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command not in ("lab", "hub", "roster", "similarity"):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "lab":
        args.extra = unknown + [a for a in args.extra if a != "--"]
    if args.command == "data":
        from .datasets import manage
        return manage.fetch() if args.action == "fetch" else manage.verify()
    if args.command == "check":
        from .selfcheck import main as check_main
        return check_main([str(args.path)])
    if args.command == "release":
        from .assignments import generate_release
        generate_release(args.ids or None)
        return 0
    if args.command == "grade":
        from .grader import from_arguments, grade_class
        return grade_class(args.assignment, submitted=args.submitted, jobs=args.jobs, **from_arguments(args))
    if args.command == "hub":
        from .hub import main as hub_main
        return hub_main(unknown + args.extra)
    if args.command in ("roster", "similarity"):
        from importlib import import_module

        from .config import ROOT
        return import_module(f".{args.command}", __package__).main(unknown + args.extra, ROOT)
    if args.command == "export":
        from .config import ROOT
        from .grader.lms import export_main
        return export_main(args.fmt, args.out, ROOT)
    if args.command == "lab":
        from .lab import main as lab_main
        return lab_main(args.extra)
    return 2


if __name__ == "__main__":
    sys.exit(main())
