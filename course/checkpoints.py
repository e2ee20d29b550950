"""Loading a submitted model checkpoint safely, and the partial credit it earns.

A checkpoint here is a ``state_dict`` saved with ``torch.save``.  Loading one that a
student submitted must never crash a grading batch, so :func:`load_checkpoint`

* refuses a missing file, or one over ``max_mb``, before reading it;
* reads tensors only (``weights_only=True``): no pickled code runs;
* maps every tensor to the CPU (``map_location="cpu"``), so a checkpoint saved on a
  GPU loads on a machine without one;
* turns every failure (corrupt file, a pickled model object, a state_dict of another
  architecture) into a :class:`CheckpointError` whose message says what to do.

    model = load_checkpoint(SimpleCNN(), "cifar10_cnn.pt", max_mb=20)
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import torch

__all__ = ["CheckpointError", "load_checkpoint", "read_state_dict", "partial_credit"]

#: Keys under which a checkpoint dict commonly nests the model's state_dict.
NESTED_KEYS = ("model_state_dict", "state_dict", "model")


class CheckpointError(Exception):
    """A checkpoint that cannot be used; the message is written for the student."""


def read_state_dict(path, max_mb: float = 20) -> dict:
    """The state_dict stored in *path*, every tensor on the CPU."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"no checkpoint file {path.name!r} in {path.resolve().parent}.\n"
            f"  fix: run the training cell (not in grading mode) so it saves the best model there, "
            f"and submit {path.name} next to the notebook.")
    size_mb = os.path.getsize(path) / 2**20
    if size_mb > max_mb:
        raise CheckpointError(
            f"{path.name} is {size_mb:.1f} MB; a checkpoint may be at most {max_mb:g} MB.\n"
            f"  fix: save only model.state_dict() (no optimizer, no data), for a model "
            f"within the parameter budget.")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - corrupt files raise many kinds of errors
        pickled = re.search(r"Unsupported global: GLOBAL (\S+)", str(exc))
        if pickled:
            raise CheckpointError(
                f"{path.name} holds a pickled object ({pickled.group(1)}), not a state_dict; it is not "
                f"loaded, because unpickling runs code.\n  fix: save the parameters with "
                f"torch.save(model.state_dict(), path), not the model object.") from None
        raise CheckpointError(f"{path.name} could not be read ({type(exc).__name__}).\n"
                              f"  fix: the file is damaged or not a torch.save file: save it again "
                              f"with torch.save(model.state_dict(), path).") from None
    if isinstance(obj, dict):
        for key in NESTED_KEYS:
            if isinstance(obj.get(key), dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict) or not obj or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items()):
        raise CheckpointError(
            f"{path.name} does not hold a state_dict (a dict of parameter name -> tensor); "
            f"it holds {type(obj).__name__}.\n  fix: save it with torch.save(model.state_dict(), path).")
    return obj


def _mismatch(model: torch.nn.Module, state: dict) -> str:
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [f"{k}: checkpoint {tuple(state[k].shape)}, model {tuple(own[k].shape)}"
              for k in own if k in state and state[k].shape != own[k].shape]
    parts = []
    for label, items in (("missing in the checkpoint", missing),
                         ("not in the model", unexpected), ("different shapes", shapes)):
        if items:
            more = f", ... ({len(items)} in all)" if len(items) > 4 else ""
            parts.append(f"{label}: {', '.join(items[:4])}{more}")
    return "; ".join(parts)


def load_checkpoint(model: torch.nn.Module, path, max_mb: float = 20) -> torch.nn.Module:
    """Load the checkpoint at *path* into *model* (on the CPU, in eval mode) and return it."""
    state = read_state_dict(path, max_mb=max_mb)
    problem = _mismatch(model, state)
    if problem:
        raise CheckpointError(
            f"{Path(path).name} does not fit this {model.__class__.__name__}: {problem}.\n"
            f"  fix: the checkpoint must come from the same class definition; train again after "
            f"changing the model, and save model.state_dict().")
    model.cpu()
    try:
        model.load_state_dict(state)
    except Exception as exc:  # noqa: BLE001
        raise CheckpointError(f"{Path(path).name} could not be loaded into {model.__class__.__name__}: "
                              f"{str(exc).splitlines()[0][:300]}") from None
    return model.eval()


def partial_credit(accuracy: float, points: float, full_at: float = 0.70,
                   zero_at: float = 0.30) -> float:
    """Points for a test accuracy: 0 up to *zero_at*, linear, all *points* from *full_at* on."""
    fraction = (accuracy - zero_at) / (full_at - zero_at)
    return round(points * min(1.0, max(0.0, fraction)), 2)
