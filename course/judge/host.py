"""The grader's side of the judge: start the judge process, hand it each cell, read its verdict.

:class:`JudgeHost` owns one judge process per notebook (sandboxed like the kernel, with a
uid and a folder of its own: the socket lives there, bound read-only into the kernel's
sandbox).  If the judge dies, the next test cell starts a new one and replays the
locked cells it had been given.
"""
from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

SOCKET_NAME = "judge.sock"


def agent_code(socket_path: str) -> str:
    """What the kernel runs in place of a test cell: serve the judge until it hangs up."""
    return f"__import__('course.judge.agent').judge.agent.serve({socket_path!r})"


BASELINE_CODE = "__import__('course.judge.agent').judge.agent.baseline()"


def judge_argv(python: str | None = None) -> list[str]:
    """*python*: the interpreter of the notebook's own environment (the TF notebooks' judge runs
    ``.venv-tf``'s python: TensorFlow and torch cannot share a process); default this one."""
    return [python or sys.executable, "-P", "-s", "-m", "course.judge.server"]


class JudgeFailed(RuntimeError):
    """The judge process itself failed (never the student's doing)."""


class JudgeHost:
    def __init__(self, folder: Path, wrap=None, cwd: str | None = None, env: dict | None = None,
                 python: str | None = None):
        """*wrap* turns the judge's argv into the sandboxed command (None: run it as is); *python*: see
        :func:`judge_argv`."""
        self.folder = Path(folder)
        self._python = python or None
        self.socket_path = str(self.folder / SOCKET_NAME)
        self._wrap, self._cwd, self._env = wrap, cwd, env
        self._history: list[str] = []
        self._proc: subprocess.Popen | None = None
        self._buf = b""
        self.starts = 0
        self.start()

    def start(self) -> None:
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        argv = judge_argv(self._python) + ["--socket", self.socket_path]
        cmd = self._wrap(argv) if self._wrap else argv
        env = None if self._wrap else {**os.environ, "PYTHONSAFEPATH": "1", "MPLBACKEND": "Agg",
                                       **(self._env or {})}
        log = open(self.folder / "judge.log", "ab")
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                          cwd=None if self._wrap else self._cwd, env=env,
                                          start_new_session=True)
        finally:
            log.close()
        self._buf = b""
        self._ready = False
        self.starts += 1
        for source in self._history:
            self._send({"cmd": "exec", "source": source})

    def _send(self, message: dict) -> None:
        try:
            self._proc.stdin.write((json.dumps(message) + "\n").encode())
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise JudgeFailed(f"the judge process stopped ({exc})") from None

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self._proc.stdout, selectors.EVENT_READ)
            while b"\n" not in self._buf:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise JudgeFailed(f"the judge did not answer within {timeout:.0f} s")
                chunk = os.read(self._proc.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise JudgeFailed(f"the judge process stopped (exit code {self._proc.poll()})")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait_ready(self, timeout: float = 60) -> None:
        if not self._ready:
            if not self._read(timeout).get("ready"):
                raise JudgeFailed("the judge did not start")
            self._ready = True

    def queue(self, source: str) -> None:
        """A locked cell: the judge runs it before the next test cell."""
        self._history.append(source)
        if self.alive():
            try:
                self._send({"cmd": "exec", "source": source})
            except JudgeFailed:
                pass

    def begin_test(self, source: str, name: str, timeout: float) -> None:
        if not self.alive():
            self.close()
            self.start()
        self.wait_ready()
        self._send({"cmd": "test", "id": name, "source": source, "timeout": timeout})

    def finish_test(self, timeout: float) -> dict:
        try:
            result = self._read(timeout)
        except JudgeFailed:
            self.close()  # a judge that missed its own deadline is not trusted with the next cell
            raise
        if not isinstance(result, dict) or not isinstance(result.get("outputs"), list):
            raise JudgeFailed("the judge's answer was malformed")
        return result

    def close(self) -> None:
        if self._proc is None:
            return
        try:
            if self._proc.poll() is None:
                try:
                    self._send({"cmd": "quit"})
                    self._proc.wait(timeout=2)
                except (JudgeFailed, subprocess.TimeoutExpired):
                    self._proc.kill()
                    self._proc.wait(timeout=5)
        finally:
            for stream in (self._proc.stdin, self._proc.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self._proc = None
