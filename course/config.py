"""Course settings: environment variables first, then ``course.toml``.

==========================  =================================================
``DLCOURSE_DATA_MIRROR``    read-only folder with mnist/, cifar10/, ...
``DLCOURSE_DATA_CACHE``     writable folder for unpacked or downloaded data
``DLCOURSE_OFFLINE=1``      never try to download
``DLCOURSE_CONFIG``         another settings file instead of course.toml
==========================  =================================================
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

#: The course root: the folder that holds ``course/``, ``source/`` and ``course.toml``.
ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=None)
def _settings_file() -> tuple[Path, dict]:
    path = Path(os.environ.get("DLCOURSE_CONFIG", ROOT / "course.toml"))
    if not path.is_file():
        return path, {}
    with open(path, "rb") as f:
        return path, tomllib.load(f)


def _setting(env: str, key: str, default: str) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env]).expanduser().resolve()
    path, settings = _settings_file()
    value = settings.get("data", {}).get(key, default)
    return (path.parent / Path(value).expanduser()).resolve()


def data_mirror() -> Path:
    """The read-only mirror folder (it may not exist)."""
    return _setting("DLCOURSE_DATA_MIRROR", "mirror", "../shared/data")


def data_cache() -> Path:
    """The writable cache folder (created on first use)."""
    return _setting("DLCOURSE_DATA_CACHE", "cache", ".cache/data")


def offline() -> bool:
    return os.environ.get("DLCOURSE_OFFLINE", "").strip().lower() in {"1", "true", "yes"}
