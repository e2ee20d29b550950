"""Seconds that plain ``nbgrader autograde`` takes for ONE submission of a notebook.

    python benchmarks/bench_autograde_one.py 02_activations 03_loss_and_gradients [--repeat 3]

The submission is the source notebook itself (every answer right, so every test
runs to the end: the slowest case).  Each run uses a fresh temporary copy of the
course (nbgrader_config.py + source/<id>), so nothing here touches the repo.
Prints wall seconds per run, the score nbgrader gave, and the machine's load.
Record the figures in docs/performance/<id>.md with the machine and load.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def nbgrader(course: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"], cwd=course, check=True,
                   capture_output=True)


def one_run(aid: str) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "source" / aid, course / "source" / aid)
        nbgrader(course, "generate_assignment", aid, "--force")
        submission = course / "submitted" / "bench-student" / aid
        submission.mkdir(parents=True)
        shutil.copy(ROOT / "source" / aid / f"{aid}.ipynb", submission)
        fixtures = ROOT / "examples" / "fixtures" / aid
        if fixtures.is_dir():
            shutil.copytree(fixtures, submission, dirs_exist_ok=True)
        start = time.perf_counter()
        nbgrader(course, "autograde", aid)
        wall = time.perf_counter() - start
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            sub = gb.find_submission(aid, "bench-student")
            score = f"{sub.score:g} / {sub.max_score:g}"
    return wall, score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ids", nargs="+")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"{platform.node()}: {os.cpu_count()} CPU cores, Python {platform.python_version()}")
    for aid in args.ids:
        for i in range(args.repeat):
            one, five, _ = os.getloadavg()
            wall, score = one_run(aid)
            print(f"{aid} run {i + 1}: nbgrader autograde {wall:.1f} s, score {score} "
                  f"(load average before: {one:.1f} (1 min), {five:.1f} (5 min))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
