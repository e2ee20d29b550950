"""Liars that pay today: (notebook, kind, test cell) -> the test cell's line that lets them pass.

Generated from a run of ``tests/test_liars.py`` (see ``.liars-report.md``); each is an
``xfail(strict=True)``: when the judge stops paying a liar, its test XPASSes and fails: remove it here.
"""
PAYS: dict[tuple[str, str, str], str] = {}
