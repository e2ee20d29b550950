"""How big a model is: its parameters, and the multiply-adds of one forward pass."""
from __future__ import annotations

import torch
from torch import nn

from .sides import objects_allowed, on_student_objects

__all__ = ["count_parameters", "count_macs"]


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters (weights and biases)."""
    with objects_allowed():   # graded: the model lives in the student's kernel; its parameters are handles
        return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_macs(model: nn.Module, input_shape=(1, 3, 32, 32)) -> int:
    """Multiply-adds of Conv2d and Linear layers for one input of *input_shape* (batch 1).

    A Conv2d layer costs (output elements) x (in_channels / groups) x kH x kW; a Linear
    layer (output elements) x in_features.  Other layers are cheap by comparison.
    """
    total = 0

    def hook(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            total += output.numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Linear):
            total += output.numel() * module.in_features

    hook = on_student_objects(hook)   # under grading, the model may live in the student's kernel
    with objects_allowed():           # (its layers are objects the test reads, not answers)
        handles = [m.register_forward_hook(hook) for m in model.modules()
                   if isinstance(m, (nn.Conv2d, nn.Linear))]
    was_training = model.training
    try:
        model.eval()
        with objects_allowed():
            device = next((p.device for p in model.parameters()), torch.device("cpu"))
        with torch.no_grad():
            model(torch.zeros(input_shape, device=device))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return total // input_shape[0]
