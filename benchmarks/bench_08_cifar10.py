"""Time 08_cnn_cifar10: its full-mode training recipe, and its grading run.

1. Full mode: executes the whole source notebook (reference solutions) in a real kernel, in a
   scratch folder, exactly as a student's "Run all" would: it trains SimpleCNN with the notebook's
   recipe, saves the best-validation checkpoint, scores it on the 10 000 test images.
   Prints the per-epoch table, the training time and the test accuracy.
2. Grading mode: executes it again with NBGRADER_EXECUTION=autograde next to that checkpoint (or the
   reference fixture) and times the whole run, kernel start included; prints the graded cell's points.

    python benchmarks/bench_08_cifar10.py                   # both
    python benchmarks/bench_08_cifar10.py --save-fixture    # both, then copy the checkpoint to
                                                            # examples/fixtures/08_cnn_cifar10/
    python benchmarks/bench_08_cifar10.py --grading-only    # time grading with the fixture
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
AID = "08_cnn_cifar10"
NOTEBOOK = ROOT / "source" / AID / f"{AID}.ipynb"
CHECKPOINT = "cifar10_cnn.pt"
FIXTURE = ROOT / "examples" / "fixtures" / AID / CHECKPOINT


def machine() -> str:
    import torch

    from course.env import cpu_name

    cpu = cpu_name()
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return (f"{cpu}, {os.cpu_count()} logical CPUs, {gpu}; Python {platform.python_version()}, "
            f"torch {torch.__version__} ({torch.get_num_threads()} threads)")


def load() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), all its threads together."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def execute(workdir: Path, grading: bool, timeout: int) -> tuple[nbformat.NotebookNode, float, dict]:
    """Run the notebook in a fresh kernel in *workdir*, cell by cell.

    Returns it executed, the wall time, and {cell index: (wall s, kernel CPU s)}.
    """
    from nbclient import NotebookClient

    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    if grading:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    else:
        os.environ.pop("NBGRADER_EXECUTION", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    times = {}
    start = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.pid
        for index, cell in enumerate(nb.cells):
            wall, cpu = time.perf_counter(), cpu_seconds(pid)
            client.execute_cell(cell, index)
            times[index] = (time.perf_counter() - wall, cpu_seconds(pid) - cpu)
    return nb, time.perf_counter() - start, times


def text_of(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            parts.append(out["text"])
        elif out.get("output_type") in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
        elif out.get("output_type") == "error":
            parts.append(f"ERROR {out['ename']}: {out['evalue'][:300]}")
    return "".join(parts)


def cell(nb, grade_id=None, contains=None):
    for c in nb.cells:
        meta = c.get("metadata", {}).get("nbgrader", {})
        if (grade_id and meta.get("grade_id") == grade_id) or (contains and contains in c.source):
            return c
    raise KeyError(grade_id or contains)


def errors(nb) -> list[str]:
    return [f"{c.get('metadata', {}).get('nbgrader', {}).get('grade_id', c.source[:40])!r}: {o['ename']}"
            for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--save-fixture", action="store_true", help=f"copy the checkpoint to {FIXTURE}")
    parser.add_argument("--grading-only", action="store_true", help="only time grading, with the fixture")
    parser.add_argument("--keep", metavar="DIR", help="write the executed notebooks there")
    args = parser.parse_args()
    print("machine:", machine())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.grading_only:
            print(f"full mode: running the notebook (load average before: {load()})")
            nb, wall, times = execute(work, grading=False, timeout=1800)
            train_cell = cell(nb, contains="EPOCHS = pick(")
            print(text_of(train_cell))
            cell_wall, cell_cpu = times[nb.cells.index(train_cell)]
            print(f"training cell: {cell_wall:.0f} s wall, {cell_cpu:.0f} s of CPU time in the kernel "
                  f"({cell_cpu / cell_wall:.2f} cores busy on average)")
            print(text_of(cell(nb, grade_id="test_trained_checkpoint")).strip())
            print(text_of(cell(nb, contains="n_test = pick(")).strip().splitlines()[0])
            print(f"whole notebook in full mode: {wall:.0f} s wall; load average after: {load()}")
            if errors(nb):
                print("cells that raised:", errors(nb))
            if args.keep:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, str(Path(args.keep) / f"{AID}-full.ipynb"))
            if args.save_fixture:
                FIXTURE.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(work / CHECKPOINT, FIXTURE)
                print(f"saved {FIXTURE} ({FIXTURE.stat().st_size / 1e6:.2f} MB)")
        else:
            shutil.copy(FIXTURE, work / CHECKPOINT)
        print(f"grading mode: running the notebook next to the checkpoint (load average before: {load()})")
        nb, wall, times = execute(work, grading=True, timeout=120)
        graded = cell(nb, grade_id="test_trained_checkpoint")
        print(text_of(graded).strip())
        graded_wall, graded_cpu = times[nb.cells.index(graded)]
        print(f"graded cell (load and score 10 000 images): {graded_wall:.1f} s wall, {graded_cpu:.1f} s CPU")
        points = re.findall(r"^\s*([0-9.]+)\s*$", text_of(graded), re.M)
        print(f"graded cell: {points[-1] if points else '?'} of 5 points; whole grading run: {wall:.1f} s wall "
              f"(kernel start included); load average after: {load()}")
        slowest = sorted(times.items(), key=lambda kv: -kv[1][0])[:5]
        print("slowest cells:", "; ".join(f"{nb.cells[i].source.splitlines()[0][:40]!r} {w:.1f} s"
                                          for i, (w, _) in slowest))
        if errors(nb):
            print("cells that raised:", errors(nb))
        if args.keep:
            nbformat.write(nb, str(Path(args.keep) / f"{AID}-grading.ipynb"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
