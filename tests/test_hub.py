"""A class on JupyterHub (``python -m course hub``), driven in headless Chromium through the hub.

Everything is started here and stopped at the end, on 127.0.0.1 only: the hub is installed
(``python -m course hub setup``, with today's real date and the shipped config: no test-only
tweak) into a temporary prefix, with real local accounts (``python -m course hub demo``: two
instructors, three students; PAM logins with their passwords), as docs/deploy.md walks through it:

* the first instructor logs in and releases 01 from the formgrader;
* two students log in, fetch 01 in the Assignment List, type the reference answers, press
  Validate (success) and submit; one of them also drops a folder into ``inbound/`` in the
  other's name and back-dates their own ``timestamp.txt``; the third student never submits,
  and starts the "Python 3 (TensorFlow)" kernel instead;
* the instructor collects in the formgrader (the forgery is refused), imports the roster and
  grades with ``python -m course grade`` from an ssh-like shell (``instructor.sh``) as their own
  account (sandboxed, unprivileged) while the second instructor, trying at the same time, is told
  to wait; the second instructor releases the feedback and exports the grades;
* each student fetches and opens their own feedback, and cannot read the other's submission,
  feedback or notebooks, the course's solutions (in the hub and in the checkout) nor an answer
  module whose assignment is not due yet (tried as that user, path by path).

Screenshots go to build/screenshots/hub-*.png; with DLCOURSE_DOC_SCREENSHOTS=1 also into
docs/screenshots/.  Needs root (useradd, a hub that starts servers as users), node and npm
(configurable-http-proxy) and Debian's chromium; skipped without them.
"""
from __future__ import annotations

import csv
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from course.config import ROOT
from course.hub import INSTRUCTORS, STUDENTS, Layout, hub_environment
from course import hub as course_hub
from course import lab as course_lab
from course import schedule
from course.grader import late
from course.hub_exchange import FEEDBACK_FILE_MODE, acl_readers, give_read_access, refused_log
from course.shared_course import CourseBusy, grading_session
from test_browser import (AID, KERNEL_S, SHOTS, _free_port, browser,  # noqa: F401
                          browser_test, cells, close_dialog, formgrader_action, menu, reference_answers,
                          run_all, shot, to_docs, validate, wait_kernel_idle)
from test_system_deps import bare_path  # noqa: F401 - a fixture
from test_system_deps import run as run_system_deps

pytestmark = pytest.mark.xdist_group("browser")


def hub_test(test):
    """Slow; needs root, node and npm (and, through browser_test, Playwright and chromium)."""
    for mark in (pytest.mark.slow,
                 pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                    reason="the hub test creates local accounts and runs JupyterHub: root only"),
                 pytest.mark.skipif(not (shutil.which("node") and shutil.which("npm")),
                                    reason="node and npm are needed for configurable-http-proxy "
                                           "(apt-get install nodejs npm)")):
        test = mark(test)
    return browser_test(test)

SETUP_S = 600       # copy the interpreter, clone .venv, pip and npm installs
HUB_START_S = 120
SPAWN_S = 240       # a user's server on a busy machine
GRADE_S = 600
TEACHER, TEACHER2, ALICE, BOB, CAROL = "dlct-teacher", "dlct-ta", "dlct-alice", "dlct-bob", "dlct-carol"
USERS = (TEACHER, TEACHER2, ALICE, BOB, CAROL)


def hub_shot(page, name: str) -> None:
    """test_browser's screenshot into build/screenshots/, and into docs/screenshots/ when asked."""
    shot(page, name)
    to_docs(name)


def as_user(user: str, cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, **kwargs)


def _remove_user(name: str) -> None:
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return
    _kill_processes_of(uid)
    subprocess.run(["userdel", "--force", "--remove", name], capture_output=True)


def _kill_processes_of(uid: int) -> None:
    """The test's own accounts' processes (servers and kernels the hub left), by process id."""
    for pid_dir in Path("/proc").glob("[0-9]*"):
        try:
            if pid_dir.stat().st_uid == uid:
                os.kill(int(pid_dir.name), signal.SIGKILL)
        except OSError:
            pass


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the hub exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 - localhost
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not answer within {timeout_s} s:\n{log.read_text()[-4000:]}")
            time.sleep(0.5)


@pytest.fixture(scope="module")
def hub():
    """(base URL, Layout, password, setup's output): the hub installed in a temporary prefix, with two
    instructors and three students."""
    prefix = Path(tempfile.mkdtemp(prefix="dlcourse-hub-test-", dir="/tmp"))
    prefix.chmod(0o755)
    password = secrets.token_hex(12)
    for name in USERS:  # a previous run's leftovers
        _remove_user(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("hub-*"):
        old.unlink()
    proc = log = None
    checkout_mode = stat.S_IMODE(ROOT.stat().st_mode)
    try:
        t0 = time.monotonic()
        # This checkout is open to every user here: setup refuses it, and closes it when told to.
        refused = subprocess.run([sys.executable, "-m", "course", "hub", "setup", "--prefix", str(prefix)],
                                 timeout=SETUP_S, capture_output=True, text=True)
        if course_hub.exposed_in_checkout(ROOT):
            assert refused.returncode == 2 and "students could read the solutions" in refused.stderr, refused.stderr
        setup = subprocess.run([sys.executable, "-m", "course", "hub", "setup", "--prefix", str(prefix),
                                "--fix-permissions"], timeout=SETUP_S, capture_output=True, text=True)
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        print(f"hub setup: {time.monotonic() - t0:.1f} s\n{setup.stdout[-2000:]}")
        for instructor, students in ((TEACHER, f"{ALICE},{BOB},{CAROL}"), (TEACHER2, "")):
            subprocess.run([sys.executable, "-m", "course", "hub", "demo", "--instructor", instructor,
                            f"--students={students}", f"--password={password}"],
                           check=True, timeout=120, capture_output=True, text=True)
        layout = Layout(prefix)
        port = _free_port()
        while any(_port_taken(p) for p in (port + 1, port + 2)):
            port = _free_port()
        log_path = prefix / "hub.log"
        log = open(log_path, "w")
        proc = subprocess.Popen([sys.executable, "-m", "course", "hub", "--prefix", str(prefix), "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        _wait_http(f"{base}/hub/api", proc, log_path, HUB_START_S)
        yield base, layout, password, setup.stdout
    finally:
        ROOT.chmod(checkout_mode)  # as it was, for the other users of this machine
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the hub stops the users' servers, then the proxy
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if log is not None:
            log.close()
            shutil.copy(prefix / "hub.log", SHOTS / "hub.log")
        for name in USERS:
            _remove_user(name)
        shutil.rmtree(prefix, ignore_errors=True)


def _port_taken(port: int) -> bool:
    import socket
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def log_in(browser, base: str, user: str, password: str, screenshot: str | None = None):
    """A new browser context logged in as *user*, on their JupyterLab (the server started)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{base}/hub/login")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(password)
    if screenshot:
        hub_shot(page, screenshot)
    page.locator("#login_submit").click()
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=SPAWN_S * 1000)
    assert f"/user/{user}/lab" in page.url, page.url
    return context, page


def assignment_list(page):
    menu(page, "Nbgrader", "Assignment List")
    return page.locator(".lm-DockPanel-widget:visible").last


def released_layout(course: Path) -> list[tuple[str, dict]]:
    """The cells of 01 as the hub released it (its own copy of the course)."""
    nb = nbformat.read(course / "release" / AID / f"{AID}.ipynb", as_version=4)
    return [(c.cell_type, c.get("metadata", {}).get("nbgrader", {})) for c in nb.cells]


def student_answers_and_submits(page, base: str, user: str, layout: list, screenshots: bool) -> None:
    panel = assignment_list(page)
    released = page.locator("#released_assignments_list")
    released.get_by_text(AID).wait_for(timeout=KERNEL_S * 1000)
    released.locator("button", has_text="Fetch").click()
    fetched = page.locator("#fetched_assignments_list")
    fetched.get_by_text(AID).first.wait_for(timeout=KERNEL_S * 1000)
    assert "rror" not in panel.text_content() and "Unwritable" not in panel.text_content(), \
        panel.text_content()[:1000]
    if screenshots:
        hub_shot(page, "hub-04-student-fetched.png")

    answers = reference_answers(AID)
    page.goto(f"{base}/user/{user}/lab/tree/dl-course/{AID}/{AID}.ipynb")
    page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= n",
                           arg=len(layout), timeout=KERNEL_S * 1000)
    wait_kernel_idle(page)
    for index, (kind, meta) in enumerate(layout):
        if not meta.get("solution"):
            continue
        editor = cells(page).nth(index).locator(".cm-content")
        editor.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.insert_text(answers[meta["grade_id"]])
        page.keyboard.press("Escape")
        assert "NotImplementedError" not in editor.text_content()
    text = validate(page, "validation-success")  # saves the notebook, runs it in a fresh kernel
    assert "Success! Your notebook passes all the tests." in text
    if screenshots:
        hub_shot(page, "hub-05-student-validated.png")
    close_dialog(page)

    assignment_list(page)
    fetched = page.locator("#fetched_assignments_list")
    fetched.locator("button", has_text="Submit").first.click()
    page.locator("#submitted_assignments_list").get_by_text(AID).first.wait_for(timeout=KERNEL_S * 1000)
    if screenshots:
        hub_shot(page, "hub-06-student-submitted.png")


def student_fetches_feedback(page, base: str, user: str, screenshots: bool) -> Path:
    page.goto(f"{base}/user/{user}/lab")
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=KERNEL_S * 1000)
    assignment_list(page)
    submitted = page.locator("#submitted_assignments_list")
    submitted.locator("button", has_text="Fetch Feedback").first.click()
    submitted.get_by_text("view feedback").first.wait_for(timeout=KERNEL_S * 1000)
    home = Path(pwd.getpwnam(user).pw_dir)
    found = list((home / "dl-course" / AID / "feedback").glob(f"*/{AID}.html"))
    assert len(found) == 1, found
    if screenshots:
        hub_shot(page, "hub-09-student-feedback-fetched.png")
        rel = found[0].relative_to(home)
        page.goto(f"{base}/user/{user}/files/{rel}")
        page.get_by_text(AID).first.wait_for(timeout=KERNEL_S * 1000)
        hub_shot(page, "hub-10-student-feedback.png")
    return found[0]


# ---------------------------------------------------------------- without a hub

def test_the_course_exchange_is_the_hubs_when_set(tmp_path, monkeypatch):
    """nbgrader_config.py: DLCOURSE_EXCHANGE (the hub sets it), else the course's own (make lab)."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    monkeypatch.delenv("DLCOURSE_EXCHANGE", raising=False)
    assert course_lab.exchange_root(tmp_path) == tmp_path / ".exchange"
    monkeypatch.setenv("DLCOURSE_EXCHANGE", str(tmp_path / "shared"))
    assert course_lab.exchange_root(tmp_path) == tmp_path / "shared"


def test_feedback_is_readable_by_its_student_only(tmp_path):
    """The ACL that PrivateReleaseFeedback gives a feedback file: mode 0640 plus one named reader."""
    path = tmp_path / "feedback.html"
    path.write_text("<html></html>")
    give_read_access(str(path), 4242)
    assert path.stat().st_mode & 0o777 == FEEDBACK_FILE_MODE == 0o640
    assert acl_readers(str(path)) == {4242: 4}
    if shutil.which("getfacl"):
        out = subprocess.run(["getfacl", "-n", str(path)], capture_output=True, text=True).stdout
        assert "user:4242:r--" in out and "other::---" in out, out


def test_hub_commands_need_root(monkeypatch, capsys):
    """Not root: each command stops at once with what it needs root for (nothing is created)."""
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    for action, why in (("demo", "creates local accounts"), ("setup", "installs into a folder"),
                        ("serve", "starts each user's server")):
        assert course_hub.main([action, "--prefix", "/nonexistent/hub"]) == 2
        err = capsys.readouterr().err
        assert "must run as root" in err and why in err, err
    assert not Path("/nonexistent/hub").exists()


def test_system_deps_hub_names_its_packages(bare_path):
    """tools/system-deps.sh hub (python -m course hub setup runs it): without apt, the command to run."""
    proc = run_system_deps("hub", bare_path, DLCOURSE_ASSUME_NO_APT="1")
    assert proc.returncode == 3, proc.stderr
    assert "apt-get install -y bubblewrap util-linux nodejs npm patchelf\n" in proc.stderr, proc.stderr
    assert "node, npm and patchelf for the hub" in proc.stderr


# ---------------------------------------------------------------- due dates (issue 23, point 1)

def test_due_dates_come_from_the_schedule_not_the_config():
    """nbgrader_config.py holds no date; course.toml's [schedule] gives every assignment one, by its number."""
    assert not re.search(r"\d{4}-\d{2}-\d{2}", (ROOT / "nbgrader_config.py").read_text())
    dues = schedule.due_dates(ROOT)
    assert set(dues) == {p.name for p in (ROOT / "release").iterdir() if p.is_dir()}
    assert dues["01_perceptron"] == "2026-04-24 14:59:00 UTC"    # 23:59 in Tokyo
    assert dues["02_activations"] == "2026-05-01 14:59:00 UTC"   # a week later
    assert dues["07b_training_practice"] == "2026-06-09 14:59:00 UTC"  # 07's date + 4 days
    assert dues["10_tensorflow_v1"] == "2026-06-26 14:59:00 UTC"
    # the same date in a course that holds only some assignments (a test's, a Dask bundle's)
    when = schedule.due_datetimes(schedule.read(ROOT / "course.toml"), ["02_activations"])
    assert when["02_activations"].strftime("%Y-%m-%d %H:%M") == "2026-05-01 14:59"


@pytest.mark.parametrize("table, message", [
    ({"first_due": "2026-13-01"}, "is not a date"),
    ({"first_due": "2026-12-18", "timezone": "Mars/Olympus"}, "unknown timezone"),
    ({"first_due": "2026-12-18", "every_days": 0}, "every_days"),
    ({"first_due": "2026-12-18", "time": "noon"}, "is not HH:MM"),
])
def test_a_bad_schedule_is_refused_clearly(table, message):
    with pytest.raises(schedule.ScheduleError, match=message):
        schedule.due_datetimes(table, ["01_perceptron"])


def test_a_new_term_and_first_due_in_course_toml():
    shipped = schedule.read(ROOT / "course.toml")
    # a Tuesday: the term's first Friday at least a week away
    assert schedule.next_term_first_due(shipped, date(2026, 12, 8)) == date(2026, 12, 18)
    text = schedule.with_first_due((ROOT / "course.toml").read_text(), date(2026, 12, 18))
    assert re.findall(r'^first_due = "[^"]*"', text, re.MULTILINE) == ['first_due = "2026-12-18"']
    assert schedule.due_datetimes(tomllib.loads(text)["schedule"], ["01_perceptron"])["01_perceptron"] \
        .strftime("%Y-%m-%d %H:%M") == "2026-12-18 14:59"


@pytest.fixture
def venv_on_path(monkeypatch):
    """nbgrader's Gradebook runs `alembic` from PATH."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")


def test_a_class_that_is_all_late_stops_grading(tmp_path, venv_on_path):
    """Every submission more than a week late: last term's dates, most likely. One on time: graded."""
    due = datetime(2026, 4, 24, 14, 59)
    late_by = [timedelta(days=8), timedelta(days=227, hours=7)]
    why = late.late_class("01_perceptron", due, [due + d for d in late_by])
    assert "every submission of 01_perceptron (2) is more than 7 days late" in why
    assert "8 d 0 h after it" in why and "--allow-late-class" in why and "[schedule]" in why
    assert late.late_class("01_perceptron", due, [due + late_by[1], due - timedelta(hours=1)]) is None
    assert late.late_class("01_perceptron", due, [due + timedelta(days=6)]) is None
    assert late.late_class("01_perceptron", None, [due + late_by[1]]) is None

    # ... and check_class reads the gradebook's due date and the submissions' timestamp.txt
    from nbgrader.api import Gradebook
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(db, "dl-course") as gb:
        gb.add_assignment("01_perceptron", duedate=due)
    jobs = []
    for student, stamp in (("ann", "2026-12-08 09:00:00.000000 UTC"), ("ben", "2026-12-07 09:00:00.000000 UTC")):
        folder = tmp_path / "submitted" / student / "01_perceptron"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(stamp + "\n")
        jobs.append(SimpleNamespace(assignment="01_perceptron", submission=str(folder)))
    assert "is more than 7 days late" in late.check_class(db, "dl-course", jobs)
    (tmp_path / "submitted" / "ben" / "01_perceptron" / "timestamp.txt").write_text("2026-04-24 10:00:00 UTC\n")
    assert late.check_class(db, "dl-course", jobs) is None


# ---------------------------------------------------------------- several instructors (point 3)

def test_one_grading_run_at_a_time_and_outputs_stay_the_groups(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    course.chmod(0o2770)  # group-shared, as hub setup makes it
    with grading_session(course):
        with pytest.raises(CourseBusy, match=r"root \(pid \d+ on .*\) is grading this course"):
            with grading_session(course):
                pass
        (course / "gradebook.db").write_text("")      # made as the umask says: 0660 at most
        (course / "autograded" / "ann").mkdir(parents=True)
        assert (course / "gradebook.db").stat().st_mode & 0o007 == 0
    assert (course / "gradebook.db").stat().st_mode & 0o777 == 0o660
    assert (course / "autograded" / "ann").stat().st_mode & 0o2770 == 0o2770
    with grading_session(course):  # released
        pass


# ---------------------------------------------------------------- submissions in another's name (point 4)

def _collect(course: Path, exchange: Path, aid: str):
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from course.hub_exchange import OwnedCollect
    cfg = Config()
    cfg.CourseDirectory.root = str(course)
    cfg.CourseDirectory.course_id = "dl-course"
    cfg.CourseDirectory.assignment_id = aid
    cfg.Exchange.root = str(exchange)
    cfg.Exchange.path_includes_course = True
    collect = OwnedCollect(coursedir=CourseDirectory(config=cfg), config=cfg)
    collect.start()
    return collect


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown: root only")
def test_collect_refuses_a_submission_in_anothers_name(tmp_path, venv_on_path):
    """inbound/<alice>+... owned by another account is refused (never over alice's own), a link too; the
    collected one's time is when the exchange received it, not the timestamp.txt its student wrote."""
    alice, mallory = pwd.getpwnam("daemon"), pwd.getpwnam("bin")  # two accounts that exist everywhere
    aid, course, exchange = "01_perceptron", tmp_path / "course", tmp_path / "exchange"
    inbound = exchange / "dl-course" / "inbound"
    inbound.mkdir(parents=True)
    course.mkdir()

    def submit(named: str, owner, when: str, text: str) -> Path:
        folder = inbound / f"{named}+{aid}+{when}+{secrets.token_hex(4)}"
        folder.mkdir()
        (folder / f"{aid}.ipynb").write_text(text)
        (folder / "timestamp.txt").write_text(when + "\n")
        for p in (folder, *folder.iterdir()):
            os.chown(p, owner.pw_uid, owner.pw_gid)
        return folder

    before = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(seconds=2)
    submit(alice.pw_name, alice, "2026-12-01 10:00:00.000000 UTC", "alice's own")  # back-dated a week
    submit(alice.pw_name, mallory, "2026-12-09 10:00:00.000000 UTC", "forged")    # later, in alice's name
    submit(mallory.pw_name, mallory, "2026-12-08 10:00:00.000000 UTC", "mallory's own")
    (inbound / f"{mallory.pw_name}+{aid}+2026-12-10 10:00:00.000000 UTC+link").symlink_to(
        next(inbound.glob(f"{alice.pw_name}+*")))  # mallory hands in alice's folder
    os.lchown(next(inbound.glob("*+link")), mallory.pw_uid, mallory.pw_gid)
    collect = _collect(course, exchange, aid)

    got = {s: (course / "submitted" / s / aid / f"{aid}.ipynb").read_text() for s in (alice.pw_name, mallory.pw_name)}
    assert got == {alice.pw_name: "alice's own", mallory.pw_name: "mallory's own"}
    stamp = (course / "submitted" / alice.pw_name / aid / "timestamp.txt").read_text().strip()
    received = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f UTC")
    assert before <= received <= datetime.now(timezone.utc).replace(tzinfo=None), stamp  # not 2026-12-01
    refused = json.loads(Path(refused_log(str(course), aid)).read_text())
    refused = {r["named"]: r for r in refused}
    assert set(refused) == {alice.pw_name, mallory.pw_name} and len(refused) == 2, refused
    assert refused[alice.pw_name]["owner"] == mallory.pw_name
    assert f"belongs to {mallory.pw_name}" in refused[alice.pw_name]["why"]
    assert "a link" in refused[mallory.pw_name]["why"]
    assert len(collect.refused) == 2 and len(list(inbound.iterdir())) == 4  # left there as evidence
    from course.grader import report                                      # and the class report says so
    table = {aid: {"students": {}, "max_score": 7.0, "cells": [], "duedate": None}}
    page = report.write(course / "reports" / "grading", [], table, None, {})
    text = page.with_name("index.md").read_text()
    assert "Refused at collect" in text and f"belongs to {mallory.pw_name}" in text, text[-800:]


# ---------------------------------------------------------------- setup: idempotent, no solutions for students

root_only = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                               reason="groups, chown: root only")


def _checkout(tmp_path: Path) -> Path:
    """A small checkout: the course package, 01 and 02, the config and course.toml."""
    root = tmp_path / "checkout"
    shutil.copytree(ROOT / "course", root / "course", ignore=shutil.ignore_patterns("__pycache__"))
    for aid in ("01_perceptron", "02_activations"):
        for sub in ("source", "release"):
            shutil.copytree(ROOT / sub / aid, root / sub / aid, ignore=shutil.ignore_patterns("*.pt"))
    for name in ("nbgrader_config.py", "course.toml"):
        shutil.copy(ROOT / name, root / name)
    return root


@root_only
def test_setup_keeps_what_instructors_edited(tmp_path, venv_on_path):
    """install_course twice: an instructor's edits stay, unedited files follow the checkout, each change named."""
    root, layout = _checkout(tmp_path), Layout(tmp_path / "hub")
    (layout.venv / "lib" / "python3.11" / "site-packages").mkdir(parents=True)
    first = course_hub.install_course(layout, root, date(2026, 12, 18))
    assert {"nbgrader_config.py", "course.toml", "gradebook.db"} <= set(first["added"]) and not first["kept"]
    toml = (layout.course / "course.toml").read_text()
    assert 'first_due = "2026-12-18"' in toml and f'mirror = "{course_hub.data_mirror()}"' in toml
    assert stat.S_IMODE((layout.course / "gradebook.db").stat().st_mode) == 0o660
    assert course_hub.install_course(layout, root, date(2026, 12, 18)) == {"added": [], "updated": [], "kept": []}

    config = layout.course / "nbgrader_config.py"
    config.write_text(config.read_text() + "c.LatePenalty.percent_per_day = 5  # the instructor's\n")
    (layout.course / "gradebook.db").chmod(0o644)   # as a first grader's umask left it
    (layout.course / "submitted" / "ann").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text((root / "nbgrader_config.py").read_text() + "# new upstream\n")
    notebook = root / "source" / "01_perceptron" / "01_perceptron.ipynb"
    notebook.write_text(notebook.read_text().replace("perceptron", "perceptron", 1) + " ")
    again = course_hub.install_course(layout, root, date(2026, 12, 18))
    assert again == {"added": [], "updated": ["source/01_perceptron/01_perceptron.ipynb"],
                     "kept": ["nbgrader_config.py"]}, again
    assert "the instructor's" in config.read_text() and "new upstream" not in config.read_text()
    assert (layout.course / "submitted" / "ann").is_dir()
    assert stat.S_IMODE((layout.course / "gradebook.db").stat().st_mode) == 0o660  # the group's again


@root_only
def test_setup_refuses_a_checkout_whose_solutions_students_can_read():
    top = Path(tempfile.mkdtemp(prefix="dlcourse-checkout-", dir="/tmp"))  # pytest's tmp_path is root's only
    try:
        _refuses_or_fixes(top)
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _refuses_or_fixes(top: Path) -> None:
    top.chmod(0o755)
    root = _checkout(top)
    root.chmod(0o755)
    exposed = course_hub.exposed_in_checkout(root)
    assert "source" in exposed and "course/functions.py" in exposed, exposed
    with pytest.raises(course_hub.HubError, match=rf"students could read the solutions in the checkout {root}: source"):
        course_hub.check_checkout(root, fix=False)
    done = course_hub.check_checkout(root, fix=True)
    assert "chmod o-rwx" in done[0] and stat.S_IMODE(root.stat().st_mode) == 0o750
    assert course_hub.exposed_in_checkout(root) == [] and course_hub.check_checkout(root, fix=False) == []


@root_only
def test_answer_modules_open_to_students_at_their_due_date(tmp_path):
    """lib/course/functions.py answers 02: the instructors' only until 02 is due, then everyone's."""
    layout = Layout(tmp_path / "hub")
    (layout.lib / "course").mkdir(parents=True)
    for name in ("functions", "losses", "gradient", "plotting"):
        (layout.lib / "course" / f"{name}.py").write_text("")
    for aid in ("02_activations", "03_loss_and_gradients"):
        (layout.course / "source" / aid).mkdir(parents=True)
        shutil.copy(ROOT / "source" / aid / f"{aid}.ipynb", layout.course / "source" / aid)
    (layout.course / "course.toml").write_text('[schedule]\nfirst_due = "2026-12-18"\ntimezone = "UTC"\n')
    assert course_hub.answer_modules(layout.course) == {"functions": "02_activations",
                                                        "losses": "03_loss_and_gradients",
                                                        "gradient": "03_loss_and_gradients"}
    lib = layout.lib / "course"
    changed = course_hub.guard_answer_modules(layout, datetime(2026, 12, 20, tzinfo=timezone.utc))
    assert len(changed) == 3 and all("hidden from students" in c for c in changed), changed
    instructors = grp.getgrnam(INSTRUCTORS).gr_gid
    for name in ("functions", "losses", "gradient"):
        assert (stat.S_IMODE((lib / f"{name}.py").stat().st_mode), (lib / f"{name}.py").stat().st_gid) == \
            (0o640, instructors)
    assert stat.S_IMODE((lib / "plotting.py").stat().st_mode) != 0o640
    # 02 is due 2026-12-25 23:59 UTC (first_due + 7 days); 03 a week later
    changed = course_hub.guard_answer_modules(layout, datetime(2026, 12, 26, tzinfo=timezone.utc))
    assert changed == ["course/functions.py readable by all (02_activations due 2026-12-25 23:59 UTC)"]
    assert stat.S_IMODE((lib / "functions.py").stat().st_mode) == 0o644
    assert stat.S_IMODE((lib / "losses.py").stat().st_mode) == 0o640
    assert course_hub.guard_answer_modules(layout, datetime(2026, 12, 26, tzinfo=timezone.utc)) == []


# ---------------------------------------------------------------- the class, through the hub

def in_shell(user: str, command: str, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    """*command* in bash as *user*, from a clean environment (HOME, USER, a bare PATH), as over ssh."""
    home = pwd.getpwnam(user).pw_dir
    env = ["env", "-i", f"HOME={home}", f"USER={user}", f"LOGNAME={user}", "PATH=/usr/local/bin:/usr/bin:/bin",
           "LANG=C.UTF-8"]
    return as_user(user, [*env, "bash", "-c", command], cwd=home, timeout=timeout, **kwargs)


def filled_notebook(aid: str, dest: Path, owner: str) -> None:
    """The released *aid* with the reference answers typed in, as *owner*'s file."""
    nb = nbformat.read(ROOT / "release" / aid / f"{aid}.ipynb", as_version=4)
    answers = reference_answers(aid)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = answers[meta["grade_id"]]
    dest.parent.mkdir(parents=True, exist_ok=True)
    for extra in (ROOT / "release" / aid).iterdir():
        if extra.is_file() and extra.suffix != ".ipynb":
            shutil.copy(extra, dest.parent / extra.name)
    nbformat.write(nb, dest)
    user = pwd.getpwnam(owner)
    for path in [dest.parent, *dest.parent.iterdir()]:
        os.chown(path, user.pw_uid, user.pw_gid)


def tf_kernel_starts(page, base: str, user: str) -> str:
    """*user* opens a notebook on the "Python 3 (TensorFlow)" kernel and runs ``import tensorflow``."""
    home = pwd.getpwnam(user).pw_dir
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import tensorflow as tf\nprint('TensorFlow', tf.__version__, 'in', __import__('sys').executable)")])
    nb.metadata["kernelspec"] = {"name": "dlcourse-tf", "display_name": "Python 3 (TensorFlow)", "language": "python"}
    filled = Path(home) / "tf-check.ipynb"
    nbformat.write(nb, filled)
    os.chown(filled, pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid)
    page.goto(f"{base}/user/{user}/lab/tree/tf-check.ipynb")
    page.wait_for_function("() => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= 1",
                           timeout=KERNEL_S * 1000)
    wait_kernel_idle(page, timeout_s=SPAWN_S)
    run_all(page, 0)
    return cells(page).nth(0).locator(".jp-OutputArea").text_content()


@hub_test
def test_a_class_on_the_hub(hub, browser):  # noqa: F811 - test_browser's browser fixture
    base, layout, password, setup_output = hub
    started = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)
    exchange = layout.exchange / "dl-course"
    shell = f". {layout.prefix / 'instructor.sh'} && "
    tf = layout.tf_venv.is_dir()

    # 0. Setup with today's date and the shipped config: a new term (the shipped one has passed),
    #    the checkout closed, every file of the course group-shared.
    dues = schedule.due_datetimes(schedule.read(layout.course / "course.toml"), [AID])
    assert dues[AID] > datetime.now(timezone.utc), (dues, setup_output)
    assert "due dates:" in setup_output and "chmod o-rwx" in setup_output, setup_output
    assert not course_hub.exposed_in_checkout(ROOT)

    # 1. The instructor logs in (PAM) and releases 01 from the formgrader.
    t_ctx, teacher = log_in(browser, base, TEACHER, password, screenshot="hub-01-login.png")
    menu(teacher, "Nbgrader", "Formgrader")
    frame = teacher.frame_locator("iframe[src*='formgrader']")
    table = frame.locator("#main-table")
    table.get_by_text(AID, exact=True).first.wait_for(timeout=KERNEL_S * 1000)
    assert frame.locator("#warning-exchange").count() == 0, "the formgrader says the exchange is missing"
    hub_shot(teacher, "hub-02-formgrader.png")
    row = table.locator("tr", has=frame.get_by_text(AID, exact=True))
    text = formgrader_action(teacher, frame, row, "release", "hub-03-released.png")
    to_docs("hub-03-released.png")
    assert "Successfully released" in text, text[:2000]
    assert (exchange / "outbound" / AID / f"{AID}.ipynb").is_file(), "not released into the hub's exchange"
    assert not (layout.course / ".exchange").exists(), "released into the course's own exchange"

    # 2. Two students log in, fetch 01, answer, validate and submit; the third never submits, and
    #    starts the TensorFlow kernel.
    students = {}
    for user in (ALICE, BOB):
        ctx, page = log_in(browser, base, user, password)
        labels = page.locator(".lm-Menu-itemLabel")
        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        assert labels.get_by_text("Formgrader", exact=True).count() == 0, "a student has the formgrader"
        page.keyboard.press("Escape")
        student_answers_and_submits(page, base, user, released_layout(layout.course), screenshots=user == ALICE)
        students[user] = (ctx, page)
    inbound = {user: list(exchange.joinpath("inbound").glob(f"{user}+{AID}+*")) for user in (ALICE, BOB)}
    assert all(len(v) == 1 for v in inbound.values()), inbound
    c_ctx, carol = log_in(browser, base, CAROL, password)
    if tf:
        out = tf_kernel_starts(carol, base, CAROL)
        assert "TensorFlow 2." in out and str(layout.tf_venv) in out, out
        hub_shot(carol, "hub-11-student-tf-kernel.png")

    # 3. Bob hands in a notebook in Alice's name, later than hers, and back-dates his own.
    later = time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC", time.gmtime(time.time() + 3600))
    forged = exchange / "inbound" / f"{ALICE}+{AID}+{later}+{secrets.token_hex(8)}"
    mine = Path(pwd.getpwnam(BOB).pw_dir) / "dl-course" / AID / f"{AID}.ipynb"
    made = as_user(BOB, ["bash", "-c", f"mkdir '{forged}' && sed s/perceptron/forged/ '{mine}' > '{forged}/{AID}.ipynb' && "
                                       f"echo '{later}' > '{forged}/timestamp.txt' && "
                                       f"echo '2026-01-01 00:00:00.000000 UTC' > '{inbound[BOB][0]}/timestamp.txt'"],
                   timeout=30)
    assert made.returncode == 0, made.stderr  # the exchange cannot stop the folder being made ...

    # 4. The instructor collects in the formgrader: the forgery is refused, Alice's own is collected.
    teacher.locator(".lm-TabBar-tabLabel", has_text="Formgrader").click()
    text = formgrader_action(teacher, frame, row, "collect", "hub-07-collected.png")
    to_docs("hub-07-collected.png")
    assert "Successfully collected" in text, text[:2000]
    assert (layout.course / "submitted" / ALICE / AID / f"{AID}.ipynb").read_bytes() == \
        (inbound[ALICE][0] / f"{AID}.ipynb").read_bytes(), "the forgery replaced Alice's submission"
    refused = json.loads((layout.course / "reports" / "collect" / f"{AID}.json").read_text())
    assert [(r["named"], r["owner"]) for r in refused] == [(ALICE, BOB)], refused
    assert forged.is_dir(), "the forgery is kept in inbound/ as evidence"

    # 5. The roster; a second instructor who tries to grade while someone else does is told to wait.
    roster = Path(pwd.getpwnam(TEACHER).pw_dir) / "roster.csv"
    roster.write_text(f"id,name\n{ALICE},\"Liddell, Alice\"\n{BOB},\"Builder, Bob\"\n{CAROL},\"Carroll, Carol\"\n")
    os.chown(roster, pwd.getpwnam(TEACHER).pw_uid, -1)
    imported = in_shell(TEACHER, shell + f"python -m course roster import {roster}", timeout=300)
    assert imported.returncode == 0, imported.stdout[-2000:] + imported.stderr[-2000:]
    with grading_session(layout.course):
        busy = in_shell(TEACHER2, shell + f"python -m course grade {AID}", timeout=300)
    assert busy.returncode == 2 and "is grading this course" in busy.stderr, busy.stdout[-2000:] + busy.stderr[-2000:]

    # 6. The instructor grades from a shell as docs/deploy.md shows (sandboxed, as that account).
    graded = in_shell(TEACHER, shell + f"python -m course grade {AID}", timeout=GRADE_S)
    assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
    assert f"refused at collect: {ALICE}" in graded.stdout, graded.stdout[-3000:]
    with open(layout.course / "grades.csv", newline="") as f:
        grades = {row["student_id"]: row for row in csv.DictReader(f) if row["assignment"] == AID}
    for user in (ALICE, BOB):  # the reference answers, on time: full marks
        assert float(grades[user]["score"]) == float(grades[user]["max_score"]) > 0, grades
    assert datetime.fromisoformat(grades[BOB]["timestamp"]) >= started, grades[BOB]  # not back-dated
    assert float(grades[CAROL]["score"]) == 0, grades  # on the roster, never submitted
    for path in (layout.course / "gradebook.db", layout.course / "autograded" / ALICE / AID):
        assert path.stat().st_mode & 0o060 == 0o060 and path.stat().st_gid == grp.getgrnam(INSTRUCTORS).gr_gid, path

    # 7. The second instructor updates the roster (a write to the gradebook the first one graded in),
    #    releases the feedback and exports the grades for the LMS.
    roster2 = Path(pwd.getpwnam(TEACHER2).pw_dir) / "roster.csv"
    roster2.write_text(roster.read_text().replace("id,name", "id,name,lms_user_id").replace('"\n', '",9\n'))
    os.chown(roster2, pwd.getpwnam(TEACHER2).pw_uid, -1)
    for command in (f"python -m course roster import {roster2}", f"nbgrader release_feedback {AID}",
                    "python -m course export --format canvas"):
        done = in_shell(TEACHER2, shell + command, timeout=300)
        assert done.returncode == 0, command + "\n" + done.stdout[-3000:] + done.stderr[-3000:]
    exported = (layout.course / "grades-canvas.csv").read_text()
    assert all(name in exported for name in ("Liddell", "Builder", "Carroll")), exported[:2000]
    feedback = sorted((exchange / "feedback").glob("*.html"))
    assert len(feedback) == 2, feedback
    owner = {pwd.getpwuid(next(iter(acl_readers(str(f))))).pw_name: f for f in feedback}
    assert set(owner) == {ALICE, BOB}, owner
    teacher.reload()
    menu(teacher, "Nbgrader", "Formgrader")
    frame.locator("#main-table").get_by_text(AID, exact=True).first.wait_for(timeout=KERNEL_S * 1000)
    hub_shot(teacher, "hub-08-formgrader-graded.png")

    # 8. Each student fetches and sees their own feedback.
    fetched = {user: student_fetches_feedback(students[user][1], base, user, screenshots=user == ALICE)
               for user in (ALICE, BOB)}
    for user, path in fetched.items():
        assert path.read_bytes() == owner[user].read_bytes(), f"{user} fetched someone else's feedback"

    # 9. Nobody reads another student's work or a solution, even knowing where it is.
    for me, other in ((ALICE, BOB), (BOB, ALICE)):
        sub = inbound[other][0]
        home = Path(pwd.getpwnam(other).pw_dir)
        denied = {
            "list the inbound folder": ["ls", str(exchange / "inbound")],
            "list the feedback folder": ["ls", str(exchange / "feedback")],
            "list the other's submission": ["ls", str(sub)],
            "read the other's submission": ["cat", str(sub / f"{AID}.ipynb")],
            "read the other's released feedback": ["cat", str(owner[other])],
            "read the other's fetched feedback": ["cat", str(fetched[other])],
            "read the other's notebook": ["cat", str(home / "dl-course" / AID / f"{AID}.ipynb")],
            "read the solutions": ["cat", str(layout.course / "source" / AID / f"{AID}.ipynb")],
            "read the solutions in the checkout": ["cat", str(ROOT / "source" / AID / f"{AID}.ipynb")],
            "read the gradebook": ["cat", str(layout.course / "gradebook.db")],
            "read 02's answers before 02 is due": ["cat", str(layout.lib / "course" / "functions.py")],
        }
        for what, cmd in denied.items():
            proc = as_user(me, cmd, timeout=30)
            assert proc.returncode != 0 and "Permission denied" in proc.stderr, \
                f"{me} could {what}: {proc.stdout[:300]!r} {proc.stderr[:300]!r}"
        # ... while their own are theirs.
        assert as_user(me, ["cat", str(owner[me])], timeout=30).returncode == 0, f"{me} cannot read own feedback"
        assert as_user(me, ["ls", str(inbound[me][0])], timeout=30).returncode == 0
    # The instructors' group reads every submission (collect did).
    assert as_user(TEACHER, ["cat", str(inbound[ALICE][0] / f"{AID}.ipynb")], timeout=30).returncode == 0

    # 10. The TF appendix on the hub: 09 with the reference answers validates as a student, and grades.
    if tf:
        tf_aid = "09_tensorflow_keras"
        mine = Path(pwd.getpwnam(ALICE).pw_dir) / "dl-course" / tf_aid / f"{tf_aid}.ipynb"
        filled_notebook(tf_aid, mine, ALICE)
        env = {k: v for k, v in hub_environment(layout, 0, False, None).items() if not k.startswith("DLCOURSE_HUB")}
        env.update({"HOME": str(mine.parents[2]), "USER": ALICE, "JUPYTER_CONFIG_PATH": str(layout.roles / "student"),
                    "DLCOURSE_TF_VENV": str(layout.tf_venv), "DLCOURSE_EXCHANGE": str(layout.exchange),
                    "DLCOURSE_DATA_CACHE": str(mine.parents[2] / ".cache" / "dlcourse" / "data")})
        valid = as_user(ALICE, ["env", *[f"{k}={v}" for k, v in env.items()], str(layout.venv / "bin" / "nbgrader"),
                                "validate", str(mine)], cwd=mine.parent, timeout=GRADE_S)
        assert valid.returncode == 0 and "Success!" in valid.stdout, valid.stdout[-3000:] + valid.stderr[-3000:]
        sub = layout.course / "submitted" / ALICE / tf_aid
        shutil.copytree(mine.parent, sub)
        (sub / "timestamp.txt").write_text(time.strftime("%Y-%m-%d %H:%M:%S.000000 UTC\n", time.gmtime()))
        subprocess.run(["chown", "-R", f"{TEACHER}:{INSTRUCTORS}", str(sub)], check=True)
        graded = in_shell(TEACHER, shell + f"python -m course grade {tf_aid}", timeout=GRADE_S)
        assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
        with open(layout.course / "grades.csv", newline="") as f:
            row = next(r for r in csv.DictReader(f) if r["assignment"] == tf_aid and r["student_id"] == ALICE)
        assert float(row["score"]) == float(row["max_score"]) > 0, (row, graded.stdout[-3000:])

    for ctx in [t_ctx, c_ctx] + [c for c, _ in students.values()]:
        ctx.close()
    for group in (INSTRUCTORS, STUDENTS):  # the accounts the test made are in the course's groups
        assert subprocess.run(["getent", "group", group], capture_output=True).returncode == 0
