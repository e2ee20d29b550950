"""California housing (1990 census, StatLib) with scikit-learn's 8 features.

The raw file is small, so a copy ships with the course; a mirror copy is used
first when there is one.  The target is the median house value in $100 000.

While 07 is graded, the kernel reads a copy whose test rows (those of
:func:`test_rows`) have ``nan`` targets (``housing-test-targets`` in 07's
``metadata.dlcourse.withheld``): the judge computes the test RMSE from the real file.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .files import (ChecksumError, DataFile, DataNotFoundError, missing_message, read_bytes, sha256_of,
                    tell_withheld, verified_bytes)

RAW = DataFile("California housing", "california_housing/cal_housing.data.gz",
               "d3d8a1a722ae78f91134862727d27a70b1415e7d512a89140406248687f4b902")
BUNDLED = Path(__file__).with_name("cal_housing.data.gz")
FEATURE_NAMES = ("MedInc", "HouseAge", "AveRooms", "AveBedrms",
                 "Population", "AveOccup", "Latitude", "Longitude")
N_ROWS = 20640

#: the name 07's metadata gives the test targets it withholds from the kernel
TEST_TARGETS = "housing-test-targets"
#: sha256 of the content of :func:`redact` (the real file with the test rows' targets as ``nan``)
WITHHELD_SHA256 = "247539d3e9261f670e8a0ea22768fdb17ea91308a0f3059f67639be544e6c6d7"


class Housing(NamedTuple):
    data: np.ndarray           # (20640, 8) float64, columns FEATURE_NAMES
    target: np.ndarray         # (20640,) float64, in units of $100 000
    feature_names: tuple


def find() -> Path | None:
    """The file the loader reads: the mirror's copy first, else the bundled one."""
    return RAW.find() or (BUNDLED if BUNDLED.is_file() else None)


def load_california_housing() -> Housing:
    path = find()
    if path is None:
        raise DataNotFoundError(missing_message(RAW, "not needed: a copy ships in course/datasets"))
    content = read_bytes(path)
    if sha256_of(content) == WITHHELD_SHA256:
        tell_withheld(TEST_TARGETS, "the California housing test rows' targets are withheld while this notebook "
                      "is graded: they read as nan here (the grader computes the test RMSE itself)")
    else:
        content = verified_bytes(RAW, path)
    raw = np.loadtxt(io.BytesIO(content), delimiter=",")
    (lon, lat, age, rooms, bedrooms, population, households, income, value) = raw.T
    data = np.column_stack([income, age, rooms / households, bedrooms / households,
                            population, population / households, lat, lon])
    return Housing(data, value / 100_000, FEATURE_NAMES)


def test_rows() -> list[int]:
    """The test part of 07's split: ``random_split(range(20640), [0.8, 0.1, 0.1],
    generator=torch.Generator().manual_seed(0))[2].indices``."""
    import torch
    from torch.utils.data import random_split
    parts = random_split(range(N_ROWS), [0.8, 0.1, 0.1], generator=torch.Generator().manual_seed(0))
    return [int(i) for i in parts[2].indices]


def redact(content: bytes) -> bytes:
    """The real file's content with the target (last field) of every test row replaced by ``nan``."""
    if sha256_of(content) != RAW.sha256:
        raise ChecksumError("only the real California housing file can be redacted")
    lines = content.split(b"\n")
    for i in test_rows():
        lines[i] = lines[i].rpartition(b",")[0] + b",nan"
    return b"\n".join(lines)
