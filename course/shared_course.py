"""A course root that several instructors share (the hub's ``dlcourse-instructors`` group).

``python -m course grade`` runs inside :func:`grading_session`: one grading run at a time per course
(a second one stops at once and names who is grading), and what the run creates (``gradebook.db``,
``autograded/``, ``feedback/``, ``grades.csv``, ``reports/``) stays writable by the group, so that the
next instructor or TA can grade, give feedback and export.  A course root is group-shared when its
folder is setgid (``python -m course hub setup`` makes it ``2770``); elsewhere (``make lab``, one
person) only the lock applies.
"""
from __future__ import annotations

import fcntl
import os
import pwd
import socket
import stat
import time
from contextlib import contextmanager
from pathlib import Path

LOCK = ".grading.lock"
#: what grading writes in the course root
OUTPUTS = ("gradebook.db", "gradebook.db-journal", "grades.csv", "autograded", "feedback", "reports", "submitted")


class CourseBusy(RuntimeError):
    pass


def group_shared(root: Path) -> bool:
    return bool(Path(root).stat().st_mode & stat.S_ISGID)


def share_with_group(root: Path) -> None:
    """Give the group write access to what this user made in *root*'s grading outputs."""
    me = os.geteuid()
    for name in OUTPUTS:
        top = Path(root) / name
        if top.is_symlink() or not top.exists():
            continue
        wanted = [(str(top), 0o660)] if not top.is_dir() else \
            [(p, want) for dirpath, _, files in os.walk(top)
             for p, want in [(dirpath, 0o2770), *((os.path.join(dirpath, f), 0o660) for f in files)]]
        for path, want in wanted:
            st = os.lstat(path)
            if st.st_uid == me and not stat.S_ISLNK(st.st_mode) and st.st_mode & want != want:
                os.chmod(path, (stat.S_IMODE(st.st_mode) | want) & ~0o007)


@contextmanager
def grading_session(root: Path):
    """Hold *root*'s grading lock (else :class:`CourseBusy`, saying who holds it); in a group-shared
    course, create files group-writable and leave this run's outputs writable by the group."""
    root = Path(root)
    path = root / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
    except PermissionError:  # made by another instructor without group write: locking needs no write
        fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 400, 0).decode(errors="replace").strip() or "another grading run"
            raise CourseBusy(f"{holder} is grading this course ({root}); wait until it finishes, then run "
                             "this again (nothing was graded)") from None
        user = pwd.getpwuid(os.geteuid()).pw_name
        note = f"{user} (pid {os.getpid()} on {socket.gethostname()}, since {time.strftime('%H:%M:%S %Z')})"
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, note.encode(), 0)
            if os.fstat(fd).st_uid == os.geteuid():
                os.fchmod(fd, 0o660)
        except OSError:
            pass  # read-only: the lock holds all the same
        shared = group_shared(root)
        old_umask = os.umask(0o007) if shared else None
        try:
            yield
        finally:
            if shared:
                os.umask(old_umask)
                share_with_group(root)
    finally:
        os.close(fd)  # releases the lock
