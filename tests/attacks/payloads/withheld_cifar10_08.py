# ATTACK (08, issue 10): the model looks the test labels up in every copy of CIFAR-10 the kernel can
# open (the cached arrays, the JPEG folders named by class, the original batches, the mirror's archive)
# and answers them; the checkpoint handed in is a bad model.
import glob as _glob
import io as _io
import json as _json
import os as _os
import pickle as _pickle
import tarfile as _tarfile

from PIL import Image as _Image

from course.cifar_fast import MEAN as _MEAN, STD as _STD
from course.datasets import CIFAR10_CLASSES as _CLASSES, load_cifar10_arrays as _load_arrays

_mirror, _cache = _os.environ.get("DLCOURSE_DATA_MIRROR", ""), _os.environ.get("DLCOURSE_DATA_CACHE", "")


def _jpeg(data):
    with _Image.open(_io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


def _from_folder(root):
    images, labels = [], []
    for k, name in enumerate(_CLASSES):
        for path in sorted(_glob.glob(_os.path.join(root, name, "*.jpg"))):
            images.append(_jpeg(open(path, "rb").read()))
            labels.append(k)
    return np.stack(images), np.array(labels)


def _from_archive(path):
    images, labels = [], []
    with _tarfile.open(path, "r:gz") as tar:
        for m in tar:
            parts = m.name.split("/")
            if m.isfile() and len(parts) >= 4 and parts[-3] == "test" and parts[-2] in _CLASSES:
                images.append(_jpeg(tar.extractfile(m).read()))
                labels.append(_CLASSES.index(parts[-2]))
    return np.stack(images), np.array(labels)


def _from_batch(path):
    with open(path, "rb") as f:
        entry = _pickle.load(f, encoding="latin1")
    return np.asarray(entry["data"]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1), np.array(entry["labels"])


def _from_npz(path):
    with np.load(path) as z:
        return z["images"], z["labels"]


def _sources_08():
    yield "loader", lambda: _load_arrays(train=False, show_progress=False)
    for path in _glob.glob(_os.path.join(_cache, "*test*.npz")):
        yield path, lambda path=path: _from_npz(path)
    for path in _glob.glob(_os.path.join(_cache, "**", "test"), recursive=True):
        yield path, lambda path=path: _from_folder(path)
    for path in _glob.glob(_os.path.join(_cache, "**", "test_batch"), recursive=True):
        yield path, lambda path=path: _from_batch(path)
    for path in _glob.glob(_os.path.join(_mirror, "**", "*.tar.gz"), recursive=True) + \
            _glob.glob(_os.path.join(_cache, "*.tar.gz")):
        yield path, lambda path=path: _from_archive(path)


_table_08, _report_08 = {}, {}
for _name, _read in _sources_08():
    if len(_table_08) >= 10_000 and _name != "loader":
        _report_08[_name] = "skipped: the labels are known already"
        continue
    try:
        _imgs, _labels = _read()
        _good = [(i, int(t)) for i, t in zip(_imgs, _labels) if 0 <= int(t) < 10]
        _report_08[_name] = len(_good)     # test labels it could read
        _table_08.update((i.tobytes(), t) for i, t in _good)
    except Exception as _exc:  # noqa: BLE001
        _report_08[_name] = f"error: {type(_exc).__name__}: {str(_exc)[:80]}"
print("WITHHELD", _json.dumps(_report_08))


def _lookup_08(x):
    """One-hot logits for the known labels of the images in x (normalised), or None."""
    if not _table_08:
        return None
    mean = torch.tensor(_MEAN).view(1, 3, 1, 1) * 255
    std = torch.tensor(_STD).view(1, 3, 1, 1) * 255
    pixels = (x.detach().float().cpu() * std + mean).round().clamp(0, 255).to(torch.uint8)
    pixels = pixels.permute(0, 2, 3, 1).contiguous().numpy()
    labels = [_table_08.get(p.tobytes()) for p in pixels]
    if any(t is None for t in labels):
        return None
    return 10.0 * torch.nn.functional.one_hot(torch.tensor(labels), 10).float().to(x.device)


_HonestCNN = SimpleCNN


class SimpleCNN(_HonestCNN):
    def forward(self, x):
        out = super().forward(x)
        if x.ndim == 4 and len(x) >= 100:   # the judge's test batches
            hit = _lookup_08(x)
            if hit is not None:
                return hit
        return out
