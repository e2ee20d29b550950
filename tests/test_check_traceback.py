"""A failed check's traceback ends at the test cell's line: no ``course/`` frames above the message."""
import os
import re
import traceback

import numpy as np
import pytest

from course.check import CheckFailure, call, trim_traceback

COURSE = os.path.join("course", "check.py")


def _plain(lines):
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(lines))


def _wrong(x):
    return x + 1


def test_trim_traceback_cuts_at_the_first_course_frame():
    try:
        call(_wrong, np.array([1.0])).close([3.0], hint="add one")
    except CheckFailure as exc:
        full = traceback.format_tb(exc.__traceback__)
        trimmed = traceback.format_tb(trim_traceback(exc.__traceback__))
    assert any(COURSE in line for line in full)          # close() and fail() were there
    assert not any(COURSE in line for line in trimmed)   # and are gone
    assert len(trimmed) == 1 and "call(_wrong" in trimmed[0]


def test_trim_keeps_a_traceback_without_course_frames():
    def boom():
        raise ValueError("x")
    try:
        boom()
    except ValueError as exc:
        before = len(traceback.format_tb(exc.__traceback__))
        assert len(traceback.format_tb(trim_traceback(exc.__traceback__))) == before == 2


def test_kernel_shows_the_call_and_the_message_only():
    """In a real ipykernel (what JupyterLab runs), in every xmode."""
    jupyter_client = pytest.importorskip("jupyter_client")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3", cwd=root)
    try:
        def run(code):
            msg_id = kc.execute(code)
            errors = []
            while True:
                msg = kc.get_iopub_msg(timeout=60)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "error":
                    errors.append(msg["content"])
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    return errors
        assert run("import numpy as np\nfrom course.check import call, check\n"
                   "def relu(x):\n    return x") == []
        for mode in ("Context", "Verbose", "Plain", "Minimal"):
            run(f"get_ipython().InteractiveTB.set_mode({mode!r})")
            for cell in ('call(relu, np.array([-1.0])).close([0.0], hint="negative inputs give 0")',
                         'check(False, call="relu(-1)", expected="0", got="-1", hint="h")'):
                [err] = run(cell)
                text = _plain(err["traceback"])
                assert err["ename"] == "CheckFailure"
                assert COURSE not in text and "check.py" not in text, (mode, text)
                assert "expected:" in text and "hint:" in text
                if mode != "Minimal":
                    assert cell.split("(")[0] + "(" in text, (mode, text)   # the test cell's line
        run("get_ipython().InteractiveTB.set_mode('Context')")
        [err] = run("def f():\n    raise ValueError('mine')\nf()")            # other errors: unchanged
        assert err["ename"] == "ValueError" and "raise ValueError" in _plain(err["traceback"])
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
