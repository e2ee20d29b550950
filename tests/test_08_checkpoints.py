"""08_cnn_cifar10: loading submitted checkpoints never crashes grading; the fast CIFAR-10 helpers.

A checkpoint saved on a GPU has its storages tagged "cuda:0"; no GPU is needed to make one:
for the duration of torch.save, a location tagger registered ahead of the CPU's tags every
storage as CUDA.  Loading such a file without map_location fails on a CPU-only machine;
course.checkpoints.load_checkpoint (what the notebook and its graded cell use) must load it.
"""
import contextlib
import shutil

import numpy as np
import pytest
import torch
from torch import nn

from course.checkpoints import CheckpointError, load_checkpoint, partial_credit, read_state_dict
from course.cifar_fast import (CifarTensorLoader, MEAN, STD, normalize, per_batch, random_crop_flip,
                               use_channels_last)
from course.config import ROOT
from course.model_stats import count_macs, count_parameters

AID = "08_cnn_cifar10"
CHECKPOINT = "cifar10_cnn.pt"


def small_net(width: int = 4) -> nn.Module:
    torch.manual_seed(width)
    return nn.Sequential(nn.Conv2d(3, width, 3, padding=1), nn.BatchNorm2d(width), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(width * 16 * 16, 10))


def trained_state(model: nn.Module) -> dict:
    """A state_dict whose values (batch-norm statistics included) differ from a fresh model's."""
    model.train()
    with torch.no_grad():
        model(torch.randn(8, 3, 32, 32))
        for p in model.parameters():
            p.add_(0.5)
    return model.state_dict()


@contextlib.contextmanager
def storages_tagged_cuda():
    """torch.save writes every storage as if it lived on cuda:0."""
    registry = torch.serialization._package_registry
    entry = (0, lambda storage: "cuda:0", lambda storage, location: None)
    registry.insert(0, entry)
    try:
        yield
    finally:
        registry.remove(entry)


def save_as_if_on_gpu(state: dict, path) -> None:
    with storages_tagged_cuda():
        torch.save(state, path)


# -- the CUDA-tagged checkpoint ---------------------------------------------------

@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_a_gpu_checkpoint_needs_map_location(tmp_path):
    path = tmp_path / CHECKPOINT
    save_as_if_on_gpu(trained_state(small_net()), path)
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.load(path, weights_only=True)  # proves the file really is tagged cuda


def test_load_checkpoint_maps_a_gpu_checkpoint_to_the_cpu(tmp_path):
    path = tmp_path / CHECKPOINT
    state = {k: v.clone() for k, v in trained_state(small_net()).items()}
    save_as_if_on_gpu(state, path)
    model = load_checkpoint(small_net(), path)
    assert not model.training
    for k, v in model.state_dict().items():
        assert v.device.type == "cpu"
        assert torch.equal(v, state[k]), k


def test_state_dict_nested_in_a_training_dict_is_accepted(tmp_path):
    path = tmp_path / CHECKPOINT
    state = trained_state(small_net())
    torch.save({"epoch": 7, "model_state_dict": state, "val_acc": 0.8}, path)
    model = load_checkpoint(small_net(), path)
    assert torch.equal(model.state_dict()["0.weight"], state["0.weight"])


# -- checkpoints that must fail with a clear message, quickly --------------------

def test_missing_file(tmp_path):
    with pytest.raises(CheckpointError, match="(?s)no checkpoint file 'cifar10_cnn.pt'.*training cell"):
        load_checkpoint(small_net(), tmp_path / CHECKPOINT)


def test_wrong_architecture_names_the_mismatch(tmp_path):
    path = tmp_path / CHECKPOINT
    torch.save(small_net(width=8).state_dict(), path)
    with pytest.raises(CheckpointError, match=r"does not fit this Sequential: different shapes: 0\.weight"):
        load_checkpoint(small_net(width=4), path)
    torch.save({"fc.weight": torch.zeros(10, 3)}, path)
    with pytest.raises(CheckpointError, match="(?s)missing in the checkpoint.*not in the model: fc.weight"):
        load_checkpoint(small_net(), path)


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / CHECKPOINT
    with open(path, "wb") as f:          # a sparse 3 GB file: no disk used, never read
        f.truncate(3 * 2**30)
    with pytest.raises(CheckpointError, match=r"3072\.0 MB; a checkpoint may be at most 20 MB"):
        load_checkpoint(small_net(), path, max_mb=20)


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "empty", "text"])
def test_corrupt_file(tmp_path, damage):
    path = tmp_path / CHECKPOINT
    torch.save(small_net().state_dict(), path)
    data = path.read_bytes()
    path.write_bytes({"random bytes": np.random.default_rng(0).bytes(5000), "truncated": data[:len(data) // 2],
                      "empty": b"", "text": b"not a checkpoint\n"}[damage])
    with pytest.raises(CheckpointError, match="(?s)could not be read.*damaged or not a torch.save file"):
        load_checkpoint(small_net(), path)


def test_pickled_model_object_is_refused_without_running_it(tmp_path):
    path = tmp_path / CHECKPOINT
    torch.save(small_net(), path)          # the whole module: loading it would run pickled code
    with pytest.raises(CheckpointError, match=r"(?s)pickled object \(torch.nn.modules.container.Sequential\).*not the model object"):
        load_checkpoint(small_net(), path)


@pytest.mark.parametrize("content", [[torch.zeros(3)], {}, {"w": 3}, torch.zeros(3)])
def test_not_a_state_dict(tmp_path, content):
    path = tmp_path / CHECKPOINT
    torch.save(content, path)
    with pytest.raises(CheckpointError, match="does not hold a state_dict"):
        read_state_dict(path)


def test_partial_credit():
    assert partial_credit(0.85, 5) == 5
    assert partial_credit(0.70, 5) == 5
    assert partial_credit(0.50, 5) == 2.5
    assert partial_credit(0.30, 5) == 0
    assert partial_credit(0.10, 5) == 0


# -- the fast data path does what the torchvision transforms do -----------------

def test_normalize_matches_totensor_and_normalize():
    from PIL import Image
    from torchvision import transforms
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(4, 32, 32, 3), dtype=np.uint8)
    pipeline = transforms.Compose([transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
    want = torch.stack([pipeline(Image.fromarray(im)) for im in images])
    got = normalize(torch.as_tensor(images).permute(0, 3, 1, 2))
    assert torch.allclose(got, want, atol=1e-5)


def test_random_crop_flip_is_a_crop_of_the_zero_padded_image():
    rng = np.random.default_rng(1)
    batch = torch.as_tensor(rng.integers(1, 256, size=(64, 3, 32, 32), dtype=np.uint8))
    out = random_crop_flip(batch, padding=4, generator=torch.Generator().manual_seed(0))
    assert out.shape == batch.shape and out.dtype == torch.uint8
    padded = torch.nn.functional.pad(batch, (4, 4, 4, 4))
    flips, offsets = 0, set()
    for i in range(len(batch)):
        found = [(dy, dx, f) for dy in range(9) for dx in range(9) for f in (False, True)
                 if torch.equal(out[i], (lambda c: c.flip(-1) if f else c)(padded[i, :, dy:dy + 32, dx:dx + 32]))]
        assert found, f"image {i} is not a (flipped) crop of its padded original"
        flips += found[0][2]
        offsets.add(found[0][:2])
    assert 16 < flips < 48 and len(offsets) > 20   # about half flipped, many different offsets


def test_loader_batches_and_epochs_differ():
    rng = np.random.default_rng(2)
    images = rng.integers(0, 256, size=(100, 32, 32, 3), dtype=np.uint8)
    loader = CifarTensorLoader(images, np.arange(100) % 10, batch_size=32, shuffle=True, augment=True)
    batches = list(loader)
    assert len(loader) == len(batches) == 4 and len(loader.dataset) == 100
    assert [len(y) for _, y in batches] == [32, 32, 32, 4]
    assert batches[0][0].dtype == torch.float32 and batches[0][0].shape == (32, 3, 32, 32)
    assert sorted(torch.cat([y for _, y in batches]).tolist()) == sorted((np.arange(100) % 10).tolist())
    assert not torch.equal(batches[0][1], next(iter(loader))[1])   # a new order each epoch
    plain = CifarTensorLoader(images, np.zeros(100), batch_size=100)
    assert torch.allclose(next(iter(plain))[0], normalize(torch.as_tensor(images).permute(0, 3, 1, 2)))


def test_per_batch_steps_the_scheduler_after_each_batch():
    model = nn.Linear(2, 2)
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 1.0 / (step + 1))
    loader = [(torch.zeros(1, 2), torch.zeros(1))] * 5
    seen = []
    wrapped = per_batch(loader, sched)
    assert len(wrapped) == 5
    for _ in wrapped:
        opt.step()
        seen.append(opt.param_groups[0]["lr"])
    assert seen == [1.0, 1 / 2, 1 / 3, 1 / 4, 1 / 5] and sched.last_epoch == 5


def test_channels_last_only_where_the_forward_allows_it():
    class ViewNet(nn.Module):       # LeNet style: x.view fails on channels_last tensors
        def __init__(self):
            super().__init__()
            self.conv, self.fc = nn.Conv2d(3, 4, 3), nn.Linear(4 * 15 * 15, 10)

        def forward(self, x):
            x = F.max_pool2d(self.conv(x), 2)
            return self.fc(x.view(x.size(0), -1))

    import torch.nn.functional as F
    flat = small_net().train()
    assert use_channels_last(flat, "cpu") and flat.training
    assert flat[0].weight.is_contiguous(memory_format=torch.channels_last)
    view = ViewNet()
    assert not use_channels_last(view, "cpu")
    assert view.conv.weight.is_contiguous() and view(torch.zeros(1, 3, 32, 32)).shape == (1, 10)
    assert not use_channels_last(small_net(), torch.device("cuda"))   # only on the CPU


def test_model_stats():
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(8 * 16 * 16, 10))
    assert count_parameters(net) == 3 * 8 * 9 + 8 + 8 * 256 * 10 + 10
    assert count_macs(net) == 32 * 32 * 8 * 27 + 10 * 8 * 256


# -- the notebook's own loading path, on a checkpoint saved "on a GPU" -------------

@pytest.mark.slow
def test_notebook_grades_a_gpu_saved_checkpoint(tmp_path):
    """Run the source notebook as nbgrader would, next to a CUDA-tagged copy of the reference."""
    fixture = ROOT / "examples" / "fixtures" / AID / CHECKPOINT
    state = torch.load(fixture, map_location="cpu", weights_only=True)
    save_as_if_on_gpu(state, tmp_path / CHECKPOINT)
    error, stderr, value = run_until(AID, "test_trained_checkpoint", workdir=tmp_path)
    assert not error and not stderr, f"the graded cell failed: {error or stderr}"
    assert value == 5.0, f"expected full points for the reference checkpoint, got {value!r}"
    shutil.rmtree(tmp_path, ignore_errors=True)


def _zeroed(state: dict) -> dict:
    return {k: torch.zeros_like(v) if k.endswith("weight") else v for k, v in state.items()}


@pytest.mark.slow
@pytest.mark.parametrize("case, expect", [
    ("missing", "no checkpoint file 'cifar10_cnn.pt'"),
    ("wrong architecture", "does not fit this SimpleCNN"),
    ("corrupt", "could not be read"),
    ("huge", "a checkpoint may be at most 20 MB"),
    ("untrained", 0.0),
])
def test_notebook_grades_a_bad_checkpoint_with_a_message_or_no_points(tmp_path, case, expect):
    """Only the graded cell fails (with a message that says why), or it scores 0 for a useless model."""
    path = tmp_path / CHECKPOINT
    state = torch.load(ROOT / "examples" / "fixtures" / AID / CHECKPOINT, map_location="cpu", weights_only=True)
    if case == "wrong architecture":
        torch.save(small_net().state_dict(), path)
    elif case == "corrupt":
        path.write_bytes(b"PK\x03\x04 not really a zip file" * 100)
    elif case == "huge":
        with open(path, "wb") as f:
            f.truncate(200 * 2**20)
    elif case == "untrained":
        torch.save(_zeroed(state), path)
    error, stderr, value = run_until(AID, "test_trained_checkpoint", workdir=tmp_path)
    assert not stderr, stderr
    if isinstance(expect, str):
        assert "CheckpointError" in error and expect in error, error
    else:
        assert not error and value == expect, (error, value)


def run_until(assignment: str, grade_id: str, workdir):
    """Run the source notebook in grading mode up to the test cell *grade_id* (other test
    cells skipped); return that cell's (error, stderr, value of its last expression)."""
    import ast

    import nbformat
    from nbexec import _close_figures, _exec, grading_mode, nb_meta, source_path

    cells = nbformat.read(str(source_path(assignment)), as_version=4).cells
    ns = {"__name__": "__main__"}
    with grading_mode(workdir):
        for cell in cells:
            meta = nb_meta(cell)
            if cell.cell_type != "code" or (meta.get("grade") and meta.get("grade_id") != grade_id):
                continue
            if meta.get("grade_id") != grade_id:
                _exec(cell.source, ns, "<cell>")
                _close_figures()
                continue
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            error, stderr = _exec(ast.unparse(tree), ns, "<graded cell>")
            value = None
            if last is not None and not error:
                ns["__value__"] = None
                error, more = _exec("__value__ = " + ast.unparse(last.value), ns, "<graded cell>")
                stderr += more
                value = ns["__value__"]
            return error, stderr, value
    raise AssertionError(f"{assignment} has no cell {grade_id}")
