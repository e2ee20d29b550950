"""``python -m course grade ... --scheduler``: grading on a real Dask cluster (issue 14).

A real scheduler and two worker processes (the ``dask scheduler`` / ``dask worker``
command lines) on 127.0.0.1, started in folders outside the course.  The same part of
the demo class (01 and 02, every student: a correct, a partial, a corrupt, an
infinite-loop and a late submission) is graded once with the local pool and twice on
the cluster: the scores, flags and outputs must be the same, and a worker killed while
its kernel runs must lose nothing.  Cells are cut after 10 s (dan's loop) in every run,
to keep the module near 2 minutes on 2 cores.
"""
import csv
import importlib.util
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from course.config import ROOT
from test_grading import EXAMPLES, hidden_lines, make_course, read_grades, results

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dask")]

ASSIGNMENTS = ["01_perceptron", "02_activations"]
OPTIONS = {"cell_timeout": 10}
DASK = Path(sys.executable).with_name("dask")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers (no nanny: a killed worker stays dead)."""
    base = tmp_path_factory.mktemp("dask")
    info = base / "scheduler.json"
    env = {**os.environ, "DLCOURSE_GRADE_SCRATCH": str(base / "scratch")}  # w1 is killed: no clean-up of its own
    procs = {"scheduler": subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(info)], cwd=base, env=env,
        stdout=open(base / "scheduler.log", "wb"), stderr=subprocess.STDOUT)}
    for name in ("w1", "w2"):
        folder = base / name
        folder.mkdir()
        procs[name] = subprocess.Popen(
            [str(DASK), "worker", "--scheduler-file", str(info), "--nthreads", "1", "--no-nanny",
             "--no-dashboard", "--name", name, "--local-directory", str(folder)], cwd=folder, env=env,
            stdout=open(base / f"{name}.log", "wb"), stderr=subprocess.STDOUT)
    try:
        from distributed import Client
        deadline = time.monotonic() + 60
        while not info.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, procs, base
    finally:
        for proc in reversed(procs.values()):
            if proc.poll() is None:
                proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    from course.grader import grade_class
    course = make_course(tmp_path_factory.mktemp("local") / "course", ASSIGNMENTS)
    assert grade_class("all", submitted=EXAMPLES / "submitted", jobs=2, root=course, **OPTIONS) == 0
    return course


@pytest.fixture(scope="module")
def dask_run(cluster, tmp_path_factory):
    from course.grader import grade_class
    course = make_course(tmp_path_factory.mktemp("dask-run") / "course", ASSIGNMENTS)
    out = io.StringIO()
    assert grade_class("all", submitted=EXAMPLES / "submitted", root=course, scheduler=cluster[0],
                       out=out, **OPTIONS) == 0
    assert "on the Dask cluster at" in out.getvalue()
    return course


def same_grading(local: Path, remote: Path, students: set[str] | None = None) -> None:
    """grades.csv, every test cell's score, the flags and the output files are the same
    (for *students*, when the remote run graded only them)."""
    students = students or {s for s, _ in read_grades(local)}
    a = {k: v for k, v in read_grades(local).items() if k[0] in students}
    b = read_grades(remote)
    assert a == b
    assert len(a) == 2 * len(students)  # nbgrader exports a 0 where nothing was handed in
    ra = {k: v for k, v in results(local).items() if k[0] in students}
    rb = results(remote)
    assert ra.keys() == rb.keys()
    for key in ra:
        assert ra[key]["graded"] == rb[key]["graded"], key
        assert ra[key]["notebooks"] == rb[key]["notebooks"], key  # per cell: score, max, comment, penalty
        assert {i["code"] for i in ra[key]["issues"]} == {i["code"] for i in rb[key]["issues"]}, key
    for kind in ("autograded", "feedback"):
        files_a = sorted(str(p.relative_to(local)) for p in (local / kind).rglob("*")
                         if p.is_file() and p.relative_to(local / kind).parts[0] in students)
        files_b = sorted(str(p.relative_to(remote)) for p in (remote / kind).rglob("*") if p.is_file())
        assert files_a == files_b
    expected = json.loads((EXAMPLES / "expected.json").read_text())["students"]
    for (student, aid), row in b.items():
        if aid in expected[student]:
            assert float(row["score"]) == pytest.approx(expected[student][aid]["score"]), (student, aid)


def test_scores_identical_to_the_local_pool(local_run, dask_run):
    same_grading(local_run, dask_run)
    res = results(dask_run)
    assert len({r["worker"] for r in res.values()}) == 2, "both workers graded"
    assert all("cluster_s" in r["timings"] for r in res.values())
    feedback = (dask_run / "feedback" / "bob-partial" / "02_activations" / "02_activations.html").read_text()
    assert "hidden tests ran here" in feedback  # the course's feedback, made on the worker
    assert "no-feedback" not in {i["code"] for r in res.values() for i in r["issues"]}


def test_rerun_on_the_cluster_grades_nothing_again(cluster, dask_run):
    from course.grader import grade_class
    before = (dask_run / "grades.csv").read_text()
    out = io.StringIO()
    assert grade_class("all", submitted=EXAMPLES / "submitted", root=dask_run, scheduler=cluster[0],
                       out=out, **OPTIONS) == 0
    assert "grading 0 submissions" in out.getvalue()
    assert (dask_run / "grades.csv").read_text() == before


def test_the_bundle_holds_no_solution_but_the_hidden_tests(dask_run, tmp_path):
    from course.grader import cluster as cl
    from course.grader import gradebook
    db = gradebook.definitions_copy(f"sqlite:///{dask_run / 'gradebook.db'}", tmp_path / "t.db")
    bundle = cl.make_bundle(dask_run, ASSIGNMENTS, db)
    with tarfile.open(fileobj=io.BytesIO(bundle)) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    assert not [n for n in members if n.startswith("source/") and n.endswith(".ipynb")]
    assert {"nbgrader_config.py", "template.db", "manifest.json",
            *(f"release/{a}/{a}.ipynb" for a in ASSIGNMENTS)} <= set(members)
    everything = b"\n".join(members.values()).decode(errors="replace")
    for aid in ASSIGNMENTS:
        source = dask_run / "source" / aid / f"{aid}.ipynb"
        release = (dask_run / "release" / aid / f"{aid}.ipynb").read_text()
        solutions = [line for line in _solution_lines(source) if line not in release]
        assert solutions, aid
        leaked = [line for line in solutions if line in everything]
        assert not leaked, f"{aid}: solution lines in the bundle: {leaked[:3]}"
        hidden = hidden_lines(source)
        assert hidden and all(line in members["template.db"].decode(errors="replace") for line in hidden), aid
    manifest = json.loads(members["manifest.json"])
    assert manifest["assignments"]["02_activations"]["policy"]["hidden_modules"] == ["functions"]
    assert str(dask_run) not in everything  # nothing names the head's folders


def _solution_lines(notebook: Path) -> list[str]:
    lines, inside = [], False
    for cell in json.loads(notebook.read_text())["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if "BEGIN SOLUTION" in line:
                inside = True
            elif "END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) > 12:
                lines.append(line.strip())
    return lines


def test_a_worker_without_a_sandbox_leaves_and_its_task_goes_elsewhere(cluster, dask_run, tmp_path):
    """A worker that cannot start bubblewrap (not on its PATH) takes a task: it leaves the
    cluster, its nanny-less process ends, and the task is graded by another worker."""
    from distributed import Client

    from course.grader import cluster as cl
    from course.grader import gradebook
    address, _, base = cluster
    env = {**os.environ, "PATH": str(Path(sys.executable).parent),  # no /usr/bin: no bwrap
           "DLCOURSE_GRADE_SCRATCH": str(tmp_path / "scratch")}
    log = base / "nobwrap.log"
    proc = subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                             "--name", "nobwrap", "--local-directory", str(tmp_path)], cwd=tmp_path, env=env,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    try:
        with Client(address, timeout=30) as client:
            client.wait_for_workers(3, timeout=60)
            bad = next(a for a, w in client.scheduler_info(n_workers=-1)["workers"].items()
                       if w["name"] == "nobwrap")
            db = gradebook.definitions_copy(f"sqlite:///{dask_run / 'gradebook.db'}", tmp_path / "t.db")
            bundle = cl.make_bundle(dask_run, ASSIGNMENTS, db)
            student = "bob-partial"
            payload = cl.pack_submission(EXAMPLES / "submitted" / student / "01_perceptron")
            future = client.submit(cl.grade_task, bundle,
                                   {"assignment": "01_perceptron", "student": student, "extension_s": None},
                                   payload, {"use_sandbox": True, "limits": None, **OPTIONS},
                                   workers=[bad], allow_other_workers=True, pure=False)
            result, outputs, where = future.result(timeout=180)
        assert proc.wait(timeout=60) is not None
        assert where != bad
        assert result.graded
        assert {i["code"] for i in result.issues} == \
            {i["code"] for i in results(dask_run)[(student, "01_perceptron")]["issues"]}
        assert result.notebooks == results(dask_run)[(student, "01_perceptron")]["notebooks"]
        assert "cannot grade" in log.read_text() and "bwrap" in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_worker_killed_mid_run_loses_nothing(cluster, local_run, tmp_path_factory):
    """w1 is killed (SIGKILL) while its kernel runs: its task is graded again on w2."""
    from distributed import Client

    from course.grader import grade_class
    address, procs, _ = cluster
    base = tmp_path_factory.mktemp("dask-kill")
    course = make_course(base / "course", ASSIGNMENTS)
    students = {"alice-correct", "bob-partial", "carol-corrupt", "erin-late"}  # dan's loop: time only
    for student in students:
        shutil.copytree(EXAMPLES / "submitted" / student, base / "submitted" / student)
    outcome = {}

    def run():
        outcome["rc"] = grade_class("all", submitted=base / "submitted", root=course, scheduler=address,
                                    out=io.StringIO(), **OPTIONS)

    grading = threading.Thread(target=run)
    grading.start()
    victim = psutil.Process(procs["w1"].pid)
    kernels, killed_key = [], None
    with Client(address, timeout=30) as client:
        w1 = next(a for a, w in client.scheduler_info(n_workers=-1)["workers"].items() if w["name"] == "w1")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and grading.is_alive():
            kernels = [p for p in victim.children(recursive=True) if "bwrap" in p.name()]
            if kernels:
                time.sleep(1)  # the kernel is running the notebook
                killed_key = [k for k in client.processing(workers=[w1])[w1] if "dlcourse-grade" in k]
                os.kill(victim.pid, signal.SIGKILL)
                break
            time.sleep(0.05)
    grading.join(timeout=300)
    assert not grading.is_alive()
    assert kernels and killed_key, "w1 never ran a kernel: nothing was killed mid-task"
    procs["w1"].wait(timeout=10)
    assert outcome["rc"] == 0
    same_grading(local_run, course, students)  # every submission, w1's included, graded as by the local pool
    res = results(course)
    assert not [k for k, r in res.items() if "grader-error" in {i["code"] for i in r["issues"]}]
    time.sleep(1)
    assert not [p for p in kernels if p.is_running() and p.status() != psutil.STATUS_ZOMBIE], \
        "the killed worker's kernel outlived it"


TF_AID = "10_tensorflow_v1"


@pytest.mark.skipif(not __import__("course.tf_env", fromlist=["x"]).kernel_installed(),
                    reason="the TensorFlow kernel is not installed (`make tf`; `make test-tf` runs this test)")
def test_a_tf_notebook_on_the_cluster(cluster, tmp_path):
    """10 graded on the workers, whose course bundle has no source/ notebook: the judge must still run
    .venv-tf's python (tf_env.needs_tf reads release/ there), and the scores are the demo class's."""
    from course.grader import grade_class
    course = make_course(tmp_path / "course", [TF_AID])
    submitted = tmp_path / "submitted"
    for student in ("alice-correct", "bob-partial"):
        shutil.copytree(EXAMPLES / "submitted" / student / TF_AID, submitted / student / TF_AID)
    # mallory hands in the stubs plus a cell that patches course.check in her kernel (tools/tf_autograde.py)
    spec = importlib.util.spec_from_file_location("tf_autograde", ROOT / "tools" / "tf_autograde.py")
    tf_autograde = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tf_autograde)
    (submitted / "mallory-patched" / TF_AID).mkdir(parents=True)
    (submitted / "mallory-patched" / TF_AID / f"{TF_AID}.ipynb").write_text(tf_autograde.mallory(TF_AID))
    # (TensorFlow's import alone can take 10 s on a busy machine: not the module's 10-second cell limit)
    assert grade_class(TF_AID, submitted=submitted, root=course, scheduler=cluster[0], cell_timeout=120) == 0
    expected = json.loads((EXAMPLES / "expected.json").read_text())["students"]
    grades = read_grades(course)
    for student in ("alice-correct", "bob-partial"):
        assert float(grades[(student, TF_AID)]["score"]) == pytest.approx(expected[student][TF_AID]["score"]), student
    assert all(r["worker"] >= 0 and "cluster_s" in r["timings"] for r in results(course).values()), "not on the cluster"
    mallory = results(course)[("mallory-patched", TF_AID)]
    assert float(grades[("mallory-patched", TF_AID)]["score"]) == 0, "the kernel's patched checks decided the grade"
    assert "tampering" in {i["code"] for i in mallory["issues"]}
