"""A judge's Link wired to a kernel's Link over a socket pair, in one process (tests of course.judge).

    with linked_pair({"double": lambda x: 2 * x}) as (judge, kernel):
        judge.request("name", "double")(3)
"""
import contextlib
import socket
import threading

from course.judge.link import Link


@contextlib.contextmanager
def linked_pair(namespace: dict, extra_ops: dict | None = None):
    """(judge, kernel): the judge's end (strict) of a link, and its kernel end, which serves *namespace*
    (and *extra_ops*, the agent's operations a test needs) on a thread."""
    ours, theirs = socket.socketpair()
    kernel = Link(strict=False, namespace=namespace)
    kernel.extra_ops.update(extra_ops or {})
    kernel.sock = theirs
    thread = threading.Thread(target=kernel.serve_forever, daemon=True)
    thread.start()
    link = Link(strict=True)
    link.sock = ours
    try:
        yield link, kernel
    finally:
        link.hang_up()
        thread.join(5)
