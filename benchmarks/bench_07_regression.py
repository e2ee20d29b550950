"""Time the full-mode recipe of 07_pytorch_regression and report its test RMSE.

Runs the source notebook's own code cells (the reference solutions, without the test cells) in
full mode, in a scratch folder, up to the cell that reports the test RMSE: 50 epochs of Adam
(lr=1e-3, batch 100) on the 8 → 100 → 100 → 1 MLP, the best-by-validation state_dict saved and
reloaded.  Prints the training time, the best epoch and the validation and test RMSE.

    python benchmarks/bench_07_regression.py                  # measure
    python benchmarks/bench_07_regression.py --save-fixture   # and refresh the reference checkpoint
                                                              # in examples/fixtures/07_pytorch_regression/
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
AID = "07_pytorch_regression"
NOTEBOOK = ROOT / "source" / AID / f"{AID}.ipynb"
FIXTURE = ROOT / "examples" / "fixtures" / AID / "07_best_model.pt"


def machine() -> str:
    import torch

    from course.env import cpu_name

    cpu = cpu_name()
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"{cpu}, {os.cpu_count()} logical CPUs, load average (1/5/15 min) {load}; "
            f"Python {platform.python_version()}, torch {torch.__version__} ({torch.get_num_threads()} thread(s))")


def run_recipe(workdir: Path) -> dict:
    """Execute the notebook's non-test code cells in full mode until `test_rmse` exists."""
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    os.environ.pop("NBGRADER_EXECUTION", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    ns: dict = {"__name__": "__main__"}
    old = os.getcwd()
    os.chdir(workdir)
    try:
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or meta.get("grade"):
                continue
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(compile(cell.source, f"<{meta.get('grade_id', 'cell')}>", "exec"), ns)
            if "test_rmse" in ns:
                break
    finally:
        os.chdir(old)
        import matplotlib.pyplot as plt
        plt.close("all")
    return ns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save-fixture", action="store_true",
                        help=f"copy the checkpoint to {FIXTURE.relative_to(ROOT)}")
    args = parser.parse_args()

    print("machine:", machine())
    with tempfile.TemporaryDirectory(prefix="bench07_") as tmp:
        start = time.perf_counter()
        ns = run_recipe(Path(tmp))
        total = time.perf_counter() - start
        history = ns["history"]
        best = min(range(len(history["val_loss"])), key=history["val_loss"].__getitem__)
        print(f"training: {ns['epochs']} epochs in {ns['seconds']:.1f} s "
              f"({ns['seconds'] / ns['epochs']:.2f} s per epoch)")
        print(f"best epoch {best + 1}: validation RMSE {history['val_loss'][best] ** 0.5:.4f}")
        print(f"test RMSE of the reloaded best model: {ns['test_rmse']:.4f} ($100 000)")
        print(f"whole recipe (data, tests skipped, training, reload): {total:.1f} s")
        checkpoint = Path(tmp) / "07_best_model.pt"
        print(f"checkpoint: {checkpoint.stat().st_size / 1024:.1f} KiB")
        if args.save_fixture:
            FIXTURE.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(checkpoint, FIXTURE)
            print(f"saved {FIXTURE.relative_to(ROOT)}")
    print("machine after the run:", machine())


if __name__ == "__main__":
    main()
