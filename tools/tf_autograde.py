"""One real autograde of the TF notebooks (09, 10), as `python -m course grade` runs it: sandboxed kernels in the
"Python 3 (TensorFlow)" kernel, in a temporary copy of the course.  Two students per notebook: one hands in the
solutions (full marks expected), one the release as it is (0 expected).  Prints each notebook's grading time and
fails past LIMIT_S.  Run with the main venv's python (nbgrader lives there; this process imports no TensorFlow):

    .venv/bin/python tools/tf_autograde.py [--no-sandbox]
"""
import csv
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course import tf_env  # noqa: E402

LIMIT_S = 60


def builder():
    spec = importlib.util.spec_from_file_location("build_demo_class", ROOT / "examples" / "build_demo_class.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    from course.grader import grade_class

    if not tf_env.kernel_installed():
        print("the TensorFlow kernel is not installed: run `make tf`", file=sys.stderr)
        return 2
    demo = builder()
    ids = tf_env.tf_assignments()
    failures = []
    with tempfile.TemporaryDirectory(prefix="tf-autograde-") as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", course)
        for aid in ids:
            shutil.copytree(ROOT / "source" / aid, course / "source" / aid)
            shutil.copytree(ROOT / "release" / aid, course / "release" / aid)
        submitted = Path(tmp) / "submitted"
        for student, answers in (("alice-correct", demo.solutions), ("stub-only", lambda aid: {})):
            for aid in ids:
                folder = submitted / student / aid
                folder.mkdir(parents=True)
                (folder / f"{aid}.ipynb").write_text(demo.notebook_with(aid, answers(aid)))
                (folder / "timestamp.txt").write_text(demo.stamp(aid))
        for aid in ids:
            start = time.monotonic()
            code = grade_class(aid, submitted=submitted, jobs=1, root=course, use_sandbox="--no-sandbox" not in argv)
            seconds = time.monotonic() - start
            with open(course / "grades.csv") as f:
                rows = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == aid}
            alice, stub = rows["alice-correct"], rows["stub-only"]
            state = json.loads((course / "reports" / "grading" / "results.json").read_text())
            per = {r["student"]: r.get("timings", {}) for r in state.values() if r["assignment"] == aid}
            print(f"{aid}: exit {code}; alice {alice['score']}/{alice['max_score']}, stub {stub['score']}; "
                  f"{seconds:.1f} s for both; per submission: "
                  + ", ".join(f"{s} {t.get('total_s', t)}" for s, t in per.items()), flush=True)
            if code != 0 or float(alice["score"]) != float(alice["max_score"]) or float(stub["score"]) != 0:
                failures.append(f"{aid}: unexpected scores (exit {code})")
            if seconds / 2 > LIMIT_S:
                failures.append(f"{aid}: {seconds / 2:.0f} s per submission, over {LIMIT_S} s")
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
