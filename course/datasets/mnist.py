"""MNIST with the from-scratch book's ``load_mnist`` signature, read offline first."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import config
from .files import DataFile, DataNotFoundError, missing_message, verified_bytes

_RAW = "MNIST/raw/"  # where torchvision.datasets.MNIST(root=cache) puts the files
FILES = {
    key: DataFile("MNIST", f"mnist/{name}.gz", sha, (f"{_RAW}{name}", f"{_RAW}{name}.gz"))
    for key, name, sha in [
        ("train_img", "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        ("train_label", "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        ("test_img", "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        ("test_label", "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
    ]
}


def download() -> str:
    """Fetch the original files with torchvision into the cache; returns a note."""
    if config.offline():
        return "not tried (DLCOURSE_OFFLINE is set)"
    try:
        from torchvision.datasets import MNIST
        for train in (True, False):
            MNIST(root=str(config.data_cache()), train=train, download=True)
        return "done"
    except Exception as exc:  # no network, proxy, ...
        return f"failed ({type(exc).__name__}: {str(exc)[:120]})"


def _parse_idx(data: bytes) -> np.ndarray:
    """Decode an IDX file (big-endian header: magic, then one uint32 per dimension)."""
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _load_raw(key: str) -> np.ndarray:
    spec = FILES[key]
    path = spec.find()
    if path is None:
        note = download()
        path = spec.find()
        if path is None:
            raise DataNotFoundError(missing_message(spec, note))
    return _read_checked(key, path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)  # each file is read and checked once per process; the array is read-only
def _read_checked(key: str, path, mtime_ns: int) -> np.ndarray:
    return _parse_idx(verified_bytes(FILES[key], path))


def _one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    out = np.zeros((labels.size, classes), dtype=np.float32)
    out[np.arange(labels.size), labels] = 1
    return out


def load_mnist(normalize: bool = True, flatten: bool = True, one_hot_label: bool = False):
    """Read MNIST as the book does: ``(x_train, t_train), (x_test, t_test)``.

    normalize      pixels as float32 in [0, 1] (else uint8 0..255)
    flatten        images as rows of 784 (else (N, 1, 28, 28))
    one_hot_label  labels as one-hot float rows (else uint8 0..9)
    """
    out = []
    for split in ("train", "test"):
        x = _load_raw(f"{split}_img")
        t = _load_raw(f"{split}_label")
        x = x.astype(np.float32) / 255.0 if normalize else x.copy()
        x = x.reshape(len(x), 784) if flatten else x.reshape(len(x), 1, 28, 28)
        t = _one_hot(t) if one_hot_label else t.copy()
        out.append((x, t))
    return tuple(out)
