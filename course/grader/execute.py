"""nbgrader's Execute preprocessor, hardened against notebooks that fight back.

Plain nbgrader loses the whole submission when the kernel dies (``os._exit``, a
crash, a resource limit) or when a cell ignores the interrupt sent at its timeout
(a loop that catches ``KeyboardInterrupt``).  Here:

* every cell still has nbgrader's timeout (``c.Execute.timeout``), and the whole
  notebook has a wall-clock budget (``notebook_timeout``); once a cell has timed out,
  later cells get ``timeout_after_timeout`` (a loop costs one full timeout, not one per cell);
* a cell that does not stop within ``iopub_timeout`` seconds of the interrupt gets
  its kernel killed;
* after the kernel is gone (killed or dead), the remaining code cells are not run:
  each gets an error output that says why, so their tests score 0 and the cells
  that did run keep their results;
* outputs past ``max_output_bytes`` per cell (``max_notebook_output_bytes`` per
  notebook), or past ``max_outputs`` outputs per cell (``max_notebook_outputs`` per
  notebook, display updates and widget messages included) are dropped as they arrive,
  so a print loop cannot exhaust the grader; a cell's first error and its results
  (which decide its score) are kept, cut short;
* the kernel runs in ``workdir`` when one is given (a copy of the submission that
  does not hold the notebook with the hidden tests restored);
* what happened, and how long each step took, goes to ``report_file`` (JSON).
"""
from __future__ import annotations

import json
import time

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import output_from_msg
from nbgrader.preprocessors import Execute
from traitlets import Bool, Int, Unicode

from .judged import JudgedCells, is_test_cell

NOT_RUN = "NotRun"


def output_size(content: dict) -> int:
    """Bytes an output message adds: text, data, metadata, an error's traceback."""
    size = len(str(content.get("text", "")))
    for key in ("data", "metadata", "evalue", "traceback"):
        if content.get(key):
            size += len(json.dumps(content[key], default=str))
    return size


def shorten_error(content: dict, limit: int = 2000) -> None:
    content["evalue"] = str(content.get("evalue", ""))[:limit]
    content["traceback"] = [str(t)[:limit] for t in (content.get("traceback") or [])[-10:]]


def error_output(ename: str, message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message,
                        traceback=[f"{ename}: {message}"])


class GuardedExecute(JudgedCells, Execute):
    notebook_timeout = Int(300, help="wall-clock seconds for the whole notebook").tag(config=True)
    timeout_after_timeout = Int(10, help="seconds per cell once a cell has timed out: a loop is cut "
                                "once per notebook, not once per cell").tag(config=True)
    max_output_bytes = Int(1_000_000, help="output kept per cell").tag(config=True)
    max_notebook_output_bytes = Int(5_000_000, help="output kept per notebook").tag(config=True)
    max_outputs = Int(1000, help="outputs kept per cell, empty ones too").tag(config=True)
    max_notebook_outputs = Int(5000, help="outputs kept per notebook, display updates and widget "
                               "messages too").tag(config=True)
    workdir = Unicode("", help="folder the kernel runs in (default: next to the notebook)").tag(config=True)
    report_file = Unicode("", help="JSON file for timings and events").tag(config=True)
    sandboxed = Bool(False, help="start kernels with course.grader.sandbox").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.sandboxed:  # nbgrader's Execute passes kernel_manager_class itself, so not via config
            from .sandbox import SandboxKernelManager
            self.kernel_manager_class = SandboxKernelManager

    # --- the notebook -------------------------------------------------------------
    def preprocess(self, nb, resources=None, km=None):
        self._t0 = time.monotonic()
        self._first_cell_at = None
        self._stopped: str | None = None
        self._events: list[dict] = []
        self._cells: list[dict] = []
        self._nb_bytes = self._cell_bytes = 0
        self._cell_truncated, self._timed_out = set(), False
        if self.workdir:
            resources.setdefault("metadata", {})["path"] = self.workdir
        self._judge_start()  # starts while the kernel starts
        try:
            try:
                return super().preprocess(nb, resources, km)
            except Exception as exc:
                if self._first_cell_at is not None:  # cells ran: not a start-up problem
                    raise
                self.log.warning("kernel did not start (%s); trying once more", exc)
                self._event("kernel-retry", f"the kernel did not start at first ({type(exc).__name__}: "
                            f"{exc}); it was started again")
                self.km = self.kc = None
                time.sleep(2)
                return super().preprocess(nb, resources, km)
        except Exception as exc:
            self._event("error", f"the notebook could not be run: {type(exc).__name__}: {exc}")
            raise
        finally:
            self._judge_stop()
            self._write_report(resources)

    def _remaining(self) -> float:
        return self.notebook_timeout - (time.monotonic() - self._t0)

    def _event(self, kind: str, message: str, cell: str | None = None) -> None:
        self._events.append({"kind": kind, "message": message, "cell": cell})

    # --- each cell ----------------------------------------------------------------
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        if self._first_cell_at is None:
            self._first_cell_at = time.monotonic()
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
        if self._stopped is None and self._remaining() <= 0:
            self._stop("notebook-timeout", f"the notebook ran past its {self.notebook_timeout} s time "
                       "limit; the kernel was stopped", gid)
        if self._stopped is not None:
            cell.outputs = [error_output(NOT_RUN, f"not run: {self._stopped}")]
            self._cells.append({"cell": gid, "seconds": 0.0, "status": "not run"})
            return cell, resources
        self._cell_bytes, self._cell_truncated, self._timed_out = 0, set(), False
        start = time.monotonic()
        status = "ok"
        self._judge_before(cell)
        try:
            if self._judge_host is not None and is_test_cell(cell):
                status = self._judge_cell(cell, gid, index)
            else:
                cell, resources = super().preprocess_cell(cell, resources, index)
                self._judge_after(cell)
        except CellTimeoutError:
            status = "killed"
            why = ("this cell did not stop when it was interrupted at its time limit (a loop that "
                   "catches KeyboardInterrupt, or a process that ignores it); the kernel was stopped")
            cell.outputs.append(error_output("CellTimeoutError", why))
            self._stop("unresponsive", why, gid)
        except DeadKernelError:
            status = "kernel died"
            why = self._death_reason()
            cell.outputs.append(error_output("DeadKernelError", why))
            self._stop("kernel-died", why, gid)
        except Exception as exc:  # noqa: BLE001 - e.g. garbled messages from a forked kernel
            status = "killed"
            why = (f"the kernel misbehaved while running this cell ({type(exc).__name__}: "
                   f"{str(exc)[:200]}); it may have forked or written to its own sockets. The kernel "
                   "was stopped")
            cell.outputs.append(error_output("KernelError", why))
            self._stop("kernel-broken", why, gid)
        if self._timed_out and status == "ok":
            status = "timeout"
            if self._remaining() <= 0.5:
                self._stop("notebook-timeout", f"the notebook ran past its {self.notebook_timeout} s "
                           "time limit; the kernel was stopped", gid)
            else:
                limit = f"{self._timed_out} s limit"
                if self._timed_out < (self.timeout or 0):
                    limit += " (cut short: an earlier cell had timed out)"
                self._event("cell-timeout", f"{gid} ran past its {limit} and was interrupted", gid)
        if any(o.get("output_type") == "error" for o in cell.outputs) and status == "ok":
            status = "error"
        self._cells.append({"cell": gid, "seconds": round(time.monotonic() - start, 3), "status": status})
        return cell, resources

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        if any(e["kind"] == "cell-timeout" for e in self._events):
            timeout = min(timeout or self.timeout_after_timeout, self.timeout_after_timeout)
        left = max(1, int(self._remaining() + 0.999))
        return left if timeout is None else min(timeout, left)

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = timeout  # the limit it ran past, in seconds (> 0)
        return await super()._async_handle_timeout(timeout, cell)

    def _stop(self, kind: str, why: str, cell: str) -> None:
        """Kill the kernel; every later code cell is marked as not run."""
        self._stopped = f"the kernel was stopped earlier, in {cell}: {why}"
        self._event(kind, f"{cell}: {why}", cell)
        try:
            if self.km is not None and run_sync(self.km.is_alive)():
                run_sync(self.km._async_kill_kernel)()
        except Exception as exc:  # the kernel may be gone already
            self.log.warning("could not kill the kernel: %s", exc)

    def _death_reason(self) -> str:
        code = None
        try:
            code = self.km.provisioner.process.poll()
        except Exception:
            pass
        limit = {9: "it was killed (SIGKILL: out of memory, or killed from outside)",
                 24: "it ran out of CPU time (the sandbox's CPU limit)",
                 137: "it was killed (SIGKILL: out of memory, or killed from outside)",
                 152: "it ran out of CPU time (the sandbox's CPU limit)"}
        detail = limit.get(abs(code) if code is not None else -1,
                           f"exit code {code}" if code is not None else "exit code unknown")
        return (f"the kernel stopped while running this cell ({detail}): os._exit(), a crash, or a "
                "resource limit; cells below were not run")

    # --- outputs ------------------------------------------------------------------
    def reset_execution_trackers(self) -> None:
        super().reset_execution_trackers()
        self._outputs: dict = {}  # outputs kept so far: per cell index, and in all (key None)

    def _take_output(self, cell_index: int | None) -> bool:
        """Count one more output (of *cell_index*, or of the notebook only); False past a limit."""
        counts = self._outputs
        if counts.get(None, 0) >= self.max_notebook_outputs or (
                cell_index is not None and counts.get(cell_index, 0) >= self.max_outputs):
            return False
        counts[None] = counts.get(None, 0) + 1
        if cell_index is not None:
            counts[cell_index] = counts.get(cell_index, 0) + 1
        return True

    def _bytes_left(self) -> int:
        return min(self.max_output_bytes - self._cell_bytes, self.max_notebook_output_bytes - self._nb_bytes)

    def _spend(self, size: int) -> None:
        self._cell_bytes += size
        self._nb_bytes += size

    def _dropped(self, what: str, cell_index: int | None, outs=None) -> None:
        """Say once per cell and kind that output was dropped (in the cell when *outs* is given)."""
        if what in self._cell_truncated:
            return
        self._cell_truncated.add(what)
        note = f"... {what} output truncated by the grader ..."
        if outs is not None and what == "stderr":  # stays a stderr stream: it must still fail a test cell
            outs.append(NotebookNode(output_type="stream", name="stderr", text=f"\n{note}\n"))
        elif outs is not None:  # not a stream, so that neither stream coalescing nor LimitOutput hides it
            outs.append(NotebookNode(output_type="display_data", metadata={}, data={"text/plain": note}))
        where = "the notebook" if cell_index is None else f"cell {cell_index + 1}"
        self._event("output-truncated", f"{what} output of {where} past the grader's limit was dropped",
                    None if cell_index is None else where)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        kind = msg.get("msg_type")
        size, budget = output_size(content), self._bytes_left()
        counted = self._take_output(cell_index)
        if counted and size <= budget:
            self._spend(size)
            return super().output(outs, msg, display_id, cell_index)
        if kind in ("error", "execute_result"):
            return self._keep_for_scoring(outs, msg, cell_index)
        out = None
        if kind == "stream" and counted and budget > 0:  # keep the part that fits
            content["text"] = str(content.get("text", ""))[:budget]
            self._spend(budget)
            out = super().output(outs, msg, display_id, cell_index)
        self._dropped("stderr" if content.get("name") == "stderr" else "stdout", cell_index, outs)
        return out

    def _keep_for_scoring(self, outs, msg, cell_index):
        """Past the limits, what scores a test cell is still kept, cut short: its first error, and
        its results (nbgrader reads one as a partial score): the first and the latest."""
        content = msg["content"]
        if msg["msg_type"] == "error":
            if any(o.get("output_type") == "error" for o in outs):
                return None
            shorten_error(content)
            return super().output(outs, msg, None, cell_index)
        content["data"] = {"text/plain": str((content.get("data") or {}).get("text/plain", ""))[:1000]}
        content["metadata"] = {}
        results = [i for i, o in enumerate(outs) if o.get("output_type") == "execute_result"]
        if len(results) < 2:
            return super().output(outs, msg, None, cell_index)
        outs[results[-1]] = output_from_msg(msg)  # in place: display ids keep their output indices
        return outs[results[-1]]

    def _update_display_id(self, display_id, msg):
        """A display update rewrites every output shown under its id: it costs its size that many
        times, and counts as an output of the notebook."""
        shown = sum(len(v) for v in self._display_id_map.get(display_id, {}).values())
        if not shown:
            return None
        size = output_size(msg.get("content", {})) * shown
        if size <= self._bytes_left() and self._take_output(None):
            self._spend(size)
            return super()._update_display_id(display_id, msg)
        self._dropped("display update", None)
        return None

    def handle_comm_msg(self, outs, msg, cell_index):
        """Widget messages (their state is kept in memory) count like outputs."""
        size = output_size(msg.get("content", {})) + sum(len(b) for b in msg.get("buffers") or [])
        if size <= self._bytes_left() and self._take_output(None):
            self._spend(size)
            return super().handle_comm_msg(outs, msg, cell_index)
        self._dropped("widget", cell_index)
        return None

    # --- the report ---------------------------------------------------------------
    def _write_report(self, resources) -> None:
        if not self.report_file:
            return
        now = time.monotonic()
        first = self._first_cell_at or now
        report = {"notebook": resources.get("nbgrader", {}).get("notebook"),
                  "kernel_start_s": round(first - self._t0, 3),
                  "run_s": round(now - first, 3), "total_s": round(now - self._t0, 3),
                  "cells": self._cells, "events": self._events, "stopped": self._stopped}
        try:
            with open(self.report_file) as f:
                reports = json.load(f)
        except (OSError, ValueError):
            reports = []
        reports.append(report)
        with open(self.report_file, "w") as f:
            json.dump(reports, f, indent=1)
