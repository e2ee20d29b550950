"""The grader's parts, one at a time (fast: no kernels, except one sandboxed probe)."""
import io
import json
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from course.config import ROOT
from course.grader import precheck, redact, sandbox
from course.grader.late import LatePenalty
from test_grading import EXAMPLES, make_course

AID = "01_perceptron"
RELEASE = ROOT / "release" / AID
GOOD = EXAMPLES / "submitted" / "alice-correct" / AID / f"{AID}.ipynb"


def ids(nb):
    return [precheck.nbmeta(c).get("grade_id") for c in nb.cells if precheck.nbmeta(c).get("grade_id")]


def release_ids():
    return [c.grade_id for c in precheck.release_cells(RELEASE / f"{AID}.ipynb")]


def repaired(nb):
    issues = precheck.repair(nb, precheck.release_cells(RELEASE / f"{AID}.ipynb"), AID)
    return nb, {i.code for i in issues}


# --- precheck ------------------------------------------------------------------------------
def test_intact_notebook_needs_no_repair():
    nb, codes = repaired(nbformat.read(str(GOOD), as_version=4))
    assert codes == set()
    assert ids(nb) == release_ids()


def test_deleted_metadata_is_put_back_by_matching_the_release():
    nb = nbformat.read(str(GOOD), as_version=4)
    for c in nb.cells:
        c.metadata.pop("nbgrader", None)
    nb, codes = repaired(nb)
    assert codes == {"metadata-restored"}
    assert ids(nb) == release_ids()


def test_deleted_answer_and_test_cells():
    nb = nbformat.read(str(GOOD), as_version=4)
    nb.cells = [c for c in nb.cells if precheck.nbmeta(c).get("grade_id") not in ("perceptron", "test_perceptron")]
    nb, codes = repaired(nb)
    assert {"deleted-cells", "missing-answers"} <= codes
    assert "test_perceptron" in ids(nb) and "perceptron" not in ids(nb)
    # put back right after its predecessor that survived (the setup cell)
    order = ids(nb)
    assert order.index("test_perceptron") == order.index("setup") + 1


def test_duplicates_keep_only_the_last_copy_labelled():
    nb = nbformat.read(str(GOOD), as_version=4)
    i = ids(nb).index("test_or")
    labelled = [c for c in nb.cells if precheck.nbmeta(c).get("grade_id")]
    nb.cells.insert(nb.cells.index(labelled[i]), nbformat.from_dict(json.loads(json.dumps(labelled[i]))))
    nb, codes = repaired(nb)
    assert "duplicated" in codes
    assert ids(nb).count("test_or") == 1
    assert all("nbgrader" not in c.metadata or c.metadata["nbgrader"] for c in nb.cells)  # no empty dicts


def test_unknown_ids_and_broken_metadata_are_removed():
    nb = nbformat.read(str(GOOD), as_version=4)
    labelled = [c for c in nb.cells if precheck.nbmeta(c).get("grade_id")]
    labelled[-1].metadata["nbgrader"]["grade_id"] = "xor_v0"          # an older release's id
    labelled[1].metadata["nbgrader"]["schema_version"] = "banana"    # does not validate
    nb, codes = repaired(nb)
    assert {"old-release", "bad-metadata"} <= codes
    assert "xor_v0" not in ids(nb)


def test_find_notebooks(tmp_path):
    (tmp_path / f"{AID}-Copy1.ipynb").write_text("{}")
    found, issues = precheck.find_notebooks(tmp_path, [AID])
    assert found[AID].name == f"{AID}-Copy1.ipynb" and issues[0].code == "renamed"
    found, issues = precheck.find_notebooks(tmp_path / "nothing", [AID])
    assert not found and issues[0].code == "missing" and issues[0].level == "error"


@pytest.mark.parametrize("text, why", [("{\"cells\": [", "not valid JSON"), ("[1, 2]", "not a notebook"),
                                       ("\xff\xfe", "not")])
def test_corrupt_notebooks_are_refused_with_a_reason(tmp_path, text, why):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(text.encode("latin-1"))
    nb, issues = precheck.read_notebook(path, AID)
    assert nb is None and issues[0].code == "corrupt" and why in issues[0].message


def test_bad_timestamp_is_reported_and_dropped(tmp_path):
    sub, dest = tmp_path / "sub", tmp_path / "dest"
    sub.mkdir()
    shutil.copy(GOOD, sub)
    (sub / "timestamp.txt").write_text("yesterday-ish")
    gradable, issues = precheck.inspect_submission(sub, RELEASE, dest)
    assert gradable == [AID]
    assert "timestamp" in {i.code for i in issues}
    assert not (dest / "timestamp.txt").exists()  # nbgrader would stop on it


def test_symbolic_links_are_never_followed(tmp_path):
    sub, dest = tmp_path / "sub", tmp_path / "dest"
    sub.mkdir()
    shutil.copy(GOOD, sub)
    (sub / "answers.txt").symlink_to(ROOT / "source" / AID / f"{AID}.ipynb")
    (sub / "everything").symlink_to(ROOT / "source", target_is_directory=True)
    gradable, issues = precheck.inspect_submission(sub, RELEASE, dest)
    assert gradable == [AID] and "symlinks" in {i.code for i in issues}
    assert sorted(p.name for p in dest.iterdir()) == [f"{AID}.ipynb"]


# --- feedback redaction ----------------------------------------------------------------------
def test_output_lines_quoting_hidden_tests_are_blanked():
    source = "check(1)\n### BEGIN HIDDEN TESTS\nsecret_call(42)\n### END HIDDEN TESTS"
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 1, "locked": True}
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr",
                                           text="file.py:3: UserWarning: careful\n  secret_call(42)\n")]
    cell, _ = redact.RedactHiddenLines().preprocess_cell(cell, {}, 0)
    assert "secret_call" not in cell.outputs[0]["text"]
    assert redact.REDACTED in cell.outputs[0]["text"]


# --- late policy -------------------------------------------------------------------------------
def test_late_penalty_per_started_day():
    plugin = LatePenalty(percent_per_day=10)
    assert plugin.late_submission_penalty("s", 10.0, 0) is None
    assert plugin.late_submission_penalty("s", 10.0, 60) == pytest.approx(1.0)
    assert plugin.late_submission_penalty("s", 10.0, 86400 + 1) == pytest.approx(2.0)
    assert plugin.late_submission_penalty("s", 10.0, 30 * 86400) == pytest.approx(10.0)
    assert LatePenalty(percent_per_day=10, grace_minutes=15).late_submission_penalty("s", 10.0, 600) is None
    assert LatePenalty(penalty_method="zero").late_submission_penalty("s", 7.0, 5) == 7.0


def test_config_sets_the_late_policy():
    from traitlets.config.loader import PyFileConfigLoader
    c = PyFileConfigLoader("nbgrader_config.py", str(ROOT)).load_config()
    assert c.AssignLatePenalties.plugin_class == "course.grader.late.LatePenalty"
    assert c.LatePenalty.percent_per_day > 0
    assert set(c.DueDates.due_dates) >= set(p.name for p in (ROOT / "release").iterdir() if p.is_dir())
    feedback = c.GenerateFeedback.preprocessors
    assert feedback.index("course.grader.redact.RedactHiddenLines") < feedback.index("course.feedback.HideHiddenTests")


# --- sandbox -----------------------------------------------------------------------------------
def test_sandbox_command_shows_only_what_it_should(tmp_path):
    box = sandbox.default_sandbox()
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed")
    cmd = sandbox.Sandbox(**{**box.__dict__}).command(["python", "-V"], workdir=str(tmp_path / "w"),
                                                       runtime_dir=str(tmp_path / "rt"), name=AID, uid=61999)
    assert "--unshare-net" in cmd and "--unshare-pid" in cmd and "--die-with-parent" in cmd
    bound = [cmd[i + 1] for i, a in enumerate(cmd) if a in ("--ro-bind", "--ro-bind-try", "--bind")]
    for secret in (ROOT / "source", ROOT / "gradebook.db", ROOT / "feedback", ROOT / "autograded", ROOT):
        assert str(secret) not in bound, secret
    assert str(ROOT / "course") in bound
    assert cmd[cmd.index("--bind") + 2] == f"/home/student/{AID}"
    assert any(a.startswith("--nproc=") for a in cmd) and any(a.startswith("--data=") for a in cmd)


def test_sandbox_keeps_a_symlinked_venv_at_its_own_path(tmp_path):
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed")
    box = sandbox.Sandbox(read_only=["/opt/real-venv"], aliases={"/srv/course/.venv": "/opt/real-venv"})
    cmd = box.command(["python"], workdir=str(tmp_path / "w"), runtime_dir=str(tmp_path / "rt"), name=AID,
                      uid=61999)
    pairs = [(cmd[i + 1], cmd[i + 2]) for i, a in enumerate(cmd) if a in ("--ro-bind-try", "--bind")]
    assert ("/opt/real-venv", "/srv/course/.venv") in pairs
    assert (str(tmp_path / "w"), f"/home/student/{AID}") in pairs
    assert cmd[cmd.index("--chdir") + 1] == f"/home/student/{AID}"


def test_sandbox_check_runs_a_probe(tmp_path):
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed")
    sandbox.check(sandbox.default_sandbox(), tmp_path)  # raises SandboxUnavailable if it cannot


def test_sandbox_kernel_starts_without_the_idle_wait_and_runs_code(tmp_path):
    """The sandbox's client replaces jupyter_client's wait_for_ready (a fixed 0.2 s IOPub wait)."""
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed")
    import asyncio
    import os
    from dataclasses import asdict

    runtime, work = tmp_path / "rt", tmp_path / "work"
    for folder in (runtime, work):
        folder.mkdir()
        os.chmod(folder, 0o777)
    km = sandbox.SandboxKernelManager(sandbox=asdict(sandbox.default_sandbox()), runtime_dir=str(runtime),
                                      workdir_name="hw", sandbox_uid=1_234_567)

    async def session():
        await km.start_kernel(cwd=str(work))
        kc = km.client()
        assert isinstance(kc, sandbox.SandboxKernelClient)
        assert type(kc).wait_for_ready is sandbox.SandboxKernelClient._async_wait_for_ready
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            msg_id = kc.execute("import os; print(os.getcwd())")
            reply = await kc.get_shell_msg(timeout=30)
            assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["status"] == "ok"
            while True:  # the first message about our request is its output, not a start-up leftover
                msg = await kc.get_iopub_msg(timeout=10)
                if msg["msg_type"] == "stream":
                    assert msg["parent_header"]["msg_id"] == msg_id
                    assert msg["content"]["text"].strip() == f"{sandbox.HOME}/hw"
                    break
        finally:
            await km.shutdown_kernel(now=True)
            kc.stop_channels()
        assert not await km.is_alive()

    asyncio.run(session())


def test_no_bubblewrap_fails_closed(tmp_path, monkeypatch, capsys):
    from course.grader import grade_class
    course = make_course(tmp_path / "course", [AID])
    sub = tmp_path / "submitted" / "alice" / AID
    shutil.copytree(GOOD.parent, sub)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # no bwrap, no prlimit
    assert grade_class(AID, submitted=tmp_path / "submitted", root=course) == 3
    err = capsys.readouterr().err
    assert "bwrap" in err and "apt-get install bubblewrap" in err and "--no-sandbox" in err
    assert not (course / "feedback").exists() and not (course / "grades.csv").exists()


# --- LMS zip ------------------------------------------------------------------------------------
def test_lms_zip_is_collected_by_student(tmp_path):
    from course.grader.lms import import_zip
    course = make_course(tmp_path / "course", [AID])
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(GOOD, f"lovelaceada_1001_2001_{AID}.ipynb")
        z.write(GOOD, f"babbagecharles_LATE_1002_2002_{AID}-1.ipynb")
        z.writestr("readme.html", "<p>downloaded from the LMS</p>")
    dest = tmp_path / "submitted"
    assert import_zip(course, AID, archive, dest) == ["babbagecharles", "lovelaceada"]
    assert (dest / "lovelaceada" / AID / f"{AID}.ipynb").read_bytes() == GOOD.read_bytes()
    assert (dest / "babbagecharles" / AID / f"{AID}-1.ipynb").is_file()  # graded as renamed


def test_lms_zip_that_matches_nothing_says_how_to_fix_it(tmp_path):
    from course.grader.lms import ZipImportFailed, import_zip
    course = make_course(tmp_path / "course", [AID])
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(GOOD, "no-pattern-here.ipynb")
    with pytest.raises(ZipImportFailed, match="named_regexp"):
        import_zip(course, AID, archive, tmp_path / "submitted")


# --- the report ---------------------------------------------------------------------------------
def test_report_from_results(tmp_path):
    from course.grader import report
    results = [{"assignment": AID, "student": "ada", "flagged": True, "graded": False,
                "issues": [{"level": "error", "code": "corrupt", "message": "not valid JSON", "notebook": AID}],
                "timings": {"total_s": 2.0, "kernel_start_s": 0.5, "run_s": 1.0, "first_cell_s": 0.4},
                "cells": [{"cell": "test_and", "seconds": 0.2, "status": "ok"}], "notebooks": {}}]
    table = {AID: {"max_score": 7.0, "duedate": None, "students": {
        "ada": {"score": 0.0, "raw": 0.0, "late_penalty": 0.0, "timestamp": None, "seconds_late": 0},
        "bob": {"score": 5.6, "raw": 7.0, "late_penalty": 1.4, "timestamp": "x", "seconds_late": 97200}},
        "cells": [{"notebook": AID, "cell": "test_and", "points": 1.0, "passed": 1, "graded": 2}]}}
    path = report.write(tmp_path, results, table, {"jobs": 2, "wall_s": 3.0, "sandbox": True, "cpus": 2})
    md = (tmp_path / "index.md").read_text()
    assert path.is_file() and (tmp_path / f"{AID}.png").is_file()
    assert "not valid JSON" in md and "1 d 3 h" in md and "| test_and | 1 | 1/2 | 50 % |" in md
    lines = []
    report.print_summary(results, table, {"jobs": 2, "wall_s": 3.0}, lines.append)
    assert any("ada" in ln and "0/7!" in ln for ln in lines) and any("5.6/7L" in ln for ln in lines)


@pytest.mark.slow
def test_zip_import_then_grade_without_sandbox_warns(tmp_path, capsys):
    from course.grader import grade_class
    course = make_course(tmp_path / "course", [AID])
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(GOOD, f"lovelaceada_1001_2001_{AID}.ipynb")
    code = grade_class(AID, submitted=tmp_path / "submitted", root=course, zip_file=archive, use_sandbox=False)
    assert code == 0
    captured = capsys.readouterr()
    assert "WARNING: --no-sandbox" in captured.err
    assert "imported 1 submissions" in captured.out
    grades = (course / "grades.csv").read_text()
    assert f"{AID},2026-04-24 14:59:00,,lovelaceada,,,,7.0,0.0,7.0,7.0" in grades
