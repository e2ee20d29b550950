"""Compare variants of 08's training recipe by test accuracy (one seeded run each).

Trains 08's reference SimpleCNN (taken from the source notebook's solution cell) with the notebook's split
(45 000 / 5 000), loader, optimiser and OneCycleLR schedule, keeps the best validation epoch, and scores it once
on the 10 000 test images. Variants change one ingredient at a time. Meant for a GPU, where a run takes seconds
(the batches are augmented on the device); accuracy, not speed, is what it reports. On a CPU (channels_last, and
the -bf variants in bfloat16 like 08's cell) a 32-epoch run takes about 8 minutes with 2 threads, 15 with one. The notebook's own timing on
the 2-core CPU is benchmarks/bench_08_cifar10.py's job.

    python benchmarks/bench_08_recipes.py --list
    python benchmarks/bench_08_recipes.py --variant ref-15 --variant res-24-ls-bs512 [--device cuda]
    python benchmarks/bench_08_recipes.py --variant ref-32-ls-wd1-bf --device cpu --threads 1   # 08's recipe
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.cifar_fast import as_uint8_chw, normalize, random_crop_flip  # noqa: E402
from course.devices import bfloat16_autocast  # noqa: E402

NOTEBOOK = ROOT / "source" / "08_cnn_cifar10" / "08_cnn_cifar10.ipynb"


def reference_cnn():
    """The SimpleCNN class of the source notebook's solution cell."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    code = "".join(next(c for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "simple_cnn")["source"])
    scope = {"torch": torch, "nn": nn}
    exec(code, scope)  # noqa: S102 - the course's own notebook
    return scope["SimpleCNN"]


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.f = nn.Sequential(nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True))

    def forward(self, x):
        return x + self.f(x)


#: which of the reference's 4 blocks get one more 3×3 convolution as a residual after them (same width)
ARCHS = {"ref": (), "res": (3,), "res2": (2, 3), "res4": (4,), "res34": (3, 4)}
WIDTHS = (32, 64, 128, 256)
EXAMPLES = ["ref-15", "ref-24-ls", "res-24-ls", "res2-24-ls", "res4-24-ls-bs512"]


def with_residuals(SimpleCNN, after):
    def make():
        m = SimpleCNN()
        layers = []
        for i, block in enumerate(m.features, start=1):
            layers.append(block)
            if i in after:
                layers.append(ResBlock(WIDTHS[i - 1]))
        m.features = nn.Sequential(*layers)
        return m
    return make


def parse(name):
    """'ARCH-EPOCHS[-ls|-ls2][-lr2][-bs512][-wd1][-bf][-sN]' -> settings (ARCH: ref, res, res2, res4, res34; ls:
    label smoothing 0.1, ls2: 0.2; lr2: max lr 0.2 instead of 0.1; bs512: batches of 512; wd1: weight decay 1e-3
    instead of 5e-4; bf: bfloat16 autocast for the training steps; sN: seed N instead of 0)."""
    arch, epochs, *opts = name.split("-")
    cfg = {"arch": arch, "epochs": int(epochs), "smoothing": 0.0, "max_lr": 0.1, "batch": 256, "wd": 5e-4,
           "bf16": False}
    table = {"ls": ("smoothing", 0.1), "ls2": ("smoothing", 0.2), "lr2": ("max_lr", 0.2), "bs512": ("batch", 512),
             "wd1": ("wd", 1e-3), "bf": ("bf16", True)}
    cfg["seed"] = int(next((o[1:] for o in opts if o[:1] == "s" and o[1:].isdigit()), 0))
    opts = [o for o in opts if not (o[:1] == "s" and o[1:].isdigit())]
    if arch not in ARCHS or any(o not in table for o in opts):
        raise SystemExit(f"unknown variant {name!r}: {parse.__doc__}")
    cfg.update(dict(table[o] for o in opts))
    return cfg


def batches(x, y, batch_size, gen, augment):
    order = torch.randperm(len(x), generator=gen).to(x.device) if augment else torch.arange(len(x), device=x.device)
    for i in range(0, len(x), batch_size):
        idx = order[i:i + batch_size]
        xb = random_crop_flip(x[idx], generator=gen) if augment else x[idx]
        xb = normalize(xb)
        yield (xb.contiguous(memory_format=torch.channels_last) if xb.device.type == "cpu" else xb), y[idx]


def accuracy(model, x, y, tta=False):
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in batches(x, y, 1000, None, False):
            logits = model(xb)
            if tta:
                logits = logits + model(xb.flip(-1))
            correct += int((logits.argmax(1) == yb).sum())
    model.train()
    return correct / len(x)


def run(name, device, smoke=False):
    from course.datasets import load_cifar10_arrays

    cfg = parse(name)
    epochs, smoothing, batch = cfg["epochs"], cfg["smoothing"], cfg["batch"]
    make = with_residuals(reference_cnn(), ARCHS[cfg["arch"]])
    images, labels = load_cifar10_arrays(train=True, show_progress=False)
    test_images, test_labels = load_cifar10_arrays(train=False, show_progress=False)
    split = torch.utils.data.random_split(range(50_000), [45_000, 5_000], generator=torch.Generator().manual_seed(0))
    tr, va = np.array(split[0].indices), np.array(split[1].indices)
    if smoke:                                    # a quick check that the script works: tiny data, 1 epoch
        tr, va, test_images, test_labels, epochs = tr[:1024], va[:512], test_images[:1000], test_labels[:1000], 1
    put = lambda a: as_uint8_chw(a).to(device)                       # noqa: E731
    lab = lambda a: torch.as_tensor(a, dtype=torch.int64).to(device)  # noqa: E731
    x_tr, y_tr, x_va, y_va = put(images[tr]), lab(labels[tr]), put(images[va]), lab(labels[va])
    x_te, y_te = put(test_images), lab(test_labels)

    torch.manual_seed(cfg["seed"])
    gen = torch.Generator().manual_seed(cfg["seed"])
    model = make().to(device)
    if device.type == "cpu":
        model = model.to(memory_format=torch.channels_last)
    steps = -(-len(x_tr) // batch)
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg["max_lr"], momentum=0.9, nesterov=True,
                                weight_decay=cfg["wd"])
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=cfg["max_lr"], epochs=epochs,
                                                    steps_per_epoch=steps)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=smoothing)
    best, best_state, start = -1.0, None, time.perf_counter()
    for epoch in range(epochs):
        for xb, yb in batches(x_tr, y_tr, batch, gen, True):
            with bfloat16_autocast(device, enabled=cfg["bf16"]):
                loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
        val = accuracy(model, x_va, y_va)
        if device.type == "cpu":
            print(f"  {name} epoch {epoch + 1}: validation {val:.2%}, {time.perf_counter() - start:.0f} s", flush=True)
        if val > best:
            best, best_state = val, {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    out = {"variant": name, **cfg,
           "parameters": sum(p.numel() for p in model.parameters()), "best_val": best,
           "test": accuracy(model, x_te, y_te), "test_flip_tta": accuracy(model, x_te, y_te, tta=True),
           "seconds": round(time.perf_counter() - start, 1), "device": str(device)}
    print(json.dumps(out), flush=True)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--variant", action="append", help=parse.__doc__)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--list", action="store_true")
    p.add_argument("--threads", type=int, help="torch.set_num_threads (CPU runs)")
    p.add_argument("--smoke", action="store_true", help="1 epoch on 1 024 images: checks the script only")
    args = p.parse_args(argv)
    if args.list or not args.variant:
        print(parse.__doc__, "\nexamples:", " ".join(EXAMPLES))
        return 0
    if args.threads:
        torch.set_num_threads(args.threads)
    for name in args.variant:
        run(name, torch.device(args.device), args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
