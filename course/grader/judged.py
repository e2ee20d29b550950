"""Graded test cells run by the judge (:mod:`course.judge`), not by the student's kernel.

A mixin of :class:`~.execute.GuardedExecute`.  For a judged notebook:

* before the first cell, the kernel notes its own state (``agent.baseline``);
* a locked cell (setup, helpers) runs in the kernel as usual and is queued for the judge;
* a graded test cell is sent to the judge; meanwhile the kernel serves the judge's
  requests; the cell's outputs are the judge's, so its score is the judge's verdict;
* the integrity probe's findings become a ``tampering`` event (flagged for review).
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from queue import Empty

from jupyter_core.utils import run_sync
from nbformat.notebooknode import NotebookNode, from_dict
from traitlets import Bool, Dict, Int, List, Unicode
from traitlets.config import Configurable

from course.judge.host import BASELINE_CODE, JudgeFailed, JudgeHost, agent_code
from course.judge.server import RECORD_NAME

#: a folder where the test suite collects a copy of everything each judge sent to its kernel
RECORD_ENV = "DLCOURSE_JUDGE_RECORD"


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_locked_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("locked")) and not meta.get("grade") \
        and not meta.get("solution")


class JudgedCells(Configurable):
    judge = Bool(False, help="run graded test cells in the judge process").tag(config=True)
    judge_dir = Unicode("", help="the judge's own folder (its socket and log)").tag(config=True)
    judge_uid = Int(0, help="the judge's unprivileged uid (when the grader is root)").tag(config=True)
    judge_sandbox = Dict(help="Sandbox(...) fields for the judge; empty: not sandboxed").tag(config=True)
    judge_workdir_name = Unicode("work", help="the submission folder's name inside the sandbox").tag(config=True)
    judge_python = Unicode("", help="the judge's interpreter (empty: the grader's; .venv-tf's for the TF "
                            "notebooks)").tag(config=True)
    judge_reply_s = Int(5, help="seconds the kernel has to return from serving the judge").tag(config=True)
    judge_withheld = List(Unicode(), help="withheld data the judge never sends to the kernel "
                          "(metadata.dlcourse.withheld)").tag(config=True)
    judge_probe = Bool(True, help="flag the integrity probe's findings (False only in the test suite's "
                       "defences-off runs)").tag(config=True)

    _judge_host: JudgeHost | None = None

    def _judge_start(self) -> None:
        self._judge_host, self._baselined = None, False
        if not self.judge:
            return
        folder = Path(self.judge_dir or (Path(self.workdir or ".") / ".judge"))
        folder.mkdir(parents=True, exist_ok=True)
        wrap = None
        if self.judge_sandbox:
            from .sandbox import Limits, Sandbox
            spec = dict(self.judge_sandbox)
            box = Sandbox(limits=Limits(**spec.pop("limits", {})), **spec)
            box.env = {**box.env, "PYTHONSAFEPATH": "1", "MPLBACKEND": "Agg", **self._judge_env()}
            uid = self.judge_uid if os.geteuid() == 0 else None
            if uid is not None:
                os.chown(folder, uid, uid)
            os.chmod(folder, 0o755)
            wrap = lambda argv: box.command(argv, workdir=self.workdir, runtime_dir=str(folder),  # noqa: E731
                                            name=self.judge_workdir_name, uid=uid)
        self._judge_host = JudgeHost(folder, wrap=wrap, cwd=self.workdir or None, python=self.judge_python or None,
                                     env=self._judge_env())

    def _judge_env(self) -> dict:
        env = {"DLCOURSE_JUDGE_WITHHELD": ",".join(self.judge_withheld)} if self.judge_withheld else {}
        if os.environ.get(RECORD_ENV):   # the test suite records what the judge sends (see _judge_stop)
            env[RECORD_ENV] = "1"
        return env

    def _judge_stop(self) -> None:
        if self._judge_host is not None:
            self._judge_host.close()
            record = self._judge_host.folder / RECORD_NAME
            if os.environ.get(RECORD_ENV) and record.is_file():
                import shutil
                import uuid
                shutil.copy(record, Path(os.environ[RECORD_ENV]) / f"{uuid.uuid4().hex}.bin")
            self._judge_host = None

    def _run_silently(self, code: str, timeout: float) -> bool:
        """Run *code* in the kernel, outside the notebook; True when it replied in time."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        return self._await_reply(msg_id, timeout)

    def _await_reply(self, msg_id: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                msg = run_sync(self.kc._async_get_shell_msg)(timeout=left)
            except Empty:
                return False
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return True

    def _judge_before(self, cell) -> None:
        """Before the first code cell: the kernel's baseline for the integrity probe."""
        if self._judge_host is not None and not self._baselined:
            self._baselined = True
            if not self._run_silently(BASELINE_CODE, 30):
                self._event("judge", "the kernel did not record its baseline for the integrity probe")

    def _judge_after(self, cell) -> None:
        if self._judge_host is not None and is_locked_cell(cell):
            self._judge_host.queue(cell.source)

    def _judge_cell(self, cell, gid: str, index: int) -> str:
        """Run a graded test cell in the judge; its outputs become the cell's. Returns a status."""
        host, timeout = self._judge_host, self._get_timeout(cell)
        try:
            host.begin_test(cell.source, gid, timeout)
            msg_id = self.kc.execute(agent_code(host.socket_path), silent=True, store_history=False,
                                     allow_stdin=False)
            result = host.finish_test(timeout + 30)
        except JudgeFailed as exc:
            self._event("judge-error", f"{gid}: the grader's judge failed ({exc}); the cell scored 0", gid)
            cell.outputs = [_error("JudgeError", f"the grader could not run this test ({exc})")]
            self._free_kernel(gid)
            return "judge error"
        cell.outputs = [from_dict(o) for o in result["outputs"] if isinstance(o, dict)]
        cell.execution_count = index + 1
        if result.get("probe") and self.judge_probe:
            self._event("tampering", f"{gid}: " + "; ".join(map(str, result["probe"][:10])), gid)
        if result.get("status") == "no-kernel":
            self._event("no-answer", f"{gid}: the kernel did not answer the grader's judge (a broken or "
                        "hijacked kernel); the test scored 0", gid)
        if not self._await_reply(msg_id, self.judge_reply_s):
            self._free_kernel(gid)
        status = str(result.get("status", "error"))
        if status == "timeout":
            self._event("cell-timeout", f"{gid} ran past its {timeout} s limit and was stopped", gid)
        return status

    def _free_kernel(self, gid: str) -> None:
        """The kernel is still busy with the judge's last request: interrupt it, or stop it."""
        if not run_sync(self.km.is_alive)():
            self._stop("kernel-died", self._death_reason(), gid)
            return
        try:
            run_sync(self.km.interrupt_kernel)()
        except Exception:  # noqa: BLE001
            pass
        drained = False
        deadline = time.monotonic() + self.iopub_timeout
        while time.monotonic() < deadline:
            try:
                msg = run_sync(self.kc._async_get_shell_msg)(timeout=max(deadline - time.monotonic(), 0.01))
            except Empty:
                break
            if msg.get("msg_type") == "execute_reply":
                drained = True
                break
        if not drained:
            self._stop("unresponsive", "the kernel did not return after a test cell (a loop that "
                       "catches KeyboardInterrupt?); it was stopped", gid)


def _error(ename: str, message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])
