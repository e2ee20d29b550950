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


# --- cell limits -------------------------------------------------------------------------------
def test_after_a_timeout_later_cells_get_the_short_limit():
    """A student whose code loops is cut once per notebook (one full cell timeout), not once per cell."""
    import time
    from course.grader.execute import GuardedExecute
    ex = GuardedExecute(timeout=60, timeout_after_timeout=10, notebook_timeout=300)
    ex._t0, ex._events = time.monotonic(), []
    cell = nbformat.v4.new_code_cell("XOR(0, 1)")
    assert ex._get_timeout(cell) == 60
    ex._event("cell-timeout", "test_xor ran past its 60 s limit and was interrupted", "test_xor")
    assert ex._get_timeout(cell) == 10
    ex._t0 -= 295  # and the notebook's own budget still caps it
    assert ex._get_timeout(cell) <= 5


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


def test_sandbox_client_leaves_no_stale_kernel_info_reply():
    """A kernel too slow for the first kernel_info: its late reply must not be left on the shell channel."""
    import asyncio
    from queue import Empty

    class Channel:
        def __init__(self):
            self.queue = []

        async def get_msg(self, timeout=None):
            if not self.queue:
                raise Empty
            return self.queue.pop(0)

    class SlowKernel(sandbox.SandboxKernelClient):
        shell_channel = iopub_channel = None  # plain attributes instead of the ZMQ channels

        def kernel_info(self):
            self.requests.append(f"kernel_info_{len(self.requests)}")
            if len(self.requests) >= 2:  # busy at first: both replies come once it is asked again
                for parent in self.requests[len(self.shell_replied):]:
                    self.shell_channel.queue.append({"msg_type": "kernel_info_reply", "content": {},
                                                     "parent_header": {"msg_id": parent}})
                    self.shell_replied.append(parent)
                    self.iopub_channel.queue.append({"msg_type": "status"})
            return self.requests[-1]

        async def _async_is_alive(self):
            return True

        def _handle_kernel_info_reply(self, msg):
            self.ready_on = msg["parent_header"]["msg_id"]

    kc = SlowKernel()
    kc.shell_channel, kc.iopub_channel = Channel(), Channel()
    kc.requests, kc.shell_replied = [], []
    asyncio.run(kc.wait_for_ready(timeout=30))
    assert kc.requests == ["kernel_info_0", "kernel_info_1"] and kc.ready_on == "kernel_info_1"
    assert kc.shell_channel.queue == [], "a stale reply would be the next reader's 'reply'"


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
    entry = {"score": 0.0, "raw": 0.0, "late_penalty": 0.0, "timestamp": None, "seconds_late": 0,
             "flagged": False, "missing": False}
    table = {AID: {"max_score": 7.0, "duedate": None, "students": {
        "ada": {**entry, "flagged": True},
        "bob": {**entry, "score": 5.6, "raw": 7.0, "late_penalty": 1.4, "timestamp": "x", "seconds_late": 97200},
        "cy": {**entry, "missing": True},    # on the roster, nothing handed in
        "dee": {**entry, "flagged": True}},  # flagged in formgrader, by an instructor: no record of a run
        "cells": [{"notebook": AID, "cell": "test_and", "points": 1.0, "passed": 1, "graded": 2}]}}
    records = {f"{AID}/ada": results[0]}  # results.json: the reasons of the run that flagged it
    path = report.write(tmp_path, results, table, {"jobs": 2, "wall_s": 3.0, "sandbox": True, "cpus": 2}, records)
    md = (tmp_path / "index.md").read_text()
    assert path.is_file() and (tmp_path / f"{AID}.png").is_file()
    assert "not valid JSON" in md and "1 d 3 h" in md and "| test_and | 1 | 1/2 | 50 % |" in md
    assert "2 flagged" in md and "| cy | missing |" in md
    assert "flagged in the gradebook (in formgrader, or by an earlier run" in md  # dee: no record
    lines = []
    report.print_summary(results, table, {"jobs": 2, "wall_s": 3.0}, lines.append, records)
    assert any("ada" in ln and "0/7!" in ln for ln in lines) and any("5.6/7L" in ln for ln in lines)
    assert any(ln.startswith("cy") and "missing" in ln for ln in lines) and "\nFlagged (2):" in lines


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


# --- what a dishonest submission must not get away with (issue 10) ------------------------------
def _cell(nb, gid):
    return next(c for c in nb.cells if precheck.nbmeta(c).get("grade_id") == gid)


def test_release_cell_types_metadata_tags_and_kernel_are_put_back():
    nb = nbformat.read(str(GOOD), as_version=4)
    _cell(nb, "test_and").metadata["tags"] = ["skip-execution", "raises-exception"]
    _cell(nb, "test_or").metadata["nbgrader"]["points"] = 100
    _cell(nb, "test_nand").metadata["nbgrader"]["grade"] = False
    raw = _cell(nb, "test_xor")
    raw.cell_type = "raw"
    del raw["outputs"], raw["execution_count"]
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "x", "language": "python"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    issues = precheck.repair(nb, precheck.release_cells(RELEASE / f"{AID}.ipynb"), AID)
    issues += precheck.restore_notebook_metadata(nb, RELEASE / f"{AID}.ipynb", AID)
    message = next(i.message for i in issues if i.code == "edited-metadata")
    for part in ("test_and: tag raises-exception removed; tag skip-execution removed",
                 "test_or: points 1 (was 100)", "test_nand: grade True (was False)",
                 "test_xor: cell type code (was raw)"):
        assert part in message
    release = nbformat.read(str(RELEASE / f"{AID}.ipynb"), as_version=4)
    for gid in ("test_and", "test_or", "test_nand", "test_xor"):
        assert _cell(nb, gid).metadata == _cell(release, gid).metadata
        assert _cell(nb, gid).cell_type == "code"
    assert nb.metadata["kernelspec"] == release.metadata["kernelspec"] and "widgets" not in nb.metadata
    assert {i.code for i in issues} == {"edited-metadata", "kernelspec"}
    nbformat.validate(nb)


def _test_cell(outputs, count=1, points=2):
    cell = nbformat.v4.new_code_cell("check()", execution_count=count)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": points,
                                 "grade_id": "test_x", "schema_version": 3}
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return cell


def _result(value):
    return {"output_type": "execute_result", "execution_count": 1, "metadata": {},
            "data": {"text/plain": value}}


ERROR = {"output_type": "error", "ename": "CheckFailure", "evalue": "AND(1, 1) returned 0", "traceback": []}
STDERR = {"output_type": "stream", "name": "stderr", "text": "oops\n"}


@pytest.mark.parametrize("outputs, count, score, kinds", [
    ([_result("2"), ERROR], 1, 0, {"score-output"}),              # a result before the error
    ([_result("2"), STDERR], 1, 0, {"score-output"}),
    ([_result("2"), _result("0.5")], 1, 0.5, {"score-output"}),    # the cell's own value is the last
    ([_result("1.5")], 1, 1.5, set()),                              # partial credit, as nbgrader does
    ([_result("99")], 1, 0, {"score-output"}),                      # nbgrader would raise
    ([], None, 0, {"test-not-run"}),                                # skipped: nbgrader gives full marks
    ([], 3, 2, set()),                                              # ran, passed, printed nothing
])
def test_test_cell_scores_what_its_run_deserves(outputs, count, score, kinds):
    from nbgrader.utils import determine_grade

    from course.grader.scoring import normalise
    cell = _test_cell(outputs, count)
    assert {kind for kind, _ in normalise(cell)} == kinds
    assert determine_grade(cell)[0] == score


def _guarded(**limits):
    from course.grader.execute import GuardedExecute
    ex = GuardedExecute(**limits)
    ex.nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x"), nbformat.v4.new_code_cell("y")])
    ex.reset_execution_trackers()
    ex.clear_before_next_output, ex._events, ex._cell_truncated = False, [], set()
    ex._nb_bytes = ex._cell_bytes = 0
    return ex


def _msg(kind, **content):
    return {"msg_type": kind, "header": {"msg_type": kind}, "parent_header": {"msg_id": "p"},
            "content": content}


def test_output_count_is_capped_but_what_scores_is_kept():
    ex = _guarded(max_outputs=5, max_notebook_outputs=8)
    cell = ex.nb.cells[0]
    for _ in range(100):
        ex.process_message(_msg("display_data", data={}, metadata={}), cell, 0)
    ex.process_message(_msg("error", ename="E", evalue="x" * 100_000, traceback=["t"] * 1000), cell, 0)
    ex.process_message(_msg("error", ename="E2", evalue="x", traceback=[]), cell, 0)
    for value in ("5", "1", "0.3"):
        ex.process_message(_msg("execute_result", data={"text/plain": value}, metadata={}, execution_count=1),
                           cell, 0)
    kinds = [o.output_type for o in cell.outputs]
    assert kinds == ["display_data"] * 6 + ["error", "execute_result", "execute_result"]
    assert "truncated by the grader" in cell.outputs[5].data["text/plain"]
    assert len(nbformat.writes(ex.nb)) < 10_000
    assert [o.data["text/plain"] for o in cell.outputs[-2:]] == ["5", "0.3"]  # the first and the latest


def test_display_updates_are_budgeted():
    ex = _guarded()  # 1 MB per cell, 5 MB per notebook
    cell = ex.nb.cells[0]
    for _ in range(2000):  # one id shown many times: an update rewrites each of them
        ex.process_message(_msg("display_data", data={"text/plain": ""}, metadata={},
                                transient={"display_id": "d"}), cell, 0)
    for _ in range(10_000):
        ex.process_message(_msg("update_display_data", data={"text/plain": "y" * 10_000}, metadata={},
                                transient={"display_id": "d"}), cell, 0)
    assert len(nbformat.writes(ex.nb)) < 6_000_000
    assert any("display update" in e["message"] for e in ex._events)


def test_feedback_page_runs_nothing_a_student_wrote():
    from course.grader import html_safety
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": {}}})
    code = nbformat.v4.new_code_cell("x", execution_count=1)
    code.outputs = [nbformat.from_dict(o) for o in [
        {"output_type": "display_data", "metadata": {"image/png": {"width": "1 onerror=alert(1)"}},
         "data": {"text/html": "<script>alert(1)</script>", "application/javascript": "alert(2)",
                  "image/svg+xml": "<svg onload=alert(3)>", "image/png": "iVBORw0KGgo=\" onerror=\"x"}},
        {"output_type": "stream", "name": "<script>", "text": "hi"}]]
    code.execution_count = "<script>alert(4)</script>"
    nb.cells = [code, nbformat.v4.new_markdown_cell(
        "# Answer\n<img src=x onerror=alert(5)><iframe src=http://x></iframe> [a](javascript:alert(6)) "
        "<a href='data:text/html,x'>d</a> $\\href{javascript:alert(7)}{x}$ `a < b`")]
    resources = {}
    html_safety.neutralise(nb, resources)
    out, stream = code.outputs
    assert out.data == {"text/plain": "<script>alert(1)</script>"} and out.metadata == {}
    assert stream.name == "stdout" and code.execution_count is None
    md = nb.cells[1].source
    for bad in ("onerror", "<iframe", "=\"javascript:", "data:text", "\\href", "<script"):
        assert bad not in md, bad
    assert "<h1" in md and "Answer" in md and "a &lt; b" in md
    assert "widgets" not in nb.metadata and resources["raw_mimetypes"] == html_safety.NO_RAW_CELLS


def test_kernel_log_is_never_read_through_a_link(tmp_path):
    import os

    from course.grader.worker import read_tail
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET host file\n")
    runtime = tmp_path / "rt"
    runtime.mkdir()
    (runtime / "kernel.log").symlink_to(secret)  # what a sandboxed kernel could plant
    assert read_tail(runtime / "kernel.log") == ""
    (runtime / "kernel.log").unlink()
    os.mkfifo(runtime / "kernel.log")  # a FIFO must not hang the grader
    assert read_tail(runtime / "kernel.log") == ""
    (runtime / "kernel.log").unlink()
    (runtime / "kernel.log").write_text("x" * 10_000 + "\nlast line\n")
    assert read_tail(runtime / "kernel.log", 100).endswith("last line\n")
    assert len(read_tail(runtime / "kernel.log", 100)) == 100


def test_feedback_that_takes_too_long_becomes_a_plain_page(tmp_path, monkeypatch):
    import time

    from course.grader import worker
    monkeypatch.setattr(worker, "_warm_feedback", lambda config: None)
    monkeypatch.setattr(worker, "_run_converter", lambda name, config: time.sleep(30) or [])
    folder = tmp_path / "feedback"
    t = time.monotonic()
    issues = worker._feedback(None, folder, [AID], timeout=1)
    assert time.monotonic() - t < 5
    assert [i.code for i in issues] == ["no-feedback"] and "timed out" in issues[0].message
    assert "could not be made" in (folder / f"{AID}.html").read_text()
    assert worker.run_forked(lambda: {"ok": [1]}, 5) == {"ok": [1]}
    assert worker.run_limited(lambda: {"ok": [1]}, 5) == {"ok": [1]}
