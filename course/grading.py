"""Grading mode: one place that knows whether nbgrader is running the notebook.

nbgrader sets ``NBGRADER_EXECUTION`` to ``autograde`` or ``validate`` while it
executes a notebook.  Long cells (training) use :func:`pick` to run a short
version then, or to load the submitted checkpoint instead of training::

    from course.grading import pick, is_grading
    epochs = pick(full=10, grading=1)
"""
from __future__ import annotations

import os
from typing import TypeVar

T = TypeVar("T")

#: Set this to ``autograde`` by hand to try the grading path in JupyterLab.
ENV_VAR = "NBGRADER_EXECUTION"


def grading_mode() -> str | None:
    """``'autograde'``, ``'validate'`` or ``None`` (a student or self-learner running it)."""
    mode = os.environ.get(ENV_VAR, "").strip().lower()
    return mode or None


def is_grading() -> bool:
    """True while nbgrader autogrades or validates this notebook."""
    return grading_mode() is not None


def is_autograding() -> bool:
    """True only under ``nbgrader autograde`` (not validate)."""
    return grading_mode() == "autograde"


def pick(full: T, grading: T) -> T:
    """*full* for a normal run, *grading* when nbgrader runs the notebook."""
    return grading if is_grading() else full


def progress(iterable=None, **kwargs):
    """A tqdm progress bar that stays silent while grading (nothing on stderr)."""
    from tqdm.auto import tqdm

    kwargs.setdefault("disable", is_grading())
    return tqdm(iterable, **kwargs)
