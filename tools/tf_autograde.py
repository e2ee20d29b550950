"""The TF notebooks (09, 10) of the demo class, graded as `make grade` grades them: `grade_class` with sandboxed
kernels in the "Python 3 (TensorFlow)" kernel and the test cells in the judge (.venv-tf's python), in a temporary
copy of the course.  Students: the demo class's (examples/submitted/, scores from examples/expected.json) and
mallory-patched, who hands in the release's stubs plus a cell that makes every check in the kernel pass
(0 expected, flagged: the judge's checks are not the kernel's).  Prints each submission's grading time and fails
past LIMIT_S per submission.  Run with the main venv's python (nbgrader lives there; this process imports no
TensorFlow):

    .venv/bin/python tools/tf_autograde.py [--no-sandbox]
"""
import csv
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
PATCH = """import course.check as _c
_c.call = lambda fn, *a, _name=None, **k: _c.Result("patched", (), {}, None, (), {})
_c.check = lambda *a, **k: None
for _name in ("close", "equal", "satisfies", "shape", "is_instance", "inputs_unchanged", "finite"):
    setattr(_c.Result, _name, lambda self, *a, **k: self)
"""


def mallory(aid: str) -> str:
    """The release with its stubs, and after the setup cell one that patches course.check in the kernel."""
    nb = json.loads((ROOT / "release" / aid / f"{aid}.ipynb").read_text())
    at = next(i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup")
    nb["cells"].insert(at + 1, {"cell_type": "code", "execution_count": None, "id": "mallory", "metadata": {},
                                "outputs": [], "source": PATCH})
    return json.dumps(nb, indent=1) + "\n"


def main(argv: list[str]) -> int:
    from course.grader import grade_class

    if not tf_env.kernel_installed():
        print("the TensorFlow kernel is not installed: run `make tf`", file=sys.stderr)
        return 2
    ids = tf_env.tf_assignments()
    expected = json.loads((ROOT / "examples" / "expected.json").read_text())["students"]
    failures = []
    with tempfile.TemporaryDirectory(prefix="tf-autograde-") as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", course)
        submitted = Path(tmp) / "submitted"
        for aid in ids:
            shutil.copytree(ROOT / "source" / aid, course / "source" / aid)
            shutil.copytree(ROOT / "release" / aid, course / "release" / aid)
            for folder in sorted((ROOT / "examples" / "submitted").glob(f"*/{aid}")):
                shutil.copytree(folder, submitted / folder.parent.name / aid)
            if not list(submitted.glob(f"*/{aid}")):
                failures.append(f"{aid}: not in the demo class (python examples/build_demo_class.py --only {aid})")
            (submitted / "mallory-patched" / aid).mkdir(parents=True)
            (submitted / "mallory-patched" / aid / f"{aid}.ipynb").write_text(mallory(aid))
        for aid in ids:
            start = time.monotonic()
            code = grade_class(aid, submitted=submitted, jobs=1, root=course, use_sandbox="--no-sandbox" not in argv)
            seconds = time.monotonic() - start
            with open(course / "grades.csv") as f:
                rows = {r["student_id"]: r for r in csv.DictReader(f) if r["assignment"] == aid}
            state = json.loads((course / "reports" / "grading" / "results.json").read_text())
            res = {r["student"]: r for r in state.values() if r["assignment"] == aid}
            print(f"{aid}: exit {code}, {seconds:.1f} s in all; " + "; ".join(
                f"{s} {rows[s]['score']}/{rows[s]['max_score']} in {res[s].get('timings', {}).get('total_s')} s"
                + (" (flagged)" if res[s].get("flagged") else "") for s in sorted(rows)), flush=True)
            if code != 0:
                failures.append(f"{aid}: exit code {code}")
            for student, per in expected.items():
                if aid in per and float(rows[student]["score"]) != per[aid]["score"]:
                    failures.append(f"{aid}: {student} scored {rows[student]['score']}, expected {per[aid]['score']}")
            codes = {i["code"] for i in res["mallory-patched"]["issues"]}
            if float(rows["mallory-patched"]["score"]) != 0 or "tampering" not in codes:
                failures.append(f"{aid}: mallory-patched scored {rows['mallory-patched']['score']} (flags {sorted(codes)})"
                                ": the kernel's checks decided, not the judge's")
            for student, r in res.items():
                total = r.get("timings", {}).get("total_s", 0)
                if total > LIMIT_S:
                    failures.append(f"{aid}: {student} took {total:.0f} s, over {LIMIT_S} s")
    for f in failures:
        print("FAIL", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
