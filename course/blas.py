"""How many threads NumPy's BLAS (OpenBLAS) uses for matrix products.

A two-layer net on MNIST multiplies small matrices (100×784 by 784×50) many
thousands of times.  Products this small gain little from a second thread, and
on a busy machine (two cores shared by several jobs) the threads mostly wait
for each other: training then runs up to ten times slower.  So training loops
run inside ``with blas_threads(1):``.

This talks to the OpenBLAS that NumPy's wheels bundle (Linux, Windows, Intel
macOS) the way threadpoolctl does.  Where there is none (Apple's Accelerate,
a conda MKL build) it changes nothing.
"""
from __future__ import annotations

import contextlib
import ctypes
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["blas_threads", "get_blas_threads", "set_blas_threads"]

_PREFIXES = ("scipy_openblas_", "openblas_")
_SUFFIXES = ("64_", "")


@lru_cache(maxsize=None)
def _openblas():
    """(get, set) functions of NumPy's bundled OpenBLAS, or None."""
    site = Path(np.__file__).resolve().parent
    folders = [site.parent / "numpy.libs", site / ".dylibs", site / "_core"]
    for path in sorted(p for d in folders if d.is_dir() for p in d.iterdir() if "openblas" in p.name.lower()):
        try:
            lib = ctypes.CDLL(str(path))  # already loaded by NumPy: the same library
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                get = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    get.restype, put.argtypes = ctypes.c_int, [ctypes.c_int]
                    return get, put
    return None


def get_blas_threads() -> int | None:
    """The number of OpenBLAS threads, or None where it cannot be controlled."""
    funcs = _openblas()
    return None if funcs is None else int(funcs[0]())


def set_blas_threads(n: int) -> int | None:
    """Use *n* OpenBLAS threads from now on; returns the previous number (or None)."""
    funcs = _openblas()
    if funcs is None:
        return None
    previous = int(funcs[0]())
    funcs[1](int(n))
    return previous


@contextlib.contextmanager
def blas_threads(n: int = 1):
    """Run a block with *n* OpenBLAS threads, then restore the previous number."""
    previous = set_blas_threads(n)
    try:
        yield
    finally:
        if previous is not None:
            set_blas_threads(previous)
