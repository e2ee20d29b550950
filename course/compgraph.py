"""Pictures of computational graphs (計算グラフ): seed 004's worked backpropagation example, and the
lab-rotation lecture's chain y = a3 f(a2 f(a1 f(x))) (`plot_chain_graph`).

    x (3 inputs) --W0--> z (2 nodes) --W1--> ŷ --> L = (ŷ − y)²

Forward values are written in black above each node, the gradients ∂L/∂(·) that
backpropagation computes in red below it; each edge shows its weight and, in red,
∂L/∂weight.  No biases and no activation function, as in the seed.
"""
from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, Rectangle

RED = "tab:red"


def _node(ax, xy, name, value, grad):
    ax.add_patch(Circle(xy, 0.28, facecolor="white", edgecolor="black", lw=1.5, zorder=3))
    ax.text(*xy, name, ha="center", va="center", fontsize=12, zorder=4)
    ax.text(xy[0], xy[1] + 0.36, f"{value:g}", ha="center", va="bottom", fontsize=11)
    if grad is not None:
        ax.text(xy[0], xy[1] - 0.36, f"{grad:g}", ha="center", va="top", fontsize=11, color=RED)


def _edge(ax, start, end, weight=None, grad=None, at=0.72):
    ax.annotate("", xy=end, xytext=start, zorder=1,
                arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1.2, shrinkA=16, shrinkB=16))
    if weight is None:
        return
    px, py = (1 - at) * np.asarray(start) + at * np.asarray(end)
    ax.text(px - 0.02, py, f"{weight:g}", ha="right", va="center", fontsize=9,
            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"), zorder=2)
    if grad is not None:
        ax.text(px + 0.02, py, f"({grad:g})", ha="left", va="center", fontsize=9, color=RED,
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"), zorder=2)


def plot_worked_example(ax, x, W0, W1, y, grads: dict | None = None, title: str = ""):
    """Draw the example on *ax*.

    *grads* (optional) maps 'x', 'z', 'y_hat', 'W0', 'W1' to the gradients ∂L/∂(·)
    with the shapes of x (3,), z (2,), a number, W0 (2, 3) and W1 (2,).
    """
    x, W0, W1 = (np.asarray(a, dtype=float) for a in (x, W0, W1))
    z = W0 @ x
    y_hat = float(W1 @ z)
    loss = (y_hat - y) ** 2
    g = {k: np.asarray(v, dtype=float) for k, v in (grads or {}).items()}
    gx, gz, gy = g.get("x"), g.get("z"), g.get("y_hat")
    gW0, gW1 = g.get("W0"), g.get("W1")

    xs = [(0.0, 2.4 - 1.2 * i) for i in range(3)]
    zs = [(3.0, 2.4 - 2.4 * j) for j in range(2)]
    yh, ll = (5.4, 1.2), (7.4, 1.2)
    for j, zp in enumerate(zs):
        for i, xp in enumerate(xs):
            _edge(ax, xp, zp, W0[j, i], None if gW0 is None else gW0[j, i], at=0.7)
        _edge(ax, zp, yh, W1[j], None if gW1 is None else gW1[j], at=0.5)
    _edge(ax, yh, ll)
    for i, p in enumerate(xs):
        _node(ax, p, f"$x_{i + 1}$", x[i], None if gx is None else gx[i])
    for j, p in enumerate(zs):
        _node(ax, p, f"$z_{j + 1}$", z[j], None if gz is None else gz[j])
    _node(ax, yh, r"$\hat{y}$", y_hat, None if gy is None else float(gy))
    _node(ax, ll, "$L$", loss, 1.0 if grads else None)
    ax.text(ll[0], ll[1] - 0.9, f"$L = (\\hat{{y}} - {y:g})^2$", ha="center", fontsize=10)
    ax.text(-0.4, -0.75, "black: forward values (and weights)"
            + ("\nred: gradients ∂L/∂(·) from the backward pass" if grads else ""),
            fontsize=9, va="top")
    ax.set(xlim=(-0.7, 8.0), ylim=(-1.3, 3.1), aspect="equal", title=title)
    ax.axis("off")


def plot_chain_graph(ax, x: float, a1: float, a2: float, a3: float, title: str = ""):
    """Draw the lab-rotation lecture's y = a3 f(a2 f(a1 f(x))), f the sigmoid, as a computational graph on *ax*.

    Variables are circles with their forward value above them (black); operations are squares (f or ×); the
    parameters a1, a2, a3 feed the × nodes from above.  Each edge into an operation carries, in red, the local
    derivative ∂(output)/∂(input): backpropagation multiplies these along the path from a parameter to y.
    """
    def f(u):
        return 1.0 / (1.0 + np.exp(-u))

    h1 = f(x); v1 = a1 * h1; h2 = f(v1); v2 = a2 * h2; h3 = f(v2); y = a3 * h3
    names = ["$x$", "f", "$h_1$", "×", "$v_1$", "f", "$h_2$", "×", "$v_2$", "f", "$h_3$", "×", "$y$"]
    values = [x, None, h1, None, v1, None, h2, None, v2, None, h3, None, y]
    # the local derivative on the edge that enters each operation from the left
    local = {1: "$f'(x)$", 3: "$a_1$", 5: "$f'(v_1)$", 7: "$a_2$", 9: "$f'(v_2)$", 11: "$a_3$"}
    params = {3: ("$a_1$", a1, "$h_1$"), 7: ("$a_2$", a2, "$h_2$"), 11: ("$a_3$", a3, "$h_3$")}
    step = 1.05
    pos = [(i * step, 0.0) for i in range(len(names))]
    for i in range(len(names) - 1):
        _edge(ax, pos[i], pos[i + 1])
        if i + 1 in local:
            mx = (pos[i][0] + pos[i + 1][0]) / 2
            ax.text(mx, -0.22, local[i + 1], ha="center", va="top", fontsize=10, color=RED)
    for i, (name, value) in enumerate(zip(names, values)):
        if value is None:
            ax.add_patch(Rectangle((pos[i][0] - 0.2, -0.2), 0.4, 0.4, facecolor="0.92", edgecolor="black",
                                   lw=1.2, zorder=3))
            ax.text(*pos[i], name, ha="center", va="center", fontsize=12, zorder=4)
        else:
            _node(ax, pos[i], name, round(float(value), 4), None)
    for i, (name, value, local_a) in params.items():
        top = (pos[i][0], 1.45)
        _edge(ax, top, pos[i])
        _node(ax, top, name, value, None)
        ax.text(pos[i][0] + 0.08, 0.72, local_a, ha="left", va="center", fontsize=10, color=RED)
    ax.text(-0.3, -0.75, "black: forward values; red: the local derivative ∂(output)/∂(input) of each edge into an "
            "operation.\n∂y/∂a₁ is the product of the red labels on the path from a₁ to y: "
            "h₁ · f'(v₁) · a₂ · f'(v₂) · a₃.", fontsize=9, va="top")
    ax.set(xlim=(-0.5, pos[-1][0] + 0.5), ylim=(-1.35, 2.2), aspect="equal", title=title)
    ax.axis("off")
