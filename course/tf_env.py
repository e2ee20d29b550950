"""The optional TensorFlow environment of the appendix (notebooks 09 and 10).

TensorFlow lives in its own virtual environment, ``.venv-tf``, never in ``.venv``:
importing TensorFlow and then torch in one process crashes (TF >= 2.20 loads its LLVM
globally; tensorflow#124205).  ``make tf`` builds it from ``requirements-tf.txt``, installs
the course into it with ``--no-deps`` and writes a Jupyter kernelspec, "Python 3
(TensorFlow)", into the main venv's ``share/jupyter/kernels``, so that JupyterLab,
``nbgrader`` and ``python -m course grade`` (all running from ``.venv``) start the TF
notebooks' kernels with ``.venv-tf/bin/python``.  The TF notebooks name that kernel in
their metadata.

    python -m course.tf_env install-kernel   # (re)write the kernelspec
    python -m course.tf_env status           # what is installed

This module imports neither TensorFlow nor torch.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .config import ROOT

#: the TF virtual environment (override with DLCOURSE_TF_VENV)
VENV = Path(os.environ.get("DLCOURSE_TF_VENV", ROOT / ".venv-tf"))
KERNEL_NAME = "dlcourse-tf"
DISPLAY_NAME = "Python 3 (TensorFlow)"
#: what the TF notebooks put in ``metadata.kernelspec``
KERNELSPEC = {"display_name": DISPLAY_NAME, "language": "python", "name": KERNEL_NAME}
#: without both, TF's oneDNN and CPU-feature log lines land on stderr (a test cell writing to
#: stderr scores 0); the notebooks' setup cells set them too, before the import
QUIET_ENV = {"TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "2"}


def python() -> Path:
    return VENV / "bin" / "python"


def venv_ready() -> bool:
    """``make tf`` finished: the venv's python exists and its install marker is there."""
    return python().exists() and (VENV / ".installed").exists()


def kernel_dir(prefix: str | os.PathLike | None = None) -> Path:
    """Where the kernelspec goes: ``<prefix>/share/jupyter/kernels/dlcourse-tf`` (the main venv)."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME


def kernel_json() -> dict:
    return {"argv": [str(python()), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": DISPLAY_NAME, "language": "python", "env": dict(QUIET_ENV),
            "metadata": {"debugger": True}}


def install_kernel(prefix: str | os.PathLike | None = None) -> Path:
    """Write the kernelspec (into this Python's prefix unless told otherwise)."""
    folder = kernel_dir(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps(kernel_json(), indent=1) + "\n")
    return folder


def kernel_installed() -> bool:
    """Jupyter here can start the TF kernel (kernelspec found, its python present)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError:
        return False
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return False
    return Path(spec.argv[0]).exists()


def notebook_kernel(path: str | os.PathLike) -> str | None:
    """The kernel name a notebook asks for (reads its JSON; no nbformat needed)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def needs_tf(aid: str, root: Path = ROOT) -> bool:
    """Assignment *aid* runs in the TF kernel: its notebook in source/, or else in release/ (a Dask worker's
    course bundle has no source/ notebook), asks for it."""
    for folder in ("source", "release"):
        kernel = notebook_kernel(root / folder / aid / f"{aid}.ipynb")
        if kernel is not None:
            return kernel == KERNEL_NAME
    return False


def tf_assignments(root: Path = ROOT) -> list[str]:
    return sorted(p.parent.name for p in (root / "source").glob("*/*.ipynb")
                  if p.stem == p.parent.name and notebook_kernel(p) == KERNEL_NAME)


def sandbox_paths() -> list[str]:
    """Folders a sandboxed TF kernel must see read-only: the TF venv (when there is one)."""
    return [os.path.realpath(VENV)] if python().exists() else []


def describe() -> str:
    if kernel_installed():
        return f"TensorFlow:   kernel {DISPLAY_NAME!r} ({python()}) for {', '.join(tf_assignments()) or '-'}"
    return (f"TensorFlow:   not installed (optional; notebooks {', '.join(tf_assignments()) or '-'} need it): "
            "`make tf`")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["install-kernel"]:
        print(f"kernelspec {KERNEL_NAME!r} ({DISPLAY_NAME}) written to {install_kernel(*args[1:2])}")
        return 0
    if args[:1] in ([], ["status"]):
        print(describe())
        print(f"venv:         {VENV} ({'ready' if venv_ready() else 'missing: run `make tf`'})")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
