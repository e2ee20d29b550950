"""The course's assignments and generating their student versions with nbgrader."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from .config import ROOT


def assignment_ids() -> list[str]:
    """Every assignment in source/, in teaching order (01_..., 02_...)."""
    return sorted(p.parent.name for p in (ROOT / "source").glob("*/*.ipynb")
                  if p.stem == p.parent.name)


def nbgrader(*args: str, root: Path = ROOT, check: bool = True, quiet: bool = True,
             env: dict | None = None) -> subprocess.CompletedProcess:
    """Run an nbgrader command from the course root (where it must run)."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    if quiet:
        cmd.append("--log-level=WARN")
    return subprocess.run(cmd, cwd=root, check=check, text=True, capture_output=quiet,
                          env=venv_env(env))


def venv_env(env: dict | None = None) -> dict:
    """The environment with this Python's bin/ first on PATH (nbgrader runs `alembic` from PATH)."""
    env = dict(os.environ if env is None else env)
    bindir = str(Path(sys.executable).parent)
    if env.get("PATH", "").split(os.pathsep)[0] != bindir:
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    return env


def generate_release(ids: list[str] | None = None, root: Path = ROOT) -> None:
    """source/<id> -> release/<id> for each id (also registers it in the gradebook).

    Each release notebook records the sha256 of the source notebook it came from
    (``metadata.dlcourse.source_sha256``), so that a change to the source, even one
    only to solutions or hidden tests, always shows in release/ too.
    """
    for aid in ids or assignment_ids():
        proc = nbgrader("generate_assignment", aid, "--force", root=root, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {aid} failed:\n{proc.stderr[-3000:]}")
        stamp_source(root / "source" / aid / f"{aid}.ipynb", root / "release" / aid / f"{aid}.ipynb")


def source_sha256(source: Path) -> str:
    return hashlib.sha256(source.read_bytes()).hexdigest()


def stamp_source(source: Path, release: Path) -> None:
    """Record in *release* which version of *source* it was generated from."""
    import nbformat
    nb = nbformat.read(release, as_version=nbformat.NO_CONVERT)
    nb.metadata["dlcourse"] = {"source_sha256": source_sha256(source)}
    nbformat.write(nb, release)
