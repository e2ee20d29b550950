"""Devices: what PyTorch sees (CUDA, MPS, CPU), whether bfloat16 is fast there, timing that waits for the GPU,
and 08b's small network.

    from course.devices import bfloat16_autocast, describe_torch_devices, timed
    print(describe_torch_devices())
    with bfloat16_autocast(device):                # bfloat16 where the device is fast at it, else float32
        ...                                        # many training steps
    seconds = timed(lambda: model(x), device)      # synchronises a CUDA device before and after
"""
from __future__ import annotations

import time
from contextlib import nullcontext

import torch

__all__ = ["bfloat16_autocast", "bfloat16_is_fast", "describe_torch_devices", "timed", "tiny_net"]


def describe_torch_devices() -> str:
    """torch's build (CUDA, cuDNN versions) and, for each CUDA GPU, its name, compute capability and memory."""
    cuda = torch.version.cuda
    lines = [f"torch {torch.__version__}: " + (f"built with CUDA {cuda}, cuDNN {torch.backends.cudnn.version()}"
                                               if cuda else "a CPU-only build (no CUDA)")]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            p = torch.cuda.get_device_properties(i)
            free, total = torch.cuda.mem_get_info(i)
            lines.append(f"cuda:{i}: {p.name}, compute capability {p.major}.{p.minor}, {p.multi_processor_count} "
                         f"multiprocessors, {total / 2**30:.1f} GiB memory ({free / 2**30:.1f} GiB free)")
    else:
        why = ("torch has CUDA but finds no usable GPU (no NVIDIA GPU, or its driver is missing or too old)"
               if cuda else "this torch cannot use an NVIDIA GPU")
        lines.append(f"torch.cuda.is_available() is False: {why}")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        lines.append("mps: Apple-silicon GPU available")
    return "\n".join(lines)


def bfloat16_is_fast(device) -> bool:
    """Whether *device* multiplies bfloat16 numbers in hardware, so that ``torch.autocast`` to bfloat16 makes
    training faster: NVIDIA GPUs from Ampere on (compute capability 8.0), and x86 CPUs with the AVX512-BF16 or
    AMX instructions (AMD EPYC from Zen 4, Intel Xeon from Cooper Lake / Sapphire Rapids). Elsewhere bfloat16
    is emulated and slower than float32: False."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.get_device_capability(device)[0] >= 8
    if device.type != "cpu":
        return False
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")     # torch.cpu's (private) CPUID checks
    try:
        return any(getattr(torch.cpu, name, lambda: False)() for name in probes)
    except Exception:  # noqa: BLE001 - an unknown CPU or torch build: assume no
        return False


def bfloat16_autocast(device, enabled: bool | None = None):
    """``torch.autocast`` to bfloat16 on *device* for a block of **many** training steps (08 wraps each epoch).

    *enabled*: default ``bfloat16_is_fast(device)``; when False the block changes nothing (float32).
    ``cache_enabled=False`` matters: autocast keeps its bfloat16 copy of each weight until the outermost
    autocast block ends. That is right for one forward pass, but here ``optimizer.step()`` changes the float32
    weights many times inside the block, and the cached copies would stay those of the first step: the network
    would not learn. Without the cache each forward pass casts the current weights (a negligible cost)."""
    device = torch.device(device)
    on = bfloat16_is_fast(device) if enabled is None else enabled
    if not on and not torch.amp.is_autocast_available(device.type):
        return nullcontext()             # torch.autocast refuses such a device (meta, say) even when disabled
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=on, cache_enabled=False)


def _sync(device) -> None:
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def timed(fn, device, repeat: int = 1) -> float:
    """Seconds per call of *fn* (mean of *repeat* calls). A GPU runs work asynchronously: without the
    synchronisations a timer measures only how long it took to queue the work."""
    _sync(device)
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    _sync(device)
    return (time.perf_counter() - start) / repeat


def tiny_net(nn=torch.nn):
    """08b's small network (the one in gpu_checkpoint.pt): conv -> batch norm -> ReLU -> global average
    -> linear, 3×32×32 images to 10 logits. *nn*: the ``torch.nn`` module to build it with."""
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))
