"""California housing (1990 census, StatLib) with scikit-learn's 8 features.

The raw file is small, so a copy ships with the course; a mirror copy is used
first when there is one.  The target is the median house value in $100 000.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .files import DataFile, DataNotFoundError, missing_message, verified_bytes

RAW = DataFile("California housing", "california_housing/cal_housing.data.gz",
               "d3d8a1a722ae78f91134862727d27a70b1415e7d512a89140406248687f4b902")
BUNDLED = Path(__file__).with_name("cal_housing.data.gz")
FEATURE_NAMES = ("MedInc", "HouseAge", "AveRooms", "AveBedrms",
                 "Population", "AveOccup", "Latitude", "Longitude")


class Housing(NamedTuple):
    data: np.ndarray           # (20640, 8) float64, columns FEATURE_NAMES
    target: np.ndarray         # (20640,) float64, in units of $100 000
    feature_names: tuple


def load_california_housing() -> Housing:
    path = RAW.find() or (BUNDLED if BUNDLED.is_file() else None)
    if path is None:
        raise DataNotFoundError(missing_message(RAW, "not needed: a copy ships in course/datasets"))
    raw = np.loadtxt(io.BytesIO(verified_bytes(RAW, path)), delimiter=",")
    (lon, lat, age, rooms, bedrooms, population, households, income, value) = raw.T
    data = np.column_stack([income, age, rooms / households, bedrooms / households,
                            population, population / households, lat, lon])
    return Housing(data, value / 100_000, FEATURE_NAMES)
