"""``python -m course lab`` (``make lab``): JupyterLab on the course, with nbgrader's extensions.

JupyterLab starts in the course root, because nbgrader's server extensions read
``nbgrader_config.py`` from the folder the server runs in:

* students open ``release/<id>/<id>.ipynb`` (the file browser starts there) and
  press **Validate** on the notebook's toolbar;
* instructors open **Nbgrader > Formgrader**, which lists the assignments in ``source/``;
* the exchange folder (``c.Exchange.root`` in nbgrader_config.py) is created
  world-writable, as nbgrader's own ``release_assignment`` makes it, so the
  assignment list never reports an "Unwritable directory".

Arguments after ``--`` go to ``jupyter lab`` (``python -m course lab -- --port 9999 --no-browser``),
except ``--check``, which prints the setup, checks it and exits.
"""
from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

from .config import ROOT

#: nbgrader 0.9's server extensions: Validate, the formgrader, the assignment and course lists.
NBGRADER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.validate_assignment",
    "nbgrader.server_extensions.assignment_list",
    "nbgrader.server_extensions.course_list",
)
#: What nbgrader's release_assignment gives the exchange root (non-groupshared): rwxrwxrwx.
EXCHANGE_MODE = 0o777


def nbgrader_settings(root: Path = ROOT):
    """The course's nbgrader_config.py, loaded as nbgrader loads it."""
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def exchange_root(root: Path = ROOT) -> Path:
    """``c.Exchange.root`` from nbgrader_config.py (nbgrader's default when it is unset)."""
    cfg = nbgrader_settings(root)
    value = cfg.Exchange.root if "root" in cfg.Exchange else "/srv/nbgrader/exchange"
    return (root / value).resolve()


def prepare_exchange(root: Path = ROOT) -> Path:
    """Create the exchange folder if needed and give it the permissions nbgrader expects."""
    path = exchange_root(root)
    path.mkdir(parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != EXCHANGE_MODE:
        try:
            path.chmod(EXCHANGE_MODE)
        except PermissionError:  # somebody else's shared exchange: writable is what matters
            pass
    if not os.access(path, os.W_OK | os.X_OK):
        raise PermissionError(f"the nbgrader exchange {path} is not writable; ask the course admin, "
                              "or set c.Exchange.root in nbgrader_config.py to a folder you own")
    return path


def disabled_extensions() -> list[str]:
    """nbgrader server extensions that Jupyter's config does not enable (normally none)."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager
    enabled = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    return [name for name in NBGRADER_EXTENSIONS if not enabled.get(name)]


def lab_command(root: Path = ROOT, extra: list[str] | None = None) -> list[str]:
    """The ``jupyter lab`` command line: served from the course root, opening in release/."""
    start = "release" if (root / "release").is_dir() else ""
    # Containers and CI often run as root, which JupyterLab refuses without this flag.
    as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [sys.executable, "-m", "jupyter", "lab",
            f"--ServerApp.root_dir={root}",
            f"--FileContentsManager.preferred_dir={start}",
            *as_root, *(extra or [])]


def lab_environment(root: Path = ROOT) -> dict[str, str]:
    """The server's (and so the kernels') environment.

    This course's package comes first on PYTHONPATH, and the venv's bin/ first on PATH even
    when the venv is not activated (``make lab``): nbgrader's gradebook runs ``alembic`` from
    PATH when it creates gradebook.db, and the formgrader fails without it.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    env["PATH"] = os.pathsep.join(p for p in (str(Path(sys.executable).parent), env.get("PATH")) if p)
    return env


def describe(root: Path = ROOT) -> str:
    ids = sorted(p.parent.name for p in (root / "source").glob("*/*.ipynb") if p.stem == p.parent.name)
    released = [i for i in ids if (root / "release" / i / f"{i}.ipynb").is_file()]
    lines = [
        f"course root:  {root}",
        f"exchange:     {exchange_root(root)}",
        f"assignments:  {', '.join(ids) or 'none'}",
        "students:     open release/<id>/<id>.ipynb, run the cells, press Validate on its toolbar",
        "instructors:  Nbgrader > Formgrader (lists source/); `make release` regenerates release/",
    ]
    from . import tf_env  # the optional TensorFlow kernel (09, 10), when `make tf` installed it
    if tf_env.tf_assignments(root):
        lines.append(tf_env.describe())
    if missing := sorted(set(ids) - set(released)):
        lines.append(f"not released yet (run `make release`): {', '.join(missing)}")
    return "\n".join(lines)


def main(extra: list[str] | None = None) -> int:
    extra = list(extra or [])
    check_only = "--check" in extra
    extra = [a for a in extra if a != "--check"]
    if extra[:1] == ["--"]:  # `python -m course lab -- --port 9999`
        extra = extra[1:]
    root = ROOT
    problems = []
    try:
        prepare_exchange(root)
    except PermissionError as exc:
        problems.append(str(exc))
    if off := disabled_extensions():
        problems.append("nbgrader's server extensions are not enabled: " + ", ".join(off) + "\n  fix: "
                        + "; ".join(f"jupyter server extension enable --sys-prefix {n}" for n in off))
    print(describe(root), flush=True)
    for p in problems:
        print("problem:", p, file=sys.stderr, flush=True)
    if check_only:
        print(" ".join(lab_command(root, extra)))
        return 1 if problems else 0

    # Ctrl-C belongs to JupyterLab (it asks before shutting down); a SIGTERM is passed on
    # to it, so that it shuts its kernels down.  This process only waits.
    proc = subprocess.Popen(lab_command(root, extra), cwd=root, env=lab_environment(root))
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: proc.send_signal(signum))
    try:
        return proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
