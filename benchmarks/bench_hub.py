"""Sizing figures for a class on JupyterHub (docs/performance/hub.md, docs/deploy.md).

Needs root, a hub installed by ``python -m course hub setup`` and the demo accounts of
``python -m course hub demo`` (their password: ``--password``).  It starts the hub on a free
localhost port, then in headless Chromium (tests/test_browser.py's helpers):

* the hub and its proxy alone: their memory (PSS, /proc/PID/smaps_rollup);
* each of the three accounts logs in: the spawn time (JupyterHub's "took N seconds to start",
  and from pressing "Sign in" to JupyterLab's menu), the idle server's memory;
* a student runs all of 01 (the source notebook: the answers in place) and another all of 06
  (torch): each kernel's memory once idle, and the server's again;
* the hub and the proxy again, with three servers.

The notebooks are copied into the accounts' homes (source versions: this is a measurement,
not a class).  The hub is stopped at the end.  Prints a Markdown table.

    python benchmarks/bench_hub.py [--prefix /opt/dlcourse-hub] [--password dl-course-demo]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from course.hub import DEFAULT_PREFIX, DEMO_PASSWORD, DEMO_USERS, Layout  # noqa: E402
from test_browser import CELLS, CHROMIUM, CHROMIUM_ARGS, _free_port, menu, wait_kernel_idle  # noqa: E402


def pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(m[1]) if m else 0


def processes() -> list[tuple[int, int, str]]:
    out = []
    for d in Path("/proc").glob("[0-9]*"):
        try:
            out.append((int(d.name), d.stat().st_uid, (d / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except OSError:
            pass
    return out


def memory(uid: int | None = None, match: str = "") -> float:
    """MiB of PSS of the processes (of *uid*) whose command line contains *match*."""
    return sum(pss_kib(pid) for pid, u, cmd in processes()
               if (uid is None or u == uid) and match in cmd) / 1024


def settle(seconds: float = 10) -> None:
    time.sleep(seconds)


def open_and_run(page, base: str, user: str, rel: str, n_cells: int, last_code: int) -> float:
    page.goto(f"{base}/user/{user}/lab/tree/{rel}")
    page.wait_for_function("n => document.querySelectorAll('.jp-NotebookPanel .jp-Cell').length >= n",
                           arg=n_cells, timeout=180_000)
    wait_kernel_idle(page, 180)
    t0 = time.monotonic()
    try:  # test_browser's run_all, with more time (06's full run on a busy machine)
        prompt = (f"document.querySelectorAll({json.dumps(CELLS)})[{last_code}]"
                  ".querySelector('.jp-InputPrompt').textContent")
        menu(page, "Run", "Run All Cells")
        page.wait_for_function(f"() => /\\[\\d+\\]/.test({prompt})", timeout=900_000)
        wait_kernel_idle(page, 600)
    except Exception:
        page.screenshot(path=f"/tmp/bench-hub-{user}.png")
        raise
    return time.monotonic() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX)
    parser.add_argument("--password", default=DEMO_PASSWORD)
    args = parser.parse_args()
    import nbformat
    import playwright.sync_api as pw

    layout = Layout(args.prefix)
    instructor, s1, s2 = DEMO_USERS
    rows: list[tuple[str, str]] = []
    notebooks = {s1: "01_perceptron", s2: "06_pytorch_and"}
    for user, aid in notebooks.items():
        home = Path(pwd.getpwnam(user).pw_dir)
        dest = home / "bench" / f"{aid}.ipynb"
        dest.parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / "source" / aid / f"{aid}.ipynb", dest)
        u = pwd.getpwnam(user)
        for p in (dest.parent, dest):
            os.chown(p, u.pw_uid, u.pw_gid)

    port = _free_port()
    log_path = layout.state / "bench-hub.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([sys.executable, "-m", "course", "hub", "--prefix", str(layout.prefix),
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/hub/api", timeout=5).close()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(log_path.read_text()[-3000:])
                time.sleep(0.5)
        settle(5)
        hub_pid = proc.pid
        rows.append(("hub process, no user", f"{pss_kib(hub_pid) / 1024:.0f} MiB"))
        rows.append(("configurable-http-proxy, no user", f"{memory(None, 'configurable-http-proxy'):.0f} MiB"))
        with pw.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = {}
            for user in DEMO_USERS:
                ctx = browser.new_context(viewport={"width": 1400, "height": 900})
                page = ctx.new_page()
                page.goto(f"{base}/hub/login")
                page.fill("#username_input", user)
                page.fill("#password_input", args.password)
                t0 = time.monotonic()
                page.click("#login_submit")
                page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for(timeout=300_000)
                rows.append((f"{user}: Sign in to JupyterLab's menu", f"{time.monotonic() - t0:.1f} s"))
                pages[user] = page
            hub_log = log_path.read_text()
            for user in DEMO_USERS:
                m = re.search(rf"User {re.escape(user)} took ([\d.]+) seconds to start", hub_log)
                rows.append((f"{user}: spawn (JupyterHub's log)", f"{float(m[1]):.1f} s" if m else "?"))
            settle()
            for user in DEMO_USERS:
                uid = pwd.getpwnam(user).pw_uid
                rows.append((f"{user}: idle server (jupyterhub-singleuser + JupyterLab)",
                             f"{memory(uid, 'jupyterhub-singleuser'):.0f} MiB"))
            for user, aid in notebooks.items():
                nb = nbformat.read(ROOT / "source" / aid / f"{aid}.ipynb", as_version=4)
                last_code = max(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
                seconds = open_and_run(pages[user], base, user, f"bench/{aid}.ipynb", len(nb.cells), last_code)
                rows.append((f"{user}: Run All of {aid}", f"{seconds:.1f} s"))
            settle()
            for user, aid in notebooks.items():
                uid = pwd.getpwnam(user).pw_uid
                rows.append((f"{aid} kernel, idle after Run All", f"{memory(uid, 'ipykernel_launcher'):.0f} MiB"))
                rows.append((f"{user}: server with that notebook open",
                             f"{memory(uid, 'jupyterhub-singleuser'):.0f} MiB"))
            rows.append(("hub process, 3 users", f"{pss_kib(hub_pid) / 1024:.0f} MiB"))
            rows.append(("configurable-http-proxy, 3 users", f"{memory(None, 'configurable-http-proxy'):.0f} MiB"))
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        for user, aid in notebooks.items():
            shutil.rmtree(Path(pwd.getpwnam(user).pw_dir) / "bench", ignore_errors=True)
    load = os.getloadavg()
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.machine()}, Python "
          f"{platform.python_version()}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("\n| what | figure |\n|---|---|")
    for what, figure in rows:
        print(f"| {what} | {figure} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
