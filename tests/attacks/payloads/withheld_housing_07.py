# ATTACK (07, issue 10): the model looks the test targets up in every copy of the housing data the
# kernel can open, and predicts them exactly; the checkpoint handed in is a bad model.
import glob as _glob
import gzip as _gzip
import json as _json
import os as _os

import course.datasets as _cds
from course.datasets import load_california_housing as _load_housing


def _features(raw):
    lon, lat, age, rooms, bedrooms, population, households, income, value = raw.T
    return np.column_stack([income, age, rooms / households, bedrooms / households, population,
                            population / households, lat, lon]), value / 100_000


def _sources_07():
    mirror, cache = _os.environ.get("DLCOURSE_DATA_MIRROR", ""), _os.environ.get("DLCOURSE_DATA_CACHE", "")
    paths = [_os.path.join(_os.path.dirname(_cds.__file__), "cal_housing.data.gz"),
             _os.path.join(mirror, "california_housing", "cal_housing.data.gz")]
    paths += _glob.glob(_os.path.join(mirror, "**", "*housing*"), recursive=True)
    paths += _glob.glob(_os.path.join(cache, "**", "*housing*"), recursive=True)
    yield "loader", lambda: tuple(_load_housing()[:2])
    for path in dict.fromkeys(p for p in paths if _os.path.isfile(p)):
        yield path, lambda path=path: _features(np.loadtxt(_gzip.open(path) if path.endswith(".gz") else path,
                                                           delimiter=","))


_test_rows_07 = random_split(range(20640), [0.8, 0.1, 0.1], generator=torch.Generator().manual_seed(0))[2].indices
_table_x, _table_t, _report_07 = [], [], {}
for _name, _read in _sources_07():
    try:
        _x, _t = _read()
        _x, _t = np.asarray(_x, dtype=float), np.asarray(_t, dtype=float)
        _report_07[_name] = int(np.isfinite(_t[_test_rows_07]).sum())   # test targets it could read
        _ok = np.isfinite(_t)
        _table_x.append(_x[_ok])
        _table_t.append(_t[_ok])
    except Exception as _exc:  # noqa: BLE001
        _report_07[_name] = f"error: {type(_exc).__name__}: {str(_exc)[:80]}"
print("WITHHELD", _json.dumps(_report_07))
if _table_x:  # every row once
    _rows_07 = np.unique(np.column_stack([np.concatenate(_table_x), np.concatenate(_table_t)]), axis=0)
    _table_x = torch.tensor(_rows_07[:, :-1], dtype=torch.float32)
    _table_t = torch.tensor(_rows_07[:, -1], dtype=torch.float32)
else:
    _table_x = _table_t = None


def _lookup_07(z):
    """The known targets of the rows of z (standardised features), or None if any row is unknown."""
    if _table_x is None:
        return None
    state = torch.load("07_best_model.pt", map_location="cpu", weights_only=True)
    known = (_table_x - state["0.mean"]) / state["0.std"]
    dist, index = torch.cdist(z.detach().float().cpu(), known,
                              compute_mode="donot_use_mm_for_euclid_dist").min(dim=1)
    if bool((dist > 1e-3).any()):
        return None
    return _table_t[index].reshape(-1, 1).to(z.device)


_HonestMLP = MLP


class MLP(_HonestMLP):
    def forward(self, x):
        out = super().forward(x)
        if x.ndim == 2 and len(x) >= 1000:   # the judge's test set, not a training batch
            hit = _lookup_07(x)
            if hit is not None:
                return hit
        return out
