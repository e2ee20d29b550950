"""Time the GPU speed-run of 08b (course/speedrun.py): ResNet-9 on all 50 000 training images, scored once on
the 10 000 test images. Prints the machine, each epoch's seconds, the training time and the test accuracy, and one
JSON line with all of it.

    python benchmarks/bench_speedrun.py                       # the recipe as 08b runs it (bf16, channels_last)
    python benchmarks/bench_speedrun.py --compile             # ... with torch.compile (the first epoch compiles)
    python benchmarks/bench_speedrun.py --epochs 10 --fp32    # variations
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.speedrun import Recipe, speedrun  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=Recipe.epochs)
    p.add_argument("--batch-size", type=int, default=Recipe.batch_size)
    p.add_argument("--compile", action="store_true")
    p.add_argument("--fp32", action="store_true", help="no bf16 autocast")
    p.add_argument("--contiguous", action="store_true", help="no channels_last")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--smoke", action="store_true", help="2 epochs on 2 048 images, narrow net: checks the script")
    args = p.parse_args(argv)
    from course.datasets import load_cifar10_arrays

    t0 = time.perf_counter()
    x, y = load_cifar10_arrays(train=True, show_progress=False)
    xt, yt = load_cifar10_arrays(train=False, show_progress=False)
    recipe = Recipe(epochs=args.epochs, batch_size=args.batch_size, compile=args.compile, bf16=not args.fp32,
                    channels_last=not args.contiguous)
    if args.smoke:
        x, y, xt, yt = x[:2048], y[:2048], xt[:1000], yt[:1000]
        recipe = dataclasses.replace(recipe, epochs=2, width=8)
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    print(f"machine: {os.cpu_count()} CPUs, {gpu}; torch {torch.__version__}; data loaded in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    if torch.device(args.device).type == "cuda":
        torch.backends.cudnn.benchmark = True
    result = speedrun(x, y, xt, yt, device=args.device, recipe=recipe,
                      log=lambda line: print(line, flush=True))
    record = dataclasses.asdict(result)
    record["gpu"] = gpu
    print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
