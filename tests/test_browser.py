"""The course in JupyterLab, driven in headless Chromium (Playwright), and `make lab`'s setup.

The browser tests share one JupyterLab server, started the way ``make lab`` starts it
(``python -m course lab``), on a free localhost port with a random token, in a temporary
copy of the course (it never writes into the repo):

* student: open release/01_perceptron, run all cells, see the environment report and the
  visible tests fail on the stubs, see Validate list the failures; type the reference
  answers (from source/, without the solution markers) into the answer cells, run again,
  see every test cell pass and the plots render as images, press Validate: success;
* instructor: Nbgrader > Formgrader lists the course's assignments with no exchange warning;
  release 01 from it, fetch and submit it in the students' Assignment List (no "Unwritable
  directory"), collect it back in the formgrader.

Screenshots of each step go to build/screenshots/ (gitignored), with the server's log.
With DLCOURSE_DOC_SCREENSHOTS=1 the ones docs/lab.md shows are copied into docs/screenshots/ (this needs a
Japanese font: `apt-get install fonts-ipafont-gothic`).
Needs Debian's chromium (/usr/bin/chromium, or DLCOURSE_CHROMIUM); skipped without it.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from course import lab as course_lab
from course.config import ROOT, data_cache, data_mirror

pytestmark = pytest.mark.xdist_group("browser")

CHROMIUM = os.environ.get("DLCOURSE_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium dials out, and a closed network refuses it.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "build" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
#: Screenshots that docs/lab.md and the README show.
FOR_DOCS = ("02-environment-report.png", "03-visible-tests-fail.png", "07-validate-success.png",
            "08-formgrader.png", "10-assignment-list.png")
AID = "01_perceptron"
COPIED = ("course", "source", "release", "nbgrader_config.py", "course.toml")
SERVER_START_S = 120
KERNEL_S = 90        # a kernel start, or one Run All
VALIDATE_S = 180     # Validate runs the whole notebook in a fresh kernel

try:
    import playwright.sync_api as playwright_api
except ImportError:  # pragma: no cover - playwright is in requirements.txt
    playwright_api = None


def browser_test(test):
    """Marked `browser`; skipped where Playwright or Chromium is missing."""
    for mark in (pytest.mark.browser,
                 pytest.mark.skipif(playwright_api is None, reason="playwright is not installed"),
                 pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                    reason=f"no chromium at {CHROMIUM} (apt-get install chromium)")):
        test = mark(test)
    return test


# ---------------------------------------------------------------- `make lab`, without a browser

def _course_skeleton(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    (tmp_path / "release").mkdir()
    return tmp_path


def test_lab_creates_a_writable_exchange(tmp_path):
    root = _course_skeleton(tmp_path)
    path = course_lab.prepare_exchange(root)
    assert path == root / ".exchange"  # c.Exchange.root in nbgrader_config.py
    assert path.stat().st_mode & 0o777 == 0o777, "nbgrader's release_assignment wants rwxrwxrwx"
    path.chmod(0o700)
    assert course_lab.prepare_exchange(root).stat().st_mode & 0o777 == 0o777, "permissions not repaired"


def test_lab_serves_the_course_root_and_opens_in_release(tmp_path):
    root = _course_skeleton(tmp_path)
    cmd = course_lab.lab_command(root, ["--port=9999"])
    assert cmd[1:4] == ["-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={root}" in cmd and "--FileContentsManager.preferred_dir=release" in cmd
    assert cmd[-1] == "--port=9999"
    env = course_lab.lab_environment(root)
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(root)
    # nbgrader's gradebook runs `alembic` from PATH when it creates gradebook.db.
    assert shutil.which("alembic", path=env["PATH"]), "alembic is not on the server's PATH"


def test_nbgrader_server_extensions_are_enabled():
    assert course_lab.disabled_extensions() == []


# ---------------------------------------------------------------- the server

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    # The kernel must use the inline backend (conftest sets Agg for the other tests),
    # and must not think it is being graded.
    for var in ("MPLBACKEND", "NBGRADER_EXECUTION", "JUPYTER_PORT"):
        env.pop(var, None)
    env.update({
        "PYTHONPATH": str(tmp / "course-copy"),
        "DLCOURSE_DATA_MIRROR": str(data_mirror()),
        "DLCOURSE_DATA_CACHE": str(data_cache()),
        # Jupyter's per-user state goes into the temporary folder, not ~/.jupyter.
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter-data"),  # notebook trust signatures
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces"),
        "IPYTHONDIR": str(tmp / "ipython"),
    })
    # No "get Jupyter news?" toast over the screenshots, and no request for news.
    notification = (tmp / "lab-settings" / "@jupyterlab" / "apputils-extension"
                    / "notification.jupyterlab-settings")
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    return env


def _get(url: str, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as r:  # noqa: S310 - localhost only
        return r.read()


def _stop(proc: subprocess.Popen, base: str, token: str, runtime: Path) -> None:
    """Shut the kernels down, then the server; kill what is left of either."""
    try:
        for kernel in json.loads(_get(f"{base}/api/kernels?token={token}")):
            req = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(req, timeout=30).close()  # noqa: S310
    except OSError:
        pass
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    # Kernels run in their own sessions: find ours by their connection file in our runtime folder.
    for pid_dir in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (pid_dir / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(runtime) in cmdline and "ipykernel" in cmdline:
            try:
                os.kill(int(pid_dir.name), signal.SIGKILL)
            except OSError:
                pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base URL, token, course copy): JupyterLab as `make lab` starts it, in a copy of the course."""
    tmp = tmp_path_factory.mktemp("lab")
    course = tmp / "course-copy"
    course.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pt", "*.log")
    for name in COPIED:
        src = ROOT / name
        (shutil.copytree(src, course / name, ignore=ignore) if src.is_dir() else shutil.copy(src, course))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):  # this run's screenshots only
        old.unlink()
    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    log = open(tmp / "jupyter.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "course", "lab", "--", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"],
        cwd=course, env=_server_env(tmp), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                log_tail = (tmp / "jupyter.log").read_text()[-3000:]
                raise RuntimeError(f"JupyterLab exited ({proc.returncode}):\n{log_tail}")
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer within "
                                       f"{SERVER_START_S} s:\n{(tmp / 'jupyter.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield base, token, course
    finally:
        _stop(proc, base, token, tmp / "jupyter-runtime")
        log.close()
        # The log is a test artefact too.
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp / "jupyter.log", SHOTS / "jupyter.log")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def shot(page, name: str) -> None:
    # Let a scroll finish painting: the notebook renders off-screen cells lazily.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))
    if name in FOR_DOCS:
        to_docs(name)


def to_docs(name: str) -> None:
    """With DLCOURSE_DOC_SCREENSHOTS=1, copy build/screenshots/NAME into docs/screenshots/. Refuses (the test
    fails) where fontconfig knows no Japanese font: Chromium would draw the course's Japanese terms as boxes."""
    if os.environ.get("DLCOURSE_DOC_SCREENSHOTS") != "1":
        return
    fonts = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    if not fonts.strip():
        pytest.fail("DLCOURSE_DOC_SCREENSHOTS=1 needs a Japanese font (apt-get install fonts-ipafont-gothic): "
                    "without one the screenshots show boxes for the Japanese terms")
    DOC_SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHOTS / name, DOC_SHOTS / name)


# ---------------------------------------------------------------- JupyterLab helpers

_KERNEL_IDLE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const status = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const name = panel && panel.querySelector('.jp-KernelName');
  return !!status && status.dataset.status === 'idle' && !!name && !name.textContent.includes('No Kernel');
}"""


def wait_kernel_idle(page, timeout_s: float = KERNEL_S) -> None:
    page.wait_for_function(_KERNEL_IDLE, timeout=timeout_s * 1000)


def open_notebook(page, base: str, token: str, path: str, n_cells: int) -> None:
    page.goto(f"{base}/lab/tree/{path}?token={token}")
    page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= n",
                           arg=n_cells, timeout=KERNEL_S * 1000)
    wait_kernel_idle(page)


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{top}$")).click()
    page.locator(".lm-Menu:visible .lm-Menu-itemLabel").get_by_text(item, exact=True).click()


CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell"


def cells(page):
    return page.locator(CELLS)


def run_all(page, done_cell: int) -> None:
    """Run > Run All Cells; wait until cell *done_cell* has run and the kernel is idle again."""
    prompt = (f"document.querySelectorAll({json.dumps(CELLS)})[{done_cell}]"
              ".querySelector('.jp-InputPrompt').textContent")
    before = page.evaluate(f"() => {prompt}")
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(
        f"before => {{ const p = {prompt}; return /\\[\\d+\\]/.test(p) && p !== before; }}",
        arg=before, timeout=KERNEL_S * 1000)
    wait_kernel_idle(page)


def stderr_of(cell) -> str:
    return " ".join(cell.locator("[data-mime-type='application/vnd.jupyter.stderr']").all_text_contents())


def validate(page, expect: str) -> str:
    """Press Validate on the toolbar; return the dialog's text once it shows *expect* (a CSS class)."""
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .validate-button").click()
    dialog = page.locator(".jp-Dialog")
    outcome = dialog.locator(".validation-success, .validation-failed").or_(
        dialog.get_by_text("There was an error running the validate command"))
    outcome.first.wait_for(timeout=VALIDATE_S * 1000)
    text = dialog.text_content()
    assert dialog.locator(f".{expect}").count() == 1, f"Validate did not report {expect}: {text[:2000]}"
    return text


def close_dialog(page) -> None:
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    page.locator(".jp-Dialog").wait_for(state="detached")


def formgrader_action(page, frame, row, action: str, screenshot: str) -> str:
    """Click a formgrader row's *action* link (release, collect); return its result dialog's text."""
    row.locator(f".{action} a").click()
    modal = frame.locator(".modal.in")  # bootstrap adds "in" once the dialog has faded in
    modal.wait_for(timeout=KERNEL_S * 1000)
    text = modal.text_content()
    page.wait_for_timeout(500)  # the fade's last frames, for the screenshot
    shot(page, screenshot)
    modal.locator(".modal-footer button").click()
    modal.wait_for(state="detached")
    return text


# ---------------------------------------------------------------- the notebook's cells

def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def reference_answers(aid: str) -> dict[str, str]:
    """grade_id -> the source notebook's solution, without the BEGIN/END SOLUTION lines."""
    nb = nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)
    return {_meta(c)["grade_id"]: "\n".join(line for line in c.source.splitlines()
                                             if not re.match(r"\s*### (BEGIN|END) SOLUTION", line))
            for c in nb.cells if c.cell_type == "code" and _meta(c).get("solution")}


def release_layout(aid: str) -> list[tuple[str, dict]]:
    nb = nbformat.read(ROOT / "release" / aid / f"{aid}.ipynb", as_version=4)
    return [(c.cell_type, _meta(c)) for c in nb.cells]


# ---------------------------------------------------------------- the tests

@browser_test
def test_student_runs_answers_and_validates(lab, page):
    base, token, course = lab
    layout = release_layout(AID)
    answers = reference_answers(AID)
    answer_cells = [(i, m["grade_id"]) for i, (kind, m) in enumerate(layout) if m.get("solution")]
    test_cells = [(i, m["grade_id"]) for i, (kind, m) in enumerate(layout)
                  if m.get("grade") and not m.get("solution")]
    code_cells = [i for i, (kind, _) in enumerate(layout) if kind == "code"]
    setup = next(i for i, (_, m) in enumerate(layout) if m.get("grade_id") == "setup")
    assert answer_cells and test_cells and set(answers) >= {g for _, g in answer_cells}

    # 1. The release notebook opens with its title, estimated time and objectives.
    open_notebook(page, base, token, f"release/{AID}/{AID}.ipynb", len(layout))
    intro = cells(page).nth(0).text_content()
    assert "Estimated time" in intro and "Objectives" in intro, intro[:500]
    shot(page, "01-release-opened.png")

    # 2. Run all on the stubs: the environment report prints; the first visible test fails.
    first_test, first_test_id = test_cells[0]
    run_all(page, first_test)
    report = cells(page).nth(setup).locator(".jp-OutputArea").text_content()
    for what in ("Python", "NumPy", "data mirror", "grading mode: off"):
        assert what in report, f"the environment report lacks {what!r}: {report}"
    cells(page).nth(setup).scroll_into_view_if_needed()
    shot(page, "02-environment-report.png")
    failing = cells(page).nth(first_test)
    failing.scroll_into_view_if_needed()
    error = stderr_of(failing)
    assert "NotImplementedError" in error or "CheckFailure" in error, \
        f"{first_test_id} should fail on the stub, its output: {error[:1000]!r}"
    # Test cells are locked: typing into one changes nothing.
    locked = failing.locator(".cm-content")
    before = locked.text_content()
    locked.click()
    page.keyboard.insert_text("# edited")
    page.keyboard.press("Escape")
    assert locked.text_content() == before, "a student could edit a locked test cell"
    failing.evaluate("el => el.scrollIntoView({block: 'start'})")
    shot(page, "03-visible-tests-fail.png")

    # 3. Validate on the stubs lists the failing tests.
    text = validate(page, "validation-failed")
    assert "Success!" not in text
    shot(page, "04-validate-failed.png")
    close_dialog(page)

    # 4. Type the reference answers into the answer cells.
    for index, grade_id in answer_cells:
        editor = cells(page).nth(index).locator(".cm-content")
        editor.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.insert_text(answers[grade_id])
        page.keyboard.press("Escape")
        typed = editor.text_content()
        assert "NotImplementedError" not in typed, f"{grade_id}: the stub is still there: {typed!r}"
    cells(page).nth(answer_cells[0][0]).scroll_into_view_if_needed()
    shot(page, "05-answer-typed.png")

    # 5. Run all again: every cell runs, no test cell writes an error, the plots render.
    run_all(page, code_cells[-1])
    for index, grade_id in test_cells:
        err = stderr_of(cells(page).nth(index))
        assert not err, f"{grade_id} fails with the reference answer: {err[:1500]}"
        # A passing test cell shows nothing (nbgrader would read an Out[n] value as partial credit).
        shown = cells(page).nth(index).locator(".jp-OutputArea-executeResult").all_text_contents()
        assert not shown, f"{grade_id} shows an Out[n] value to the student: {shown}"
    prompts = [cells(page).nth(i).locator(".jp-InputPrompt").text_content() for i in code_cells]
    assert all(re.search(r"\[\d+\]", p) for p in prompts), f"not every code cell ran: {prompts}"
    images = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedImage img")
    assert images.count() >= 2, f"expected the notebook's plots as images, found {images.count()}"
    for k in range(images.count()):
        img = images.nth(k)
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        width, height = img.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert width > 200 and height > 100, f"plot {k} is {width}x{height} pixels"
        assert img.get_attribute("src").startswith("data:image/png")
    images.first.scroll_into_view_if_needed()
    shot(page, "06-plot.png")

    # 6. Validate: success (it saves the notebook first, then runs it in a fresh kernel).
    text = validate(page, "validation-success")
    assert "Success! Your notebook passes all the tests." in text
    shot(page, "07-validate-success.png")
    close_dialog(page)
    saved = nbformat.read(course / "release" / AID / f"{AID}.ipynb", as_version=4)
    assert all("NotImplementedError" not in saved.cells[i].source for i, _ in answer_cells)


@browser_test
def test_instructor_sees_formgrader_and_exchange(lab, page):
    base, token, course = lab
    ids = sorted(p.name for p in (course / "source").iterdir() if (p / f"{p.name}.ipynb").is_file())

    page.goto(f"{base}/lab?token={token}")
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=KERNEL_S * 1000)

    # Nbgrader > Formgrader: Manage Assignments lists every assignment in source/.
    menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("iframe[src*='formgrader']")
    table = frame.locator("#main-table")
    for aid in ids:
        table.get_by_text(aid, exact=True).first.wait_for(timeout=KERNEL_S * 1000)
    assert frame.locator("#warning-exchange").count() == 0, "the formgrader says the exchange is missing"
    assert frame.get_by_text("Unwritable").count() == 0
    shot(page, "08-formgrader.png")

    # The exchange round trip: release (formgrader), fetch and submit (assignment list), collect.
    row = table.locator("tr", has=frame.get_by_text(AID, exact=True))
    text = formgrader_action(page, frame, row, "release", "09-formgrader-released.png")
    assert "Successfully released" in text, text[:2000]
    assert (course / ".exchange" / "dl-course" / "outbound" / AID / f"{AID}.ipynb").is_file()

    menu(page, "Nbgrader", "Assignment List")
    panel = page.locator(".lm-DockPanel-widget:visible").last
    released = page.locator("#released_assignments_list")
    released.get_by_text(AID).wait_for(timeout=KERNEL_S * 1000)
    assert "Unwritable" not in panel.text_content(), panel.text_content()[:1000]
    released.locator("button", has_text="Fetch").click()
    fetched = page.locator("#fetched_assignments_list")
    fetched.get_by_text(AID).first.wait_for(timeout=KERNEL_S * 1000)
    fetched.locator("button", has_text="Submit").click()
    page.locator("#submitted_assignments_list").get_by_text(AID).first.wait_for(timeout=KERNEL_S * 1000)
    assert "Unwritable" not in panel.text_content() and "rror" not in panel.text_content(), \
        panel.text_content()[:1000]
    shot(page, "10-assignment-list.png")

    page.locator(".lm-TabBar-tabLabel", has_text="Formgrader").click()
    text = formgrader_action(page, frame, row, "collect", "11-formgrader-collected.png")
    assert "Successfully collected" in text, text[:2000]
    row.locator(".num-submissions a", has_text="1").wait_for(timeout=KERNEL_S * 1000)
    assert list((course / "submitted").glob(f"*/{AID}/{AID}.ipynb")), "collect put nothing in submitted/"

    exchange = course / ".exchange"
    assert exchange.is_dir() and oct(exchange.stat().st_mode & 0o777) == oct(0o777)
