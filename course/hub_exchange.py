"""nbgrader's file exchange with private submissions and feedback, for a JupyterHub class.

nbgrader 0.9's exchange leaves every submission folder ``rwxrwxrwx`` and every released
feedback file ``rw-r--r--`` (in a folder nobody can list): a student who learns a path, from a
world-readable home folder or a shared screen, reads (and can replace) another student's
notebook or feedback; and its collect takes a submission's student from the folder's name and its
time from the ``timestamp.txt`` the student wrote, so a student can submit in another's name
(nbgrader only warns, and collects it over the real one) or back-date a submission.
``python -m course hub`` configures these three steps instead (``c.ExchangeFactory.submit`` /
``release_feedback`` / ``collect``); the others are nbgrader's.

The exchange that ``python -m course hub setup`` lays out (``c.CourseDirectory.groupshared``,
the instructors' group owns it)::

    <exchange>/                 root:root             rwxrwxrwt  nbgrader wants 777; sticky
    <exchange>/dl-course/       root:instructors      rwxrwsr-x
        outbound/               root:instructors      rwxrwsr-x  released assignments, read by all
        inbound/                root:instructors      rwxrwx-wx  setgid: students create, cannot list
            <student>+<id>+<time>+<random>/   <student>:instructors  rwxrwx---  (PrivateSubmit)
                <files>                 <student>                rw-r--r--  (behind the folder)
        feedback/               root:instructors      rwxrwx--x  setgid: nobody else lists it
            <hash>.html         <instructor>:instructors rw-r-----  + ACL user:<student>:r--  (PrivateReleaseFeedback)

Collect (:class:`OwnedCollect`) takes only folders owned by the account they name, refuses the others
(left in ``inbound/`` as evidence, listed in ``reports/collect/<assignment>.json`` and in the grading
report) and stamps each submission with the time the exchange received it.  POSIX permissions cannot
stop a student from *creating* a folder under another's name in ``inbound/`` (it must stay writable to
every student): without an exchange service (ngshare, grader-service) this check at collect is the
defence.

A student reads only their own feedback file, through a POSIX ACL naming them (the releasing
instructor cannot give a file away, and nbgrader's file names must stay as they are, since the
student's server finds its feedback by name).  The exchange must be on a filesystem with POSIX
ACLs (ext4, xfs, btrfs, tmpfs; NFS v3 with ACL support; docs/deploy.md).
"""
from __future__ import annotations

import errno
import glob
import json
import os
import pwd
import re
import struct
from datetime import datetime, timezone

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect, groupby
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.utils import notebook_hash, parse_utc

#: A submission's folders: the student and the instructors' group (which the setgid inbound folder
#: gives every folder created in it), nobody else.  Its files stay readable by all, since the
#: folder already keeps everyone else out, and nbgrader writes timestamp.txt and
#: submission_secret.txt after copying the notebooks, once copytree has copied the student's
#: folder mode, clearing the setgid bit: those two belong to the student's own group.
SUBMISSION_DIR_MODE = 0o770
SUBMISSION_FILE_MODE = 0o644
#: A released feedback file: the instructor, the instructors' group and (by ACL) its student.
FEEDBACK_FILE_MODE = 0o640

# Linux's POSIX ACL extended attribute (linux/posix_acl_xattr.h).
_ACL_XATTR = "system.posix_acl_access"
_ACL_VERSION = 2
_USER_OBJ, _USER, _GROUP_OBJ, _MASK, _OTHER = 0x01, 0x02, 0x04, 0x10, 0x20
_UNDEFINED = 0xFFFFFFFF


def acl_bytes(mode: int, readers: dict[int, int]) -> bytes:
    """A POSIX access ACL: *mode*'s owner/group/other bits, plus {uid: permission bits}."""
    entries = [(_USER_OBJ, (mode >> 6) & 7, _UNDEFINED)]
    entries += [(_USER, perm, uid) for uid, perm in sorted(readers.items())]
    group = (mode >> 3) & 7
    entries.append((_GROUP_OBJ, group, _UNDEFINED))
    mask = group
    for perm in readers.values():
        mask |= perm
    entries.append((_MASK, mask, _UNDEFINED))
    entries.append((_OTHER, mode & 7, _UNDEFINED))
    return struct.pack("<I", _ACL_VERSION) + b"".join(struct.pack("<HHI", *e) for e in entries)


def acl_readers(path: str) -> dict[int, int]:
    """{uid: permission bits} of the named users in *path*'s access ACL ({} when it has none)."""
    try:
        raw = os.getxattr(path, _ACL_XATTR)
    except OSError as exc:
        if exc.errno in (errno.ENODATA, errno.ENOTSUP):
            return {}
        raise
    readers = {}
    for offset in range(4, len(raw), 8):
        tag, perm, ident = struct.unpack_from("<HHI", raw, offset)
        if tag == _USER:
            readers[ident] = perm
    return readers


def give_read_access(path: str, uid: int, mode: int = FEEDBACK_FILE_MODE) -> None:
    """chmod *path* to *mode* and let user *uid* read it (a POSIX ACL entry)."""
    os.chmod(path, mode)
    try:
        os.setxattr(path, _ACL_XATTR, acl_bytes(mode, {uid: 4}))
    except OSError as exc:
        if exc.errno == errno.ENOTSUP:
            raise OSError(exc.errno, f"the exchange's filesystem has no POSIX ACLs, so feedback cannot be "
                                     f"released to one student only (mount it with ACLs): {path}") from exc
        raise


def make_private(path: str, dir_mode: int = SUBMISSION_DIR_MODE, file_mode: int = SUBMISSION_FILE_MODE) -> None:
    """Folders *dir_mode*, files *file_mode*, under and including *path* (no symbolic link followed)."""
    for dirpath, dirnames, filenames in os.walk(path):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if not os.path.islink(full):
                os.chmod(full, file_mode)
        os.chmod(dirpath, dir_mode)


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit; the submission is then readable by its student and the instructors only."""

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        make_private(dest)
        if os.stat(dest).st_gid != os.stat(self.inbound_path).st_gid:
            self.fail(f"{dest} did not get the group of {self.inbound_path}: the inbound folder must be setgid "
                      "(chmod 2773), or the instructors cannot collect it")


class PrivateReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback; each feedback file is then readable by its student only
    (and the instructors' group).  The student id must be the student's login name."""

    def copy_files(self):
        html_files = glob.glob(os.path.join(self.src_path, "*.html"))
        for html_file in html_files:  # copied with its mode: never world-readable on the way
            if os.stat(html_file).st_uid == os.geteuid():  # another instructor's: group-shared, 0660
                os.chmod(html_file, FEEDBACK_FILE_MODE)
        super().copy_files()
        regexp = re.escape(os.path.sep).join([
            self.coursedir.format_path(self.coursedir.feedback_directory, "(?P<student_id>.*)",
                                       self.coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        for html_file in html_files:
            m = re.match(regexp, html_file)
            if m is None:
                continue  # nbgrader logged it and released nothing
            student_id, notebook_id = m.group("student_id"), m.group("notebook_id")
            with open(os.path.join(os.path.dirname(html_file), "submission_secret.txt")) as fh:
                secret = fh.read()
            released = os.path.join(self.dest_path, f"{notebook_hash(secret=secret, notebook_id=notebook_id)}.html")
            if not os.path.exists(released):
                continue  # excluded (--exclude) or not released
            try:
                uid = pwd.getpwnam(student_id).pw_uid
            except KeyError:
                self.log.error("No account named %r: its feedback %s stays unreadable to students",
                               student_id, released)
                continue
            give_read_access(released, uid)
            self.log.info("Feedback %s readable by %s only (and the instructors)", released, student_id)


def received(path: str) -> datetime:
    """When the exchange last saw *path* (a submission folder) change, naive UTC: the latest ctime of the
    folder and everything in it, which its owner cannot set back (unlike mtime or timestamp.txt)."""
    latest = os.lstat(path).st_ctime
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            latest = max(latest, os.lstat(os.path.join(dirpath, name)).st_ctime)
    return datetime.fromtimestamp(latest, timezone.utc).replace(tzinfo=None)


def refused_log(root: str, assignment: str) -> str:
    """Where collect lists the submissions it refused (``python -m course grade`` reports them)."""
    return os.path.join(root, "reports", "collect", f"{assignment}.json")


def refused(root: str, assignment: str) -> list[dict]:
    """What collect refused for *assignment* (named, folder, owner, why), as its log says."""
    log = refused_log(str(root), assignment)
    if not os.path.isfile(log):
        return []
    with open(log) as f:
        return [r for r in json.load(f) if isinstance(r, dict)]


def refused_lines(root: str, assignments) -> list[str]:
    """What collect refused for *assignments*, one line each, for ``python -m course grade``'s summary."""
    return [f"refused at collect: {r['named']} / {aid}, folder {r['folder']!r} owned by {r['owner']}: "
            f"{r['why']} (left in the exchange's inbound/; never graded)"
            for aid in assignments for r in refused(root, aid)]


class OwnedCollect(ExchangeCollect):
    """nbgrader's collect, except that a folder in ``inbound/`` counts only for the account that owns it,
    and a submission's time (``timestamp.txt`` in ``submitted/``) is the time the exchange received it."""

    def init_src(self):
        if not self.coursedir.course_id:
            self.fail("No course id specified. Re-run with --course flag.")
        self.inbound_path = os.path.join(self.root, self.coursedir.course_id, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                self.duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        student = self.coursedir.student_id or "*"
        records, self.refused = [], []
        for path in sorted(glob.glob(os.path.join(self.inbound_path, f"{student}+{self.coursedir.assignment_id}+*"))):
            name = os.path.basename(path)
            named, owner = name.rsplit("+", 3)[0], self._owner_of(path)
            why = None
            if self.check_owner and owner != named:
                why = f"it names {named} but belongs to {owner}"
            elif len(name.rsplit("+", 3)) != 4 or os.path.islink(path) or not os.path.isdir(path):
                why = "not a submission folder (a link, a file, or a name nbgrader did not make)"
            if why:
                self.refused.append({"folder": name, "named": named, "owner": owner,
                                     "received": received(path).isoformat(), "why": why})
                self.log.error("Refused %s: %s; left in inbound/, not collected", path, why)
                continue
            records.append({"username": named, "filename": name, "timestamp": received(path)})
        latest = lambda rs: max(rs, key=lambda r: r["timestamp"])  # noqa: E731
        due = self.duedate if self.before_duedate else None
        self.src_records = [latest([r for r in rs if r["timestamp"] <= due] or rs) if due else latest(rs)
                            for rs in groupby(records, lambda r: r["username"]).values()]
        self._received = {os.path.join(self.inbound_path, r["filename"]): r["timestamp"] for r in self.src_records}
        self._write_refused()

    @staticmethod
    def _owner_of(path: str) -> str:
        uid = os.lstat(path).st_uid
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:
            return f"uid {uid}"

    def _write_refused(self):
        log = refused_log(self.coursedir.root, self.coursedir.assignment_id)
        old = []
        if os.path.isfile(log):
            with open(log) as f:
                old = json.load(f)
        new = old + [r for r in self.refused if r not in old]
        if new:
            os.makedirs(os.path.dirname(log), exist_ok=True)
            with open(log, "w") as f:
                json.dump(new, f, indent=1)

    def do_copy(self, src, dest, log=None):
        super().do_copy(src, dest, log)
        when = self._received.get(src)
        if when is None:
            return
        stamp = os.path.join(dest, "timestamp.txt")
        claimed = self.coursedir.get_existing_timestamp(dest) if os.path.isfile(stamp) else None
        if claimed is not None and abs((claimed - when).total_seconds()) > 300:
            self.log.warning("%s: timestamp.txt says %s UTC; the exchange received it at %s UTC (its time)",
                             src, claimed, when)
        if os.path.lexists(stamp):
            os.unlink(stamp)  # the student's file: replace it, never write through it
        with open(stamp, "w") as f:
            f.write(when.strftime("%Y-%m-%d %H:%M:%S.%f UTC") + "\n")
