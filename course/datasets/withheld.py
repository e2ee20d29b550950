"""What a graded kernel sees in place of the data its grade is measured against (issue 10).

A judged notebook's source may say ``metadata.dlcourse.withheld``: ``["housing-test-targets"]``
(07) or ``["cifar10-test-labels"]`` (08).  While it is graded the judge computes the test RMSE
or accuracy from the real files; the student's kernel must not be able to read them.
:func:`kernel_view` gives the sandbox's ``hidden`` map for those names: every host path where
a copy of the withheld data can be read (the course package, the data mirror, the data cache)
-> a stand-in bound over it in the kernel's sandbox:

* ``housing-test-targets``: ``cal_housing.data.gz`` (bundled and mirror copies) -> the same
  rows with ``nan`` as the target of each test row (:func:`course.datasets.housing.redact`;
  the loader knows that copy's checksum and says once that the targets are withheld); any
  other file of the mirror's ``california_housing/`` and of the cache whose name says
  ``housing`` -> a stub;
* ``cifar10-test-labels``: ``cifar10-<kind>-test.npz`` and ``cifar-10-batches-py/test_batch``
  -> copies with every label ``-1``; ``cifar10-jpg/test/`` (its class folders ARE the labels)
  -> a folder without them; everything else in the mirror's ``cifar10/`` (the archive) and in
  the cache whose name says ``cifar`` and is not a training file -> a stub.

Stand-ins are made once per grading run in *store* (a folder of the grader's scratch, shared
by its workers; written to a temporary name, then renamed) and reused for every submission.
"""
from __future__ import annotations

import gzip
import os
import pickle
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .. import config
from . import cifar10, housing
from .files import ChecksumError, read_bytes, sha256_of

STUB_TEXT = "withheld while this notebook is graded: the grader computes this metric itself\n"
_memo: dict = {}


def known() -> tuple[str, ...]:
    return tuple(_VIEWS)


def kernel_view(names, store: Path) -> dict[str, str]:
    """host path -> stand-in, for the data sets *names* withholds (``metadata.dlcourse.withheld``)."""
    unknown = [n for n in names if n not in _VIEWS]
    if unknown:  # the instructor's metadata names data this grader cannot withhold: grade nothing
        raise ValueError(f"metadata.dlcourse.withheld names {unknown}: this grader can withhold only {known()}")
    store = Path(store)
    store.mkdir(parents=True, exist_ok=True)
    view: dict[str, str] = {}
    for name in names:
        view.update(_VIEWS[name](store))
    return view


# --- stand-ins ---------------------------------------------------------------------------------
def _publish(store: Path, name: str, write) -> Path:
    """``store/name``, written by ``write(tmp_path)`` once (atomically, so workers may race)."""
    dest = store / name
    if not dest.exists():
        fd, tmp = tempfile.mkstemp(dir=store, prefix=f".{name}.")
        os.close(fd)
        try:
            write(Path(tmp))
            os.chmod(tmp, 0o644)
            os.replace(tmp, dest)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return dest


def stub_file(store: Path) -> str:
    return str(_publish(store, "withheld.txt", lambda p: p.write_text(STUB_TEXT)))


def stub_dir(store: Path) -> str:
    """A folder (read-only for everyone but the grader) that holds only a note."""
    folder = store / "withheld-folder"
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(dir=store, prefix=".withheld-folder."))
        (tmp / "WITHHELD.txt").write_text(STUB_TEXT)
        os.chmod(tmp / "WITHHELD.txt", 0o644)
        os.chmod(tmp, 0o755)
        try:
            tmp.rename(folder)
        except OSError:  # another worker was first
            shutil.rmtree(tmp, ignore_errors=True)
    return str(folder)


def _stub_for(path: Path, store: Path) -> str:
    return stub_dir(store) if path.is_dir() else stub_file(store)


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}-{st.st_mtime_ns}"


def _real(path: Path) -> str:
    return os.path.realpath(path)  # the sandbox binds the data folders at their real paths


# --- California housing (07) -------------------------------------------------------------------
def _housing_view(store: Path) -> dict[str, str]:
    copies = [p for p in [*housing.RAW.candidates(), housing.BUNDLED] if p.is_file()]
    redacted = None
    for path in copies:  # the first real copy gives the redacted one (its checksum is known)
        try:
            content = read_bytes(path)
        except OSError:
            continue
        if sha256_of(content) == housing.RAW.sha256:
            def write(tmp: Path, content=content) -> None:
                with gzip.GzipFile(tmp, "wb", mtime=0) as f:
                    f.write(housing.redact(content))
            redacted = str(_publish(store, f"cal_housing-withheld-{housing.WITHHELD_SHA256[:16]}.data.gz", write))
            break
    view = {_real(p): redacted or stub_file(store) for p in copies}
    folder = config.data_mirror() / Path(housing.RAW.mirror_name).parent
    others = list(folder.iterdir()) if folder.is_dir() else []
    cache = config.data_cache()
    others += [p for p in (cache.iterdir() if cache.is_dir() else []) if "housing" in p.name.lower()]
    for path in others:
        view.setdefault(_real(path), _stub_for(path, store))
    return view


# --- CIFAR-10 (08) -----------------------------------------------------------------------------
_TRAIN_NPZ = re.compile(r"cifar10-(jpeg|original)-train\.npz")
_TEST_NPZ = re.compile(r"cifar10-(jpeg|original)-test\.npz")
_BATCHES_KEPT = {f"data_batch_{i}" for i in range(1, 6)} | {"batches.meta"}
_JPEG_KEPT = {"train", ".complete"}


def _redacted_npz(path: Path, store: Path) -> str:
    key = ("npz", str(path), _stamp(path))
    if key not in _memo:
        def write(tmp: Path) -> None:
            with np.load(path) as z:
                images, labels = z["images"], z["labels"]
            with open(tmp, "wb") as f:
                np.savez(f, images=images, labels=np.full(len(labels), cifar10.WITHHELD_LABEL, dtype=np.int64))
        _memo[key] = str(_publish(store, f"{path.stem}-withheld-{_stamp(path)}.npz", write))
    return _memo[key]


def _redacted_batch(path: Path, store: Path) -> str:
    key = ("batch", str(path), _stamp(path))
    if key not in _memo:
        def write(tmp: Path) -> None:
            with open(path, "rb") as f:
                entry = pickle.load(f, encoding="latin1")
            if not isinstance(entry, dict) or "labels" not in entry:
                raise ChecksumError(f"{path} is not a CIFAR-10 batch")
            entry["labels"] = [cifar10.WITHHELD_LABEL] * len(entry["labels"])
            with open(tmp, "wb") as f:
                pickle.dump(entry, f, protocol=2)
        _memo[key] = str(_publish(store, f"test_batch-withheld-{_stamp(path)}", write))
    return _memo[key]


def _cifar10_view(store: Path) -> dict[str, str]:
    cache = config.data_cache()
    try:  # the kernel builds its test set from the test arrays: make sure the real ones exist
        if not (cache / f"cifar10-{cifar10.source()}-test.npz").is_file():
            cifar10.load_cifar10_arrays(train=False, show_progress=False)
    except Exception:  # noqa: BLE001 - no CIFAR-10 here: everything below is hidden all the same
        pass
    view: dict[str, str] = {}
    for path in sorted(cache.iterdir()) if cache.is_dir() else []:
        name = path.name
        if name == "cifar10-jpg" and path.is_dir():
            for inner in path.iterdir():
                if inner.name == "test":
                    view[_real(inner)] = stub_dir(store)
                elif inner.name not in _JPEG_KEPT:
                    view[_real(inner)] = _stub_for(inner, store)
        elif name == "cifar-10-batches-py" and path.is_dir():
            for inner in path.iterdir():
                if inner.name == "test_batch" and inner.is_file():
                    view[_real(inner)] = _redacted_batch(inner, store)
                elif inner.name not in _BATCHES_KEPT:
                    view[_real(inner)] = _stub_for(inner, store)
        elif _TEST_NPZ.fullmatch(name) and path.is_file():
            view[_real(path)] = _redacted_npz(path, store)
        elif "cifar" in name.lower() and not _TRAIN_NPZ.fullmatch(name):
            view[_real(path)] = _stub_for(path, store)  # the torchvision archive, a partial unpacking, ...
    mirror = config.data_mirror()
    folder = mirror / Path(cifar10.ARCHIVE.mirror_name).parent
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        view[_real(path)] = _stub_for(path, store)
    for path in sorted(mirror.iterdir()) if mirror.is_dir() else []:
        if "cifar" in path.name.lower() and path != folder:
            view[_real(path)] = _stub_for(path, store)
    return view


_VIEWS = {housing.TEST_TARGETS: _housing_view, cifar10.TEST_LABELS: _cifar10_view}


# --- the real values, for the judge's guard (course.judge.guard) ---------------------------------
def truth(name: str) -> list[np.ndarray]:
    """The withheld values of *name*, in every order a test could hold them: read from the real
    files (the judge's sandbox shows them; a kernel's shows the stand-ins)."""
    if name == housing.TEST_TARGETS:
        target = housing.load_california_housing().target
        return [target[housing.test_rows()], target]   # the split's order, and the file's
    if name == cifar10.TEST_LABELS:
        return [np.asarray(cifar10.load_cifar10_arrays(train=False, show_progress=False)[1])]
    raise ValueError(f"no withheld data named {name!r} (known: {known()})")
