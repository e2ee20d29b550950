"""Time notebook 04's full-mode MNIST training and report its test accuracy.

The recipe is not copied here: the script executes the source notebook's own code
(the setup cell, the reference solutions, the data and training cells; no test
cells, no plots) in full mode, so it measures exactly what a student runs.

    python benchmarks/bench_04_mnist.py            # one run
    python benchmarks/bench_04_mnist.py --runs 3   # the same seeded run three times

Prints the machine, its load, the wall-clock and CPU seconds of the training cell
and the final test accuracy.  Timings on a shared machine are noisy: record the load.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "source" / "04_backprop" / "04_backprop.ipynb"
TRAINING_MARK = "train_seconds ="  # the training cell defines train_seconds


def machine() -> str:
    from course.env import cpu_name

    cpu = cpu_name()
    return f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def load() -> str:
    try:
        return "load average %.2f / %.2f / %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def cells_to_run(nb) -> list[str]:
    """Setup, solutions, data and training cells in order, up to the training cell."""
    sources = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            continue  # test cells
        if "plt." in cell.source:
            continue  # plots
        sources.append(cell.source)
        if TRAINING_MARK in cell.source:
            return sources
    raise SystemExit(f"no training cell (with {TRAINING_MARK!r}) in {NOTEBOOK}")


def run_once(sources: list[str]) -> dict:
    """Execute the cells quietly (their prints and progress bars are not the point here)."""
    ns: dict = {"__name__": "__main__"}
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for src in sources[:-1]:
            exec(compile(src, "<notebook cell>", "exec"), ns)
        wall, cpu = time.perf_counter(), time.process_time()
        exec(compile(sources[-1], "<training cell>", "exec"), ns)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu,
            "test_acc": ns["test_acc_list"][-1], "train_acc": ns["train_acc_list"][-1],
            "recipe": {k: ns[k] for k in ("iters_num", "batch_size", "learning_rate", "hidden_size")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    os.environ.pop("NBGRADER_EXECUTION", None)  # full mode
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.chdir(NOTEBOOK.parent)

    import numpy as np
    print(f"machine: {machine()}; Python {platform.python_version()}, NumPy {np.__version__}")
    sources = cells_to_run(nbformat.read(str(NOTEBOOK), as_version=4))
    for run in range(1, args.runs + 1):
        before = load()
        r = run_once(sources)
        print(f"run {run}: {r['recipe']}")
        print(f"  training cell: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU; "
              f"test accuracy {r['test_acc']:.4f} (train {r['train_acc']:.4f}); "
              f"{before} before, {load()} after")


if __name__ == "__main__":
    main()
