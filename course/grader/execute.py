"""nbgrader's Execute preprocessor, hardened against notebooks that fight back.

Plain nbgrader loses the whole submission when the kernel dies (``os._exit``, a
crash, a resource limit) or when a cell ignores the interrupt sent at its timeout
(a loop that catches ``KeyboardInterrupt``).  Here:

* every cell still has nbgrader's timeout (``c.Execute.timeout``), and the whole
  notebook has a wall-clock budget (``notebook_timeout``);
* a cell that does not stop within ``iopub_timeout`` seconds of the interrupt gets
  its kernel killed;
* after the kernel is gone (killed or dead), the remaining code cells are not run:
  each gets an error output that says why, so their tests score 0 and the cells
  that did run keep their results;
* outputs past ``max_output_bytes`` per cell (``max_notebook_output_bytes`` per
  notebook) are dropped as they arrive, so a print loop cannot exhaust the grader;
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
from nbgrader.preprocessors import Execute
from traitlets import Bool, Int, Unicode

NOT_RUN = "NotRun"


def error_output(ename: str, message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message,
                        traceback=[f"{ename}: {message}"])


class GuardedExecute(Execute):
    notebook_timeout = Int(300, help="wall-clock seconds for the whole notebook").tag(config=True)
    max_output_bytes = Int(1_000_000, help="output kept per cell").tag(config=True)
    max_notebook_output_bytes = Int(5_000_000, help="output kept per notebook").tag(config=True)
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
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
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
                self._event("cell-timeout", f"{gid} ran past its {self.timeout} s limit and was "
                            "interrupted", gid)
        if any(o.get("output_type") == "error" for o in cell.outputs) and status == "ok":
            status = "error"
        self._cells.append({"cell": gid, "seconds": round(time.monotonic() - start, 3), "status": status})
        return cell, resources

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        left = max(1, int(self._remaining() + 0.999))
        return left if timeout is None else min(timeout, left)

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = True
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
    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg.get("msg_type") == "error":  # errors decide scores: always kept (LimitOutput trims them)
            return super().output(outs, msg, display_id, cell_index)
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        budget = min(self.max_output_bytes - self._cell_bytes, self.max_notebook_output_bytes - self._nb_bytes)
        if size <= budget:
            self._cell_bytes += size
            self._nb_bytes += size
            return super().output(outs, msg, display_id, cell_index)
        stream = content.get("name") if msg.get("msg_type") == "stream" else "stdout"
        out = None
        if msg.get("msg_type") == "stream" and budget > 0:  # keep the part that fits
            content["text"] = content["text"][:budget]
            self._cell_bytes += budget
            self._nb_bytes += budget
            out = super().output(outs, msg, display_id, cell_index)
        if stream not in self._cell_truncated:  # say so once per stream and cell
            self._cell_truncated.add(stream)
            note = f"... {stream} output truncated by the grader ..."
            if stream == "stderr":  # stays a stderr stream: it must still fail a test cell
                outs.append(NotebookNode(output_type="stream", name="stderr", text=f"\n{note}\n"))
            else:  # not a stream, so that neither stream coalescing nor LimitOutput hides it
                outs.append(NotebookNode(output_type="display_data", metadata={},
                                         data={"text/plain": note}))
            self._event("output-truncated", f"{stream} output of cell {cell_index + 1} past the grader's "
                        "limit was dropped", f"cell {cell_index + 1}")
        return out

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
