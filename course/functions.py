"""Functions of a neural network, as in the from-scratch book's ``common/functions.py``.

Notebooks 02 and 03 have students write these; later notebooks import them from here
so that their own layers can build on a trusted version.
"""
from __future__ import annotations

import numpy as np

__all__ = ["sigmoid", "softmax", "cross_entropy_error"]


def sigmoid(x):
    """1 / (1 + exp(-x)), without overflow warnings for very negative x."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def softmax(a):
    """Softmax along the last axis; subtracting the max keeps exp from overflowing."""
    a = np.asarray(a)
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """Mean cross-entropy of probabilities *y* against labels or one-hot rows *t*.

    Works for one sample (1-D) or a batch (2-D); adds 1e-7 inside the log so that
    a probability of 0 gives a large, finite loss (seed 003's δ).
    """
    y, t = np.asarray(y), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1)
    if t.size == y.size:  # one-hot rows -> labels
        t = t.argmax(axis=1)
    t = t.reshape(-1).astype(np.intp)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size
