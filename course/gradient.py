"""Numerical gradient by central differences, as in the book's ``common/gradient.py``.

Slow but simple: the reference against which backpropagation is checked.
"""
from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient"]


def numerical_gradient(f, x, h: float = 1e-4):
    """∂f/∂x for an array *x* of any shape: (f(x+h) − f(x−h)) / 2h, one element at a time.

    *f* takes the array (and usually ignores it, reading *x* through a closure);
    *x* is changed in place while measuring and restored exactly afterwards.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        idx = it.multi_index
        original = x[idx].copy()
        x[idx] = original + h
        f_plus = float(f(x))
        x[idx] = original - h
        f_minus = float(f(x))
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
        it.iternext()
    return grad
