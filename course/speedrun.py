"""A CIFAR-10 speed-run for one GPU: a residual network trained in well under a minute.

The recipe follows David Page's "How to train your ResNet" (the ResNet-9 of the DAWNBench entries):

* the whole training set lives on the GPU as uint8 (150 MB); crops, flips and a cutout square are
  drawn for a whole batch at once there, so no CPU data loader can hold the GPU back;
* a 9-layer residual network, prep -> (conv, pool, residual) -> (conv, pool) -> (conv, pool, residual),
  about 6.6 million parameters;
* batches of 512, SGD with Nesterov momentum, a learning rate that climbs linearly to its peak and falls
  linearly to 0, label smoothing, weight decay;
* bf16 autocast (mixed precision) and the channels_last layout (tensor cores), optionally torch.compile;
* test-time augmentation: each test image is scored as it is and mirrored, and the logits are averaged.

    from course.speedrun import speedrun
    result = speedrun(train_images, train_labels, test_images, test_labels, device="cuda")

It runs on a CPU as well (``width`` shrinks the network for tests), but it is sized for a GPU.
"""
from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .cifar_fast import as_uint8_chw, normalize, random_crop_flip

__all__ = ["ResNet9", "Recipe", "speedrun", "cutout", "evaluate_tta"]


def conv_bn(c_in: int, c_out: int, pool: bool = False) -> nn.Sequential:
    """3×3 convolution -> batch norm -> ReLU (-> 2×2 max pooling)."""
    layers = [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]
    return nn.Sequential(*layers, *([nn.MaxPool2d(2)] if pool else []))


class Residual(nn.Module):
    """x + f(x), with f two conv_bn blocks of the same width."""

    def __init__(self, channels: int):
        super().__init__()
        self.f = nn.Sequential(conv_bn(channels, channels), conv_bn(channels, channels))

    def forward(self, x):
        return x + self.f(x)


class ResNet9(nn.Module):
    """Page's ResNet-9: widths w, 2w, 4w, 8w (w = 64 by default); logits scaled by 1/8."""

    def __init__(self, width: int = 64, classes: int = 10):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            conv_bn(3, w),                                           # 32×32
            conv_bn(w, 2 * w, pool=True), Residual(2 * w),            # 16×16
            conv_bn(2 * w, 4 * w, pool=True),                         # 8×8
            conv_bn(4 * w, 8 * w, pool=True), Residual(8 * w),        # 4×4
            nn.AdaptiveMaxPool2d(1), nn.Flatten(),
            nn.Linear(8 * w, classes, bias=False))

    def forward(self, x):
        return self.net(x) * 0.125


def cutout(batch: torch.Tensor, size: int = 8, generator: torch.Generator | None = None) -> torch.Tensor:
    """Zero a random size×size square (clipped at the border) of each image of a (B, C, H, W) batch."""
    b, _, h, w = batch.shape
    dev = batch.device
    top = torch.randint(0, h, (b,), generator=generator).to(dev)[:, None, None, None] - size // 2
    left = torch.randint(0, w, (b,), generator=generator).to(dev)[:, None, None, None] - size // 2
    ys = torch.arange(h, device=dev)[None, None, :, None]
    xs = torch.arange(w, device=dev)[None, None, None, :]
    inside = (ys >= top) & (ys < top + size) & (xs >= left) & (xs < left + size)
    return batch.masked_fill(inside, 0)


@dataclass
class Recipe:
    epochs: int = 16
    batch_size: int = 512
    peak_lr: float = 0.4
    warmup_epochs: float = 4.0
    momentum: float = 0.9
    weight_decay: float = 5e-4
    label_smoothing: float = 0.2
    cutout: int = 8                       # 0: no cutout
    width: int = 64
    bf16: bool = True                     # autocast to bfloat16 (CUDA only)
    channels_last: bool = True
    compile: bool = False                 # torch.compile the model (the first epoch then includes compiling)
    tta: bool = True                      # average the logits of each test image and its mirror image
    seed: int = 0


@dataclass
class Result:
    recipe: Recipe
    device: str
    epoch_seconds: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_seconds: float = 0.0            # training only: the sum of epoch_seconds
    test_accuracy: float = 0.0            # with TTA when the recipe asks for it
    test_accuracy_plain: float = 0.0      # without TTA
    parameters: int = 0


def _autocast(device: torch.device, recipe: Recipe):
    if recipe.bf16 and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


def _sync(device: torch.device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def evaluate_tta(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, device: torch.device,
                 recipe: Recipe, batch_size: int = 1000) -> tuple[float, float]:
    """(accuracy with TTA, accuracy without) of *model* on uint8 (N, 3, H, W) *images* held on *device*."""
    model.eval()
    plain = tta = 0
    with torch.no_grad(), _autocast(device, recipe):
        for i in range(0, len(images), batch_size):
            x = normalize(images[i:i + batch_size])
            if recipe.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            y = labels[i:i + batch_size]
            logits = model(x).float()
            plain += int((logits.argmax(1) == y).sum())
            logits = logits + model(x.flip(-1)).float()
            tta += int((logits.argmax(1) == y).sum())
    model.train()
    return tta / len(images), plain / len(images)


def speedrun(train_images, train_labels, test_images, test_labels, device="cuda", recipe: Recipe | None = None,
             log=print) -> Result:
    """Train ResNet9 on *train_images* with *recipe*, then score it once on the test images.

    The images are uint8 (N, 32, 32, 3) arrays as the course's loaders return them. The test images are used
    only after training, for the one final score.
    """
    recipe = recipe or Recipe()
    device = torch.device(device)
    torch.manual_seed(recipe.seed)
    gen = torch.Generator().manual_seed(recipe.seed)
    x_train = as_uint8_chw(train_images).to(device)
    y_train = torch.as_tensor(np.asarray(train_labels), dtype=torch.int64).to(device)
    x_test = as_uint8_chw(test_images).to(device)
    y_test = torch.as_tensor(np.asarray(test_labels), dtype=torch.int64).to(device)

    model = ResNet9(recipe.width).to(device)
    if recipe.channels_last:
        model = model.to(memory_format=torch.channels_last)
    result = Result(recipe, str(device), parameters=sum(p.numel() for p in model.parameters()))
    step_model = torch.compile(model) if recipe.compile else model

    steps_per_epoch = len(x_train) // recipe.batch_size           # drop the last partial batch
    total = recipe.epochs * steps_per_epoch
    warm = recipe.warmup_epochs * steps_per_epoch
    optimizer = torch.optim.SGD(model.parameters(), lr=recipe.peak_lr, momentum=recipe.momentum, nesterov=True,
                                weight_decay=recipe.weight_decay)
    # linear up to the peak, then linear down to 0 (a factor of the peak, per step)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: s / warm if s < warm else max(0.0, (total - s) / (total - warm)))
    loss_fn = nn.CrossEntropyLoss(label_smoothing=recipe.label_smoothing)

    for epoch in range(1, recipe.epochs + 1):
        _sync(device)
        start = time.perf_counter()
        order = torch.randperm(len(x_train), generator=gen).to(device)
        losses = []
        for i in range(steps_per_epoch):
            idx = order[i * recipe.batch_size:(i + 1) * recipe.batch_size]
            x = random_crop_flip(x_train[idx], generator=gen)
            if recipe.cutout:
                x = cutout(x, recipe.cutout, generator=gen)
            x = normalize(x)
            if recipe.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with _autocast(device, recipe):
                loss = loss_fn(step_model(x).float(), y_train[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(loss.detach())
        _sync(device)
        seconds = time.perf_counter() - start
        result.epoch_seconds.append(seconds)
        result.train_loss.append(float(torch.stack(losses).mean()))
        log(f"epoch {epoch:>2}: loss {result.train_loss[-1]:.4f}, {seconds:6.2f} s")
    result.train_seconds = sum(result.epoch_seconds)
    tta, plain = evaluate_tta(step_model, x_test, y_test, device, recipe)
    result.test_accuracy, result.test_accuracy_plain = (tta if recipe.tta else plain), plain
    log(f"trained {recipe.epochs} epochs in {result.train_seconds:.1f} s; test accuracy "
        f"{result.test_accuracy:.2%}" + (f" (with flip TTA; without: {plain:.2%})" if recipe.tta else ""))
    return result
