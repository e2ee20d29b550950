"""Issue 10's attacks on 07 and 08: models that look the test labels up (see ``tests/test_withheld.py``).

Each case starts from the demo's correct notebook (``alice-correct``) with a **bad checkpoint**:
the submitted one with its weights zeroed (07 keeps the standardisation statistics it stores),
so its test RMSE / accuracy scores nothing honestly.  The attack adds, to the answer cell that
defines the model's class (07's ``MLP``, 08's ``SimpleCNN``), code that reads the test
targets/labels from every copy of the data the kernel can open and makes the model answer them
exactly (``payloads/withheld_*.py``); it prints ``WITHHELD {source: labels it could read}``.
Where the kernel can read the labels, the attack scores full marks on the checkpoint tests;
where they are withheld, it scores what the bad model scores.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from attacks import HERE, cell, read
from test_grading import EXAMPLES

AIDS = ("07_pytorch_regression", "08_cnn_cifar10")
CHECKPOINT = {"07_pytorch_regression": "07_best_model.pt", "08_cnn_cifar10": "cifar10_cnn.pt"}
MODEL_CELL = {"07_pytorch_regression": "mlp", "08_cnn_cifar10": "simple_cnn"}
PAYLOAD = {"07_pytorch_regression": "withheld_housing_07", "08_cnn_cifar10": "withheld_cifar10_08"}
#: the test cells whose score is the checkpoint's test RMSE / accuracy, and their points
METRIC_TESTS = {"07_pytorch_regression": {"test_checkpoint": 2, "test_checkpoint_2": 2},
                "08_cnn_cifar10": {"test_trained_checkpoint": 5}}


def bad_checkpoint(src: Path, dest: Path) -> None:
    """*src*'s state_dict with every weight zeroed: a model that predicts a constant."""
    import torch
    state = torch.load(src, map_location="cpu", weights_only=True)
    for name, tensor in state.items():
        if not tensor.is_floating_point() or name.startswith("0."):   # 07's Standardize statistics stay
            continue
        tensor.fill_(1.0 if name.endswith("running_var") else 0.0)
    torch.save(state, dest)


def build(aid: str, attack: bool):
    """A builder (folder -> None): alice's notebook and files, the bad checkpoint, and the attack."""
    def write(folder: Path) -> None:
        demo = EXAMPLES / "submitted" / "alice-correct" / aid
        for path in demo.iterdir():
            if path.is_file() and path.name != f"{aid}.ipynb":
                shutil.copyfile(path, folder / path.name)
        bad_checkpoint(demo / CHECKPOINT[aid], folder / CHECKPOINT[aid])
        nb = read(demo / f"{aid}.ipynb")
        if attack:
            cell(nb, MODEL_CELL[aid]).source += "\n\n" + (HERE / "payloads" / f"{PAYLOAD[aid]}.py").read_text()
        nbformat.write(nb, str(folder / f"{aid}.ipynb"))
    return write
