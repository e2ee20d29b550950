"""Run a notebook's code cells in order as one Python script, where Jupyter is not installed (a bare GPU box).

The cells run exactly as "Run all" would run them in a kernel, reference solutions included (source/ notebooks),
with matplotlib's Agg backend: each figure is saved as a PNG instead of shown. Prints each cell's wall time.

    python tools/run_as_script.py source/08_cnn_cifar10/08_cnn_cifar10.ipynb --workdir /tmp/w08 --figures /tmp/f08
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRELUDE = """\
import time as _t, matplotlib as _mpl
_mpl.use("Agg")
import matplotlib.pyplot as _plt
_FIGS, _count = {figures!r}, [0]
def _show(*args, **kwargs):
    for _num in _plt.get_fignums():
        _count[0] += 1
        if _FIGS:
            _plt.figure(_num).savefig(f"{{_FIGS}}/figure-{{_count[0]:02d}}.png", dpi=70)
    _plt.close("all")
_plt.show = _show
"""


def script(notebook: Path, figures: str | None) -> str:
    cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    parts = [PRELUDE.format(figures=figures)]
    for i, cell in enumerate(cells):
        name = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or cell.get("id", str(i))
        parts.append(f"_s = _t.perf_counter()\nprint('=== cell {i} {name}', flush=True)\n"
                     + "".join(cell["source"])
                     + f"\n_show()\nprint(f'=== cell {i} {name}: {{_t.perf_counter() - _s:.1f}} s', flush=True)\n")
    return "\n".join(parts)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("notebook", type=Path)
    p.add_argument("--workdir", type=Path, required=True)
    p.add_argument("--figures", type=Path)
    args = p.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.figures:
        args.figures.mkdir(parents=True, exist_ok=True)
    path = args.workdir / (args.notebook.stem + ".py")
    path.write_text(script(args.notebook.resolve(), str(args.figures.resolve()) if args.figures else None))
    for extra in args.notebook.parent.iterdir():            # files released with the notebook
        if extra.suffix != ".ipynb" and extra.is_file():
            (args.workdir / extra.name).write_bytes(extra.read_bytes())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               PYTHONUNBUFFERED="1")
    return subprocess.call([sys.executable, path.name], cwd=args.workdir, env=env)


if __name__ == "__main__":
    sys.exit(main())
