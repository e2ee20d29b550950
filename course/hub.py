"""``python -m course hub`` (``make hub``): JupyterHub on localhost for a class, with nbgrader's exchange.

    python -m course hub setup [--first-due YYYY-MM-DD] [--fix-permissions]
                                          install it (root): /opt/dlcourse-hub, see below
    python -m course hub demo             create an instructor and two students (root; useradd)
    python -m course hub [--port 8000] [--demo-auth [--password PW]]
                                          serve it on http://127.0.0.1:PORT (root: it starts each
                                          user's server as that user)

Real local accounts log in with their passwords (PAM), or with ``--demo-auth`` any member of the
course's groups logs in with one shared password (JupyterHub's DummyAuthenticator, for a demo).
Members of ``dlcourse-instructors`` get the formgrader on the course; members of
``dlcourse-students`` get the assignment list.  Everyone shares one nbgrader exchange, where
students cannot read each other's submissions or feedback, nor submit in another's name
(course/hub_exchange.py).

``setup`` refuses a checkout whose solutions every user can read (``--fix-permissions``: chmod o-rwx
it), and lays out, under ``--prefix`` (default /opt/dlcourse-hub, readable by every user, since a
user's server runs as that user and cannot enter root's home):

    python/    a copy of the interpreter .venv uses (patchelf: it finds its libpython beside it)
    venv/      .venv cloned (hard links where possible) onto that interpreter, plus
               requirements-hub.txt (JupyterHub); the course package from lib/; the TF kernelspec
    venv-tf/   .venv-tf (make tf) cloned the same way: the "Python 3 (TensorFlow)" kernel
    lib/       the course's Python package (course/), for every user's kernels; a module that answers
               an assignment is the instructors' only until that assignment is due
    course/    the course root the instructors work in: nbgrader_config.py, course.toml (the hub's
               term and the data mirror), source/, release/, gradebook.db, submitted/, autograded/,
               feedback/ (group dlcourse-instructors, 2770); what an instructor edited is kept
    exchange/  nbgrader's exchange (hub_exchange.py shows its permissions)
    proxy/     configurable-http-proxy, from npm
    roles/     Jupyter config for instructors (loads course/nbgrader_config.py) and students
    instructor.sh  an instructor's ssh shell set up as their hub terminal is (. it)
    state/     the hub's database and cookie secret; what setup installed into course/ (root only)

Run again, setup keeps the instructors' work and prints what it changed.
"""
from __future__ import annotations

import argparse
import grp
import hashlib
import json
import os
import pwd
import re
import shutil
import stat
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from . import schedule
from .config import ROOT, data_mirror

DEFAULT_PREFIX = Path(os.environ.get("DLCOURSE_HUB_PREFIX", "/opt/dlcourse-hub"))
INSTRUCTORS = "dlcourse-instructors"
STUDENTS = "dlcourse-students"
CHP_VERSION = "5.3.0"   # configurable-http-proxy, from npm
COURSE_ID = "dl-course"
#: What the course root holds that the hub's copy needs (the instructor's work is kept).
COURSE_FILES = ("course", "source", "release", "nbgrader_config.py", "course.toml")
#: In an instructor's home: a link to the course (the formgrader serves only what is under the home).
COURSE_LINK = "dl-course-root"
DEMO_USERS = ("dlc-instructor", "dlc-student1", "dlc-student2")
DEMO_PASSWORD = "dl-course-demo"


class HubError(RuntimeError):
    pass


class Layout:
    """The folders under a hub's prefix."""

    def __init__(self, prefix):
        self.prefix = Path(prefix).resolve()
        self.interpreter = self.prefix / "python"  # a copy of the base Python, when needed
        for name in ("venv", "lib", "course", "exchange", "proxy", "roles", "state"):
            setattr(self, name, self.prefix / name)

    @property
    def proxy_command(self) -> Path:
        return self.proxy / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def python(self) -> Path:
        """The hub venv's interpreter."""
        return self.venv / "bin" / "python"

    @property
    def tf_venv(self) -> Path:
        """The TF appendix's venv (``make tf``'s .venv-tf, cloned like venv/)."""
        return self.prefix / "venv-tf"

    @property
    def manifest(self) -> Path:
        """What setup last installed into course/ ({path: sha256}): an instructor's edits differ from it."""
        return self.state / "course-manifest.json"

    @property
    def settings_file(self) -> Path:
        return self.prefix / "hub.json"

    def settings(self) -> dict:
        return json.loads(self.settings_file.read_text()) if self.settings_file.is_file() else {}


# ---------------------------------------------------------------- helpers

def require_root(what: str) -> None:
    if os.geteuid() != 0:
        raise HubError(f"`python -m course hub {what}` must run as root (sudo): it "
                       + {"setup": "installs into a folder every user reads and creates the course's groups",
                          "demo": "creates local accounts (useradd)",
                          "serve": "starts each user's server as that user"}[what])


def run(cmd, **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def group_members(name: str) -> list[str]:
    """Login names in group *name*: listed members and those whose primary group it is."""
    try:
        group = grp.getgrnam(name)
    except KeyError:
        return []
    return sorted(set(group.gr_mem) | {u.pw_name for u in pwd.getpwall() if u.pw_gid == group.gr_gid})


def ensure_group(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        run(["groupadd", "--system", name])
        return grp.getgrnam(name).gr_gid


def world_readable(path: Path) -> bool:
    """Can any user reach *path* (every folder above it searchable by others)?"""
    path = Path(path).resolve()
    for p in [path, *path.parents]:
        if not p.exists() or not p.stat().st_mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IROTH)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# ---------------------------------------------------------------- setup

def copy_interpreter(base: Path, dest: Path) -> None:
    """A copy of the Python at *base* (without its site-packages and tests) that needs nothing outside *dest*."""
    if (dest / "bin" / "python3").exists():
        return
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    skip = {str(base / "lib" / version / "site-packages"), str(base / "lib" / version / "test")}
    shutil.copytree(base, tmp, symlinks=True,
                    ignore=lambda folder, names: [n for n in names if os.path.join(folder, n) in skip])
    (tmp / "lib" / version / "site-packages").mkdir(exist_ok=True)
    exe = tmp / "bin" / version
    runpath = subprocess.run(["patchelf", "--print-rpath", str(exe)], capture_output=True, text=True)
    if runpath.returncode == 0 and str(base) in runpath.stdout:
        # pyenv's python finds libpython in its own prefix by an absolute path (root's home).
        run(["patchelf", "--set-rpath", "$ORIGIN/../lib", exe])
    os.rename(tmp, dest)


def clone_venv(src: Path, dest: Path, python_home: Path) -> None:
    """*src* (a venv) as *dest*, on the interpreter in *python_home*: files hard-linked (or copied),
    scripts' #! lines pointing at *dest*; without *src*'s editable install of the course."""
    if (dest / "pyvenv.cfg").exists():
        return
    tmp = dest.with_name(dest.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp, symlinks=True, copy_function=_link_or_copy,
                    ignore=shutil.ignore_patterns(".installed", "__editable__*dl_course*", "dl_course-*.dist-info"))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for name in ("python", "python3", version):
        (tmp / "bin" / name).unlink(missing_ok=True)
    (tmp / "bin" / version).symlink_to(python_home / "bin" / version)
    (tmp / "bin" / "python").symlink_to(version)
    (tmp / "bin" / "python3").symlink_to(version)
    cfg = (src / "pyvenv.cfg").read_text().splitlines()
    cfg = [f"home = {python_home / 'bin'}" if line.startswith("home =") else
           f"executable = {python_home / 'bin' / version}" if line.startswith("executable =") else
           f"command = {python_home / 'bin' / version} -m venv {dest}" if line.startswith("command =") else line
           for line in cfg]
    (tmp / "pyvenv.cfg").unlink()
    (tmp / "pyvenv.cfg").write_text("\n".join(cfg) + "\n")
    old, new = str(src.resolve()), str(dest)
    for script in (tmp / "bin").iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        data = script.read_bytes()
        if old.encode() in data and (data.startswith(b"#!") or script.name.startswith("activate")):
            mode = script.stat().st_mode
            script.unlink()  # a hard link to src's script: write a new file
            script.write_bytes(data.replace(old.encode(), new.encode()))
            script.chmod(mode)
    os.rename(tmp, dest)


IGNORE = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pt", "*.log")
#: What the instructors edit in their course (kept, even when setup has no record of installing them).
INSTRUCTOR_FILES = ("nbgrader_config.py", "course.toml")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _course_files(root: Path):
    """(relative path, file) for every file of COURSE_FILES in the checkout *root*."""
    for name in COURSE_FILES:
        src = root / name
        if src.is_file():
            yield name, src
        for dirpath, dirnames, filenames in os.walk(src) if src.is_dir() else ():
            ignored = IGNORE(dirpath, dirnames + filenames)
            dirnames[:] = sorted(d for d in dirnames if d not in ignored)
            for f in sorted(filenames):
                path = Path(dirpath) / f
                if f not in ignored and path.is_file() and not path.is_symlink():
                    yield str(path.relative_to(root)), path


def hub_course_toml(text: str, first_due: date | None) -> str:
    """The checkout's course.toml for the hub's course: the data mirror as an absolute path (so grading
    from an ssh shell finds it), and the hub's term (``[schedule] first_due``)."""
    mirror = data_mirror()
    if mirror.is_dir():
        text = re.sub(r'^(\s*mirror\s*=\s*)"[^"\n]*"', lambda m: f'{m.group(1)}"{mirror}"', text,
                      count=1, flags=re.MULTILINE)
    return schedule.with_first_due(text, first_due) if first_due else text


def choose_first_due(layout: Layout, root: Path, explicit: date | None, today: date) -> tuple[date | None, str]:
    """The hub's term: *explicit*, else the one it has, else the checkout's unless every date of it has
    passed, else a new term from *today*; and a sentence saying which."""
    if explicit:
        return explicit, f"first due date {explicit} (--first-due)"
    mine = schedule.read(layout.course / "course.toml")
    if mine.get("first_due"):
        return schedule._date(mine["first_due"], "first_due"), "the hub's own term (course.toml [schedule])"
    shipped = schedule.read(root / "course.toml")
    dues = schedule.due_datetimes(shipped, schedule.assignment_ids(root))
    if not dues:
        return None, "no due dates (course.toml [schedule] first_due is empty): nothing counts as late"
    if max(dues.values()).date() >= today:
        return None, f"the checkout's term (first due {shipped['first_due']})"
    new = schedule.next_term_first_due(shipped, today)
    return new, (f"every due date in the checkout's course.toml has passed (the last: {max(dues.values()):%Y-%m-%d}): "
                 f"a new term, first due {new} (use --first-due DATE to choose)")


def install_course(layout: Layout, root: Path = ROOT, first_due: date | None = None) -> dict[str, list[str]]:
    """The course package into lib/ (for everyone), the course into course/ (for instructors).

    A file of course/ that an instructor edited since setup installed it (its hash differs from the
    manifest's) is kept; the others follow the checkout.  Returns {"added"|"updated"|"kept": [paths]}.
    """
    instructors = ensure_group(INSTRUCTORS)
    shutil.rmtree(layout.lib / "course", ignore_errors=True)
    shutil.copytree(root / "course", layout.lib / "course", ignore=IGNORE)
    for dirpath, dirnames, filenames in os.walk(layout.lib):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    layout.course.mkdir(parents=True, exist_ok=True)
    layout.state.mkdir(exist_ok=True)
    layout.state.chmod(0o700)
    manifest = json.loads(layout.manifest.read_text()) if layout.manifest.is_file() else None
    changes: dict[str, list[str]] = {"added": [], "updated": [], "kept": []}
    installed = dict(manifest or {})
    for rel, src in _course_files(root):
        data = src.read_bytes()
        if rel == "course.toml":
            data = hub_course_toml(data.decode(), first_due).encode()
        dest = layout.course / rel
        if dest.is_file() and not dest.is_symlink():
            have = _sha256(dest.read_bytes())
            if have == _sha256(data):
                installed[rel] = have
                continue
            edited = have != manifest.get(rel) if manifest is not None else rel in INSTRUCTOR_FILES
            if edited:
                changes["kept"].append(rel)
                continue
            changes["updated"].append(rel)
        else:
            changes["added"].append(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".setup-new")
        tmp.write_bytes(data)
        os.replace(tmp, dest)  # a new inode: never through a hard link
        installed[rel] = _sha256(data)
    layout.manifest.write_text(json.dumps(installed, indent=0, sort_keys=True))
    gradebook = layout.course / "gradebook.db"
    if not gradebook.exists():  # made here, group-writable: whoever grades first does not own it
        from unittest import mock

        from nbgrader.api import Gradebook
        with mock.patch.dict(os.environ, {"PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}):
            Gradebook(f"sqlite:///{gradebook}", COURSE_ID).close()  # it runs alembic from PATH
        changes["added"].append("gradebook.db")
    # The instructors' group owns the course; nobody else enters it (solutions, gradebook, submissions).
    # Run again, this also opens to the group what one instructor made for themselves only.
    for dirpath, dirnames, filenames in os.walk(layout.course):
        os.chown(dirpath, -1, instructors)
        os.chmod(dirpath, 0o2770)
        for f in filenames:
            full = os.path.join(dirpath, f)
            if not os.path.islink(full):
                os.chown(full, -1, instructors)
                os.chmod(full, (os.stat(full).st_mode | 0o660) & 0o770)
    for site in (layout.venv / "lib").glob("python3*/site-packages"):
        (site / "dlcourse.pth").write_text(f"{layout.lib}\n")
    return changes


# ---------------------------------------------------------------- what students may read

#: In a checkout, what holds answers, hidden tests or grades.
CHECKOUT_SECRETS = ("source", "examples", ".git", "gradebook.db", "grades.csv", "submitted", "autograded",
                    "feedback", "reports")


def reachable(path: Path) -> bool:
    """Can every user reach *path* (each folder above it, and it, searchable or readable by others)?"""
    path = Path(path).resolve()
    if not path.exists():
        return False
    return all(p.stat().st_mode & stat.S_IXOTH for p in path.parents) and \
        bool(path.stat().st_mode & (stat.S_IXOTH if path.is_dir() else stat.S_IROTH))


def exposed_in_checkout(root: Path) -> list[str]:
    """What in the checkout *root* every user (a student) can read: solutions, demo answers, grades."""
    names = [*CHECKOUT_SECRETS, *(f"course/{m}.py" for m in answer_modules(root))]
    return [n for n in names if reachable(root / n) and (root / n).stat().st_mode & stat.S_IROTH]


def answer_modules(course_root: Path) -> dict[str, str]:
    """{module of the course package: the assignment it answers} (``metadata.dlcourse.hidden_modules``)."""
    found = {}
    for nb in sorted((course_root / "source").glob("*/*.ipynb")):
        try:
            meta = json.loads(nb.read_text()).get("metadata", {}).get("dlcourse", {})
        except (OSError, ValueError):
            continue
        for name in meta.get("hidden_modules", ()):
            found.setdefault(name, nb.parent.name)
    return found


def guard_answer_modules(layout: Layout, now: datetime | None = None) -> list[str]:
    """lib/course/<module>.py that answers an assignment: readable by the instructors only until that
    assignment's due date (course.toml [schedule] of the hub's course), then by all.  Returns what changed."""
    now = now or datetime.now(timezone.utc)
    try:
        dues = schedule.due_datetimes(schedule.read(layout.course / "course.toml"),
                                      schedule.assignment_ids(layout.course))
    except schedule.ScheduleError:
        dues = {}  # an instructor's typo keeps the answers hidden rather than the hub down
    instructors = ensure_group(INSTRUCTORS)
    changed = []
    for module, aid in answer_modules(layout.course).items():
        due = dues.get(aid)
        public = due is not None and due <= now
        mode, gid = (0o644, 0) if public else (0o640, instructors)
        for path in [layout.lib / "course" / f"{module}.py",
                     *(layout.lib / "course" / "__pycache__").glob(f"{module}.*.pyc")]:
            if path.is_file() and (stat.S_IMODE(path.stat().st_mode), path.stat().st_gid) != (mode, gid):
                os.chown(path, 0, gid)
                os.chmod(path, mode)
                changed.append(f"course/{path.name} {'readable by all' if public else 'hidden from students'} "
                               f"({aid} due {due:%Y-%m-%d %H:%M} UTC)" if due else
                               f"course/{path.name} hidden from students ({aid} has no due date)")
    return changed


# ---------------------------------------------------------------- the TF appendix

def install_tf(layout: Layout, python_home: Path, venv_tf: Path = ROOT / ".venv-tf") -> str:
    """.venv-tf (``make tf``) cloned like venv/, and the "Python 3 (TensorFlow)" kernelspec pointing at it."""
    from . import tf_env
    spec_dir = layout.venv / "share" / "jupyter" / "kernels" / tf_env.KERNEL_NAME
    if not (venv_tf / ".installed").exists():
        shutil.rmtree(spec_dir, ignore_errors=True)  # cloned from .venv: it would point into the checkout
        return "TensorFlow appendix (09, 10): not installed here (`make tf`, then run setup again)"
    clone_venv(venv_tf.resolve(), layout.tf_venv, python_home)
    for site in (layout.tf_venv / "lib").glob("python3*/site-packages"):
        (site / "dlcourse.pth").write_text(f"{layout.lib}\n")
    spec = tf_env.kernel_json()
    spec["argv"][0] = str(layout.tf_venv / "bin" / "python")
    shutil.rmtree(spec_dir, ignore_errors=True)  # hard links into .venv's kernelspec: write new files
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    for path in (spec_dir, spec_dir / "kernel.json"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return f"TensorFlow appendix (09, 10): kernel \"{tf_env.DISPLAY_NAME}\" on {layout.tf_venv}"


def make_exchange(layout: Layout) -> None:
    """nbgrader's exchange, laid out for a class (course/hub_exchange.py)."""
    instructors = ensure_group(INSTRUCTORS)
    course = layout.exchange / COURSE_ID
    for path, mode, gid in ((layout.exchange, 0o1777, 0), (course, 0o2775, instructors),
                            (course / "outbound", 0o2775, instructors), (course / "inbound", 0o2773, instructors),
                            (course / "feedback", 0o2771, instructors)):
        path.mkdir(parents=True, exist_ok=True)
        os.chown(path, 0, gid)
        os.chmod(path, mode)


def write_roles(layout: Layout) -> None:
    """Jupyter config: the hub's nbgrader settings for all, then per role (JUPYTER_CONFIG_PATH)."""
    everyone = layout.venv / "etc" / "jupyter" / "nbgrader_config.py"
    everyone.write_text(
        '"""nbgrader in the course\'s JupyterHub (written by `python -m course hub setup`)."""\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(layout.exchange)!r}\n"
        "c.Exchange.path_includes_course = True\n"
        "# several instructors share the course through the dlcourse-instructors group\n"
        "c.CourseDirectory.groupshared = True\n"
        "# submissions and feedback readable by their student and the instructors only\n"
        "c.ExchangeFactory.submit = 'course.hub_exchange.PrivateSubmit'\n"
        "c.ExchangeFactory.release_feedback = 'course.hub_exchange.PrivateReleaseFeedback'\n"
        "# a submission counts only for the account that owns it, at the time the exchange received it\n"
        "c.ExchangeFactory.collect = 'course.hub_exchange.OwnedCollect'\n")
    instructor = layout.roles / "instructor"
    instructor.mkdir(parents=True, exist_ok=True)
    (instructor / "nbgrader_config.py").write_text(
        '"""An instructor\'s nbgrader: the course\'s own settings, so that the formgrader finds the course.\n\n'
        f"The formgrader wants the course inside the server's root (the home folder): through ~/{COURSE_LINK},\n"
        'a link to the course that the hub makes when an instructor\'s server starts."""\n'
        "import os\n"
        "c = get_config()  # noqa: F821\n"
        f"course = os.path.join(os.path.expanduser('~'), {COURSE_LINK!r})\n"
        "if not os.path.isfile(os.path.join(course, 'nbgrader_config.py')):\n"
        f"    course = {str(layout.course)!r}\n"
        "load_subconfig(os.path.join(course, 'nbgrader_config.py'))  # noqa: F821\n")
    # JupyterHub forbids framing a user's server (frame-ancestors 'none'); JupyterLab shows the
    # formgrader in a frame of the same server.
    (instructor / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"tornado_settings": {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}}},
        indent=2))
    student = layout.roles / "student"
    (student / "jupyter_server_config.d").mkdir(parents=True, exist_ok=True)
    (student / "jupyter_server_config.d" / "dlcourse-student.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}, indent=2))
    (student / "labconfig").mkdir(exist_ok=True)
    (student / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True,
                                "@jupyter/nbgrader:create-assignment": True}}, indent=2))
    # No "get Jupyter news?" toast, and no server asking the internet for news or updates.
    overrides = layout.venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.unlink(missing_ok=True)  # never write through a hard link into the cloned venv
    overrides.write_text(json.dumps(
        {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}, indent=2))
    overrides.chmod(0o644)
    for dirpath, dirnames, filenames in os.walk(layout.roles):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o644)
    write_shell_env(layout)


def write_shell_env(layout: Layout) -> None:
    """``instructor.sh``: an instructor's ssh shell set up as their hub server is (docs/deploy.md)."""
    mirror = data_mirror()
    lines = ["# . this file in an instructor's shell (ssh) to work in the hub's course as the hub's terminal does",
             f"export PATH={layout.venv / 'bin'}:$PATH",
             f"export DLCOURSE_EXCHANGE={layout.exchange}",
             f"export PYTHONPATH={layout.course}",
             f"export JUPYTER_CONFIG_PATH={layout.roles / 'instructor'}",
             *([f"export DLCOURSE_DATA_MIRROR={mirror}"] if mirror.is_dir() and world_readable(mirror) else []),
             *([f"export DLCOURSE_TF_VENV={layout.tf_venv}"] if layout.tf_venv.is_dir() else []),
             "umask 007  # what you make in the course stays the instructors' group's",
             f"cd {layout.course}"]
    (layout.prefix / "instructor.sh").write_text("\n".join(lines) + "\n")
    (layout.prefix / "instructor.sh").chmod(0o644)


def check_checkout(root: Path, fix: bool) -> list[str]:
    """Refuse (or, with *fix*, close) a checkout whose solutions or grades every user can read."""
    exposed = exposed_in_checkout(root)
    if not exposed:
        return []
    if not fix:
        raise HubError(f"students could read the solutions in the checkout {root}: "
                       f"{', '.join(exposed)} (the folder is open to every user). Close it with "
                       f"`chmod o-rwx {root}` (the hub needs nothing from it once set up), or run setup "
                       "with --fix-permissions to do that")
    root.chmod(stat.S_IMODE(root.stat().st_mode) & ~0o007)
    return [f"{root}: closed to other users (chmod o-rwx): {', '.join(exposed)} were readable by all"]


def setup(prefix: Path = DEFAULT_PREFIX, venv: Path = ROOT / ".venv", *, first_due: date | None = None,
          fix_permissions: bool = False, root: Path = ROOT) -> Layout:
    """Install the hub under *prefix*.  Idempotent: what is there already is kept (an instructor's
    edits to the course, the gradebook, submissions), the rest follows the checkout; prints what changed."""
    require_root("setup")
    done = check_checkout(root, fix_permissions)
    run(["bash", str(ROOT / "tools" / "system-deps.sh"), "hub"])
    layout = Layout(prefix)
    layout.prefix.mkdir(parents=True, exist_ok=True)
    layout.prefix.chmod(0o755)
    if not world_readable(layout.prefix):
        raise HubError(f"{layout.prefix} is not reachable by other users: choose another --prefix")
    ensure_group(INSTRUCTORS)
    ensure_group(STUDENTS)
    base = Path(sys.base_prefix)
    if world_readable(base / "bin"):
        python_home = base
    else:  # root's home (pyenv): other users cannot run it from there
        copy_interpreter(base, layout.interpreter)
        python_home = layout.interpreter
    clone_venv(venv.resolve(), layout.venv, python_home)
    run([layout.python, "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "-r", ROOT / "requirements-hub.txt", "-c", ROOT / "constraints.txt"])
    if not layout.proxy_command.exists():
        layout.proxy.mkdir(exist_ok=True)
        run(["npm", "install", "--prefix", layout.proxy, "--no-audit", "--no-fund", "--loglevel=error",
             f"configurable-http-proxy@{CHP_VERSION}"])
    try:
        start, why = choose_first_due(layout, root, first_due, datetime.now(timezone.utc).date())
        changes = install_course(layout, root, start)
        if first_due and "course.toml" in changes["kept"]:  # asked for: also in a course.toml edited here
            toml = layout.course / "course.toml"
            toml.write_text(schedule.with_first_due(toml.read_text(), first_due))
            done.append(f"course.toml: first_due = {first_due} (your other edits kept)")
        dues = schedule.due_dates(layout.course)
    except schedule.ScheduleError as exc:
        raise HubError(str(exc)) from None
    make_exchange(layout)
    done.append(install_tf(layout, python_home))
    write_roles(layout)
    done += guard_answer_modules(layout)
    mirror = data_mirror()
    layout.settings_file.write_text(json.dumps(
        {"data_mirror": str(mirror) if mirror.is_dir() and world_readable(mirror) else None,
         "python": str(python_home)}, indent=2))
    for what, paths in changes.items():
        if paths:
            shown = ", ".join(paths[:8]) + (f" and {len(paths) - 8} more" if len(paths) > 8 else "")
            done.append(f"course/: {what} {len(paths)}: {shown}")
    if changes["kept"]:
        done.append(f"kept as edited on the hub: {', '.join(changes['kept'])} (the checkout's differ: "
                    f"compare with {root}; delete yours and run setup again to take the checkout's)")
    done.append(f"due dates: {why}" + (f"; {min(dues)} due {dues[min(dues)]}, {max(dues)} due {dues[max(dues)]}"
                                        if dues else ""))
    print("\n".join(["setup:", *(f"  {line}" for line in done)]), flush=True)
    print(f"installed under {layout.prefix}: `python -m course hub demo` for demo accounts, "
          f"then `python -m course hub` (add --demo-auth for a shared password)", flush=True)
    return layout


# ---------------------------------------------------------------- accounts

def add_user(name: str, role: str, password: str | None) -> None:
    """A local account (home folder 0700) in the role's group; *password* set when given."""
    group = ensure_group(INSTRUCTORS if role == "instructor" else STUDENTS)
    try:
        pwd.getpwnam(name)
    except KeyError:
        run(["useradd", "--create-home", "--shell", "/bin/bash", "-K", "HOME_MODE=0700", name])
    run(["usermod", "-a", "-G", grp.getgrgid(group).gr_name, name])
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)  # a student's home holds the nbgrader cache: the submission's secret
    if password is not None:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def demo(instructor: str, students: list[str], password: str) -> None:
    require_root("demo")
    add_user(instructor, "instructor", password)
    for s in students:
        add_user(s, "student", password)
    print(f"instructor {instructor}, students {', '.join(students)}; password {password!r}", flush=True)


# ---------------------------------------------------------------- serve

def hub_command(layout: Layout) -> list[str]:
    return [str(layout.venv / "bin" / "jupyterhub"), "-f", str(layout.lib / "course" / "hub_config.py")]


def hub_environment(layout: Layout, port: int, demo_auth: bool, password: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "DLCOURSE_HUB"))}
    env.update({"DLCOURSE_HUB_PREFIX": str(layout.prefix), "DLCOURSE_HUB_PORT": str(port),
                "DLCOURSE_HUB_AUTH": "demo" if demo_auth else "pam",
                "PATH": f"{layout.venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"})
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    if demo_auth:
        env["DLCOURSE_HUB_PASSWORD"] = password or DEMO_PASSWORD
    return env


def serve(prefix: Path, port: int, demo_auth: bool, password: str | None) -> int:
    require_root("serve")
    layout = Layout(prefix)
    if not (layout.venv / "bin" / "jupyterhub").exists() or not layout.proxy_command.exists():
        raise HubError(f"no hub under {layout.prefix}: run `python -m course hub setup` first")
    users = group_members(INSTRUCTORS) + group_members(STUDENTS)
    print(f"JupyterHub on http://127.0.0.1:{port}/ ({'demo password' if demo_auth else 'PAM'}); "
          f"instructors: {', '.join(group_members(INSTRUCTORS)) or 'none'}; "
          f"students: {', '.join(group_members(STUDENTS)) or 'none'}"
          + ("" if users else " (`python -m course hub demo` creates some)"), flush=True)
    os.chdir(layout.state)
    env = hub_environment(layout, port, demo_auth, password)
    os.execve(hub_command(layout)[0], hub_command(layout), env)
    return 1  # not reached


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course hub", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", nargs="?", default="serve", choices=["serve", "setup", "demo"])
    parser.add_argument("--prefix", type=Path, default=DEFAULT_PREFIX, help="where the hub lives (%(default)s)")
    parser.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (%(default)s); "
                        "it also uses the next two")
    parser.add_argument("--demo-auth", action="store_true",
                        help="one shared password for the course's users instead of their own (PAM)")
    parser.add_argument("--password", help=f"the demo password (default {DEMO_PASSWORD!r})")
    parser.add_argument("--instructor", default=DEMO_USERS[0], help="demo: the instructor's login")
    parser.add_argument("--students", default=",".join(DEMO_USERS[1:]), help="demo: students' logins, commas")
    parser.add_argument("--first-due", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="setup: the first assignment's due date in the hub's course (course.toml [schedule]); "
                             "default: the hub's own, else the checkout's, else a new term from today")
    parser.add_argument("--fix-permissions", action="store_true",
                        help="setup: close the checkout to other users (chmod o-rwx) when students could read "
                             "its solutions (else setup refuses)")
    args = parser.parse_args(argv)
    try:
        if args.action == "setup":
            setup(args.prefix, first_due=args.first_due, fix_permissions=args.fix_permissions)
        elif args.action == "demo":
            demo(args.instructor, [s for s in args.students.split(",") if s], args.password or DEMO_PASSWORD)
        else:
            return serve(args.prefix, args.port, args.demo_auth, args.password)
    except HubError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
