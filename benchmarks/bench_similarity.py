"""Copy detection on the demo class plus planted copies: ranks, similarities and time.

The class of tests/test_similarity.py (alice and bob of the demo class; right-1..3, independent right
answers from tests/corpus; mallory, trudy and oscar, planted copies with renamed names and reordered
functions), per assignment, through ``course.similarity.compare`` (Dolos):

    python benchmarks/bench_similarity.py                      # 02, 03, 04
    python benchmarks/bench_similarity.py 01_perceptron 05_chainer_style

Prints the machine, its load, and per assignment the seconds, the ranks and similarities of the
copied pairs (same origin) and the best independent pair.  Needs `make dolos`.
"""
from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from course import similarity  # noqa: E402
from test_similarity import ASSIGNMENTS, plant_class  # noqa: E402


def main(ids: list[str]) -> None:
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for aid in ids or ASSIGNMENTS:
        with tempfile.TemporaryDirectory() as tmp:
            origin = plant_class(Path(tmp), aid)
            rec = similarity.compare(ROOT, aid, Path(tmp))
        ranks = {i: p for i, p in enumerate(rec["pairs"], 1)}
        copies = [(i, p) for i, p in ranks.items() if origin[p["a"]] == origin[p["b"]]]
        best_other = next((i, p) for i, p in ranks.items() if origin[p["a"]] != origin[p["b"]])
        print(f"{aid}: {rec['students']} students, {len(rec['pairs'])} pairs, {rec['seconds']:.2f} s")
        print("  copied pairs (rank, similarity): " + ", ".join(
            f"{i}. {p['a']}/{p['b']} {100 * p['similarity']:.0f} %" for i, p in copies))
        i, p = best_other
        print(f"  best independent pair: {i}. {p['a']}/{p['b']} {100 * p['similarity']:.0f} %")


if __name__ == "__main__":
    main(sys.argv[1:])
