"""Time one training step of 08's reference SimpleCNN on the CPU: float32 against bfloat16 autocast, with and
without the channels_last layout (optionally torch.compile).

One step = forward, label-smoothed cross-entropy, backward and an SGD step on a batch of 256 random images, as in
08's training cell (an epoch is 176 such steps). Prints milliseconds per step and the epoch this implies.

    python benchmarks/bench_08_step.py [--steps 25] [--compile]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch
import torch.nn as nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_08_recipes import reference_cnn  # noqa: E402
from course.devices import bfloat16_autocast, bfloat16_is_fast  # noqa: E402

STEPS_PER_EPOCH = 176   # 45 000 images in batches of 256


def ms_per_step(bf16: bool, channels_last: bool, compile_: bool, steps: int) -> tuple[float, float]:
    """(milliseconds per step, seconds of warm-up including any compiling)."""
    torch.manual_seed(0)
    model = reference_cnn()()
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    x = torch.randn(256, 3, 32, 32).contiguous(memory_format=fmt)
    y = torch.randint(0, 10, (256,))
    net = torch.compile(model) if compile_ else model
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-3)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)

    def step():
        loss = loss_fn(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    with bfloat16_autocast("cpu", enabled=bf16):
        start = time.perf_counter()
        for _ in range(3):
            step()
        warm = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(steps):
            step()
    return (time.perf_counter() - start) / steps * 1000, warm


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=25)
    p.add_argument("--compile", action="store_true", help="also time torch.compile (inductor)")
    args = p.parse_args(argv)
    from course.env import cpu_name

    print(f"{cpu_name()}, torch {torch.__version__}, {torch.get_num_threads()} threads; "
          f"bfloat16_is_fast: {bfloat16_is_fast('cpu')}")
    for compile_ in (False, True) if args.compile else (False,):
        for bf16 in (False, True):
            for cl in (True, False):
                ms, warm = ms_per_step(bf16, cl, compile_, args.steps)
                name = (f"{'bfloat16' if bf16 else 'float32':8s} {'channels_last' if cl else 'contiguous':13s}"
                        f"{' compiled' if compile_ else ''}")
                print(f"{name:32s} {ms:6.1f} ms per step, {ms * STEPS_PER_EPOCH / 1000:5.1f} s per epoch "
                      f"(warm-up {warm:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
