"""Withheld ground truth never crosses to the kernel: the judge's last line of defence.

While 07 or 08 is graded the judge holds data the kernel must not see (07's 2 064 test targets,
08's 10 000 test labels: ``metadata.dlcourse.withheld``).  The judge's rules already keep test
data away from the student's objects; this guard makes sure that, whatever a test does, no
message to the kernel carries a run of those values.  Every array, tensor or list of numbers
the judge encodes is looked at as float32 values: if any :data:`K` consecutive ones equal
:data:`K` consecutive values of a withheld vector, the encoding is refused (:class:`Withheld`).
K = 16 consecutive labels (10 classes) or targets with at least 3 changes of value match by chance
with odds below 1e-9; runs of one repeated value (a test set sorted by class) are not looked for.
"""
from __future__ import annotations

import numpy as np

K = 16
_P = np.uint64(0x9E3779B97F4A7C15)   # an odd 64-bit multiplier: a polynomial hash of a window


def _window_hashes(values) -> np.ndarray:
    """The hash of every run of K consecutive values (as float32, -0.0 as 0.0)."""
    v = np.ascontiguousarray(np.asarray(values, dtype=np.float32).ravel()) + np.float32(0.0)
    u = v.view(np.uint32).astype(np.uint64)
    n = u.size - K + 1
    h = np.zeros(max(n, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(K):
            h = h * _P + u[j:j + n]
    return h


class WithheldGuard:
    K = K

    def __init__(self):
        self._hashes = np.zeros(0, dtype=np.uint64)
        self.names: list[str] = []

    def add(self, name: str, values) -> None:
        """Every run of K values of *values* that tells something (at least 3 changes of value: a run
        of one repeated label, as in a test set sorted by class, matches any constant array)."""
        v = np.asarray(values, dtype=np.float32).ravel()
        changes = np.concatenate([[0], np.cumsum(v[1:] != v[:-1])])
        informative = changes[K - 1:] - changes[:v.size - K + 1] >= 3
        self._hashes = np.union1d(self._hashes, _window_hashes(v)[informative])
        if name not in self.names:
            self.names.append(name)

    def holds(self, obj) -> bool:
        """True when *obj* (an array, tensor, or list of numbers) contains a withheld run."""
        if not self._hashes.size:
            return False
        try:
            if hasattr(obj, "detach"):
                obj = obj.detach().cpu().float().numpy()
            arr = np.asarray(obj)
            if arr.dtype.kind not in "biuf":
                return False
        except (TypeError, ValueError, RuntimeError):
            return False
        if arr.size < K:
            return False
        return bool(np.isin(_window_hashes(arr), self._hashes, assume_unique=False).any())

    def refuse(self, obj) -> None:
        if self.holds(obj):
            from .link import Withheld
            raise Withheld(f"the test tried to send withheld ground truth ({', '.join(self.names)}) to the "
                           "student's kernel; the grader refuses it (the check fails)")


def load(names) -> WithheldGuard | None:
    """The guard for the withheld data *names* (None when nothing is withheld), values from the
    real files, which only the judge's sandbox shows."""
    from ..datasets.withheld import truth
    names = [n for n in names if n]
    if not names:
        return None
    guard = WithheldGuard()
    for name in names:
        for values in truth(name):
            guard.add(name, values)
    return guard
