"""Plots shared by several notebooks."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

INPUTS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def plot_gate(ax, gate: Callable[[int, int], int], title: str,
              w: Sequence[float] | None = None, b: float | None = None) -> None:
    """The 4 inputs of a 2-input gate coloured by its output, and the line w·x + b = 0."""
    grid = np.linspace(-0.5, 1.5, 201)
    if w is not None and b is not None:
        xx, yy = np.meshgrid(grid, grid)
        ax.contourf(xx, yy, (w[0] * xx + w[1] * yy + b > 0).astype(float),
                    levels=[-0.5, 0.5, 1.5], colors=["#f3d9d9", "#d9e8f3"], alpha=0.8)
        if abs(w[1]) > 1e-12:
            ax.plot(grid, -(w[0] * grid + b) / w[1], "k--", lw=1.5, label="w·x + b = 0")
        ax.legend(loc="upper right", fontsize=8)
    for x1, x2 in INPUTS:
        y = int(gate(x1, x2))
        ax.scatter(x1, x2, s=160, c="tab:blue" if y else "tab:red", marker="o" if y else "x",
                   linewidths=3, zorder=3)
        ax.annotate(f"y={y}", (x1, x2), textcoords="offset points", xytext=(8, 8))
    ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="$x_1$", ylabel="$x_2$", title=title,
           aspect="equal")


def plot_curves(ax, curves: dict, xlabel: str = "epoch", ylabel: str = "", title: str = ""):
    """Learning curves: {label: list of values}."""
    for label, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, marker="o", ms=3, label=label)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(alpha=0.3)
    ax.legend()
