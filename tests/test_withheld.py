"""Issue 10: while 07 and 08 are graded, the kernel cannot read the test targets/labels.

* The redacted stand-ins (``course/datasets/withheld.py``) and the loaders reading them.
* A real sandbox built as the grader builds the kernel's: every copy of the labels reads as
  redacted there, while the judge's sandbox reads the real files.
* A grading run (slow): the attacks of ``tests/attacks/withheld.py`` (a bad checkpoint whose
  model looks the test labels up) gain nothing, alice-correct keeps full marks; and, with
  ``withheld`` taken out of the metadata, the same attacks do gain the metric tests' points
  (so the first run shows the labels were out of reach, not that the attack was broken).
"""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from course import config
from course.config import ROOT
from course.datasets import cifar10, housing, withheld
from course.datasets.files import WITHHELD_ENV, ChecksumError, read_bytes, sha256_of

NAMES = {"07_pytorch_regression": "housing-test-targets", "08_cnn_cifar10": "cifar10-test-labels"}


@pytest.fixture
def fresh_notes(monkeypatch):
    from course.datasets import files
    monkeypatch.setattr(files, "_told", set())


# --- the stand-ins and the loaders --------------------------------------------------------------
def test_the_metadata_names_only_data_the_grader_can_withhold():
    from course.grader.worker import assignment_policy
    for aid, name in NAMES.items():
        assert assignment_policy(str(ROOT), aid).get("withheld") == [name], aid
        assert name in withheld.known()
    with pytest.raises(ValueError, match="can withhold only"):
        withheld.kernel_view(["mnist-test-labels"], Path("/nonexistent"))


def test_housing_redaction_hides_exactly_the_test_targets(tmp_path, monkeypatch, capsys, fresh_notes):
    real = read_bytes(housing.BUNDLED)
    redacted = housing.redact(real)
    assert sha256_of(redacted) == housing.WITHHELD_SHA256
    with pytest.raises(ChecksumError):
        housing.redact(redacted)
    copy = tmp_path / "california_housing" / "cal_housing.data.gz"
    copy.parent.mkdir()
    copy.write_bytes(gzip.compress(redacted))
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(tmp_path / "nothing"))
    truth = housing.load_california_housing()
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(tmp_path))   # the mirror's copy is read first
    assert housing.find() == copy
    seen = housing.load_california_housing()
    rows = housing.test_rows()
    assert len(rows) == 2064 and np.isnan(seen.target[rows]).all()
    others = np.setdiff1d(np.arange(housing.N_ROWS), rows)
    assert np.array_equal(seen.target[others], truth.target[others])
    assert np.array_equal(seen.data, truth.data)          # the features of every row stay
    housing.load_california_housing()
    out = capsys.readouterr()
    assert out.out.count("withheld") == 1 and not out.err  # said once, on stdout
    copy.write_bytes(gzip.compress(redacted.replace(b",nan", b",1.0", 1)))
    with pytest.raises(ChecksumError):                      # any other change is still damage
        housing.load_california_housing()


def fake_cifar(cache: Path, mirror: Path, n: int = 6) -> np.ndarray:
    """A tiny CIFAR-10 cache (JPEG form, its arrays, the original batches, the torchvision archive)."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, 32, 32, 3), dtype=np.uint8)
    labels = np.arange(n) % 10
    for split in ("train", "test"):
        for kind in ("jpeg", "original"):
            np.savez(cache / f"cifar10-{kind}-{split}.npz", images=images, labels=labels)
        for k in range(3):
            (cache / "cifar10-jpg" / split / cifar10.CLASSES[k]).mkdir(parents=True)
            (cache / "cifar10-jpg" / split / cifar10.CLASSES[k] / "0000.jpg").write_bytes(b"jpeg")
    (cache / "cifar10-jpg" / ".complete").write_text("x\n")
    batches = cache / "cifar-10-batches-py"
    batches.mkdir()
    import pickle
    for name in ("data_batch_1", "batches.meta", "test_batch"):
        (batches / name).write_bytes(pickle.dumps({"data": images.reshape(n, -1), "labels": labels.tolist()}))
    (batches / "readme.html").write_text("<p>readme</p>")
    (cache / "cifar-10-python.tar.gz").write_bytes(b"archive")
    (cache / "cifar10-jpeg-test.partial.npz").write_bytes(b"partial")
    (cache / "MNIST").mkdir()
    (mirror / "cifar10").mkdir(parents=True)
    (mirror / "cifar10" / "cifar10-jpg.tar.gz").write_bytes(b"archive")
    return images


def test_cifar10_view_covers_every_copy_of_the_test_labels(tmp_path, monkeypatch, capsys, fresh_notes):
    cache, mirror, store = tmp_path / "cache", tmp_path / "mirror", tmp_path / "store"
    cache.mkdir()
    images = fake_cifar(cache, mirror)
    monkeypatch.setenv("DLCOURSE_DATA_CACHE", str(cache))
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(mirror))
    view = withheld.kernel_view(["cifar10-test-labels"], store)
    real = {str(Path(p).relative_to(tmp_path)): Path(s) for p, s in view.items()}
    assert set(real) == {"cache/cifar10-jpeg-test.npz", "cache/cifar10-original-test.npz", "cache/cifar10-jpg/test", "cache/cifar-10-batches-py/test_batch",
                         "cache/cifar-10-batches-py/readme.html", "cache/cifar-10-python.tar.gz",
                         "cache/cifar10-jpeg-test.partial.npz", "mirror/cifar10/cifar10-jpg.tar.gz"}
    with np.load(real["cache/cifar10-jpeg-test.npz"]) as z:
        assert np.array_equal(z["images"], images) and (z["labels"] == -1).all()
    assert os.listdir(real["cache/cifar10-jpg/test"]) == ["WITHHELD.txt"]
    import pickle
    assert set(pickle.loads(real["cache/cifar-10-batches-py/test_batch"].read_bytes())["labels"]) == {-1}
    assert real["mirror/cifar10/cifar10-jpg.tar.gz"].read_text() == withheld.STUB_TEXT
    assert withheld.kernel_view(["cifar10-test-labels"], store) == view      # made once, reused

    # the kernel's view of the cache: the loaders give the test images with labels -1, and say so once
    kernel = tmp_path / "kernel-cache"
    shutil.copytree(cache, kernel)
    for path, stand_in in view.items():
        inside = kernel / Path(path).relative_to(cache) if path.startswith(str(cache)) else None
        if inside is not None:
            shutil.rmtree(inside) if inside.is_dir() else inside.unlink()
            (shutil.copytree if Path(stand_in).is_dir() else shutil.copyfile)(stand_in, inside)
    monkeypatch.setenv("DLCOURSE_DATA_CACHE", str(kernel))
    monkeypatch.setenv(WITHHELD_ENV, "cifar10-test-labels")
    x, y = cifar10.load_cifar10_arrays(train=False)
    assert np.array_equal(x, images) and (y == -1).all()
    ds = cifar10.load_cifar10(train=False, transform=np.asarray)
    assert len(ds) == len(images) and ds[2][1] == -1 and np.array_equal(ds[2][0], images[2])
    assert capsys.readouterr().out.count("withheld") == 1
    _, y_train = cifar10.load_cifar10_arrays(train=True)
    assert (y_train >= 0).all()


# --- a real sandbox, as the grader builds the kernel's and the judge's --------------------------
PROBE = r"""
import ctypes, glob, gzip, json, os, pickle
import numpy as np
from course.datasets import cifar10, housing, load_california_housing, load_cifar10_arrays, load_cifar10
cache, mirror = os.environ["DLCOURSE_DATA_CACHE"], os.environ["DLCOURSE_DATA_MIRROR"]
# first try to take the stand-ins away: a user and mount namespace of its own (CAP_SYS_ADMIN there),
# then unmount every file or folder that could be one (the mounts are locked: this fails)
libc = ctypes.CDLL(None, use_errno=True)
libc.unshare(0x10000000 | 0x00020000)
for path in [housing.BUNDLED, *housing.RAW.candidates(), *glob.glob(cache + "/*"), *glob.glob(cache + "/*/*"),
             *glob.glob(mirror + "/*/*")]:
    libc.umount2(str(path).encode(), 2)
seen = {}
rows = housing.test_rows()
for path in [housing.BUNDLED, *housing.RAW.candidates()]:
    if os.path.exists(path):
        seen[str(path)] = int(np.isfinite(np.loadtxt(gzip.open(path), delimiter=",")[rows, -1]).sum())
seen["housing loader"] = int(np.isfinite(load_california_housing().target[rows]).sum())
for name in os.listdir(cache):
    if name.endswith("-test.npz"):
        with np.load(os.path.join(cache, name)) as z:
            seen[name] = int((z["labels"] >= 0).sum())
folder = os.path.join(cache, "cifar10-jpg", "test")
if os.path.isdir(folder):
    seen["jpeg test classes"] = sorted(set(os.listdir(folder)) & set(cifar10.CLASSES))
batch = os.path.join(cache, "cifar-10-batches-py", "test_batch")
if os.path.isfile(batch):
    seen["test_batch"] = sum(t >= 0 for t in pickle.load(open(batch, "rb"), encoding="latin1")["labels"])
archive = os.path.join(mirror, "cifar10", "cifar10-jpg.tar.gz")
if os.path.isfile(archive):
    seen["archive"] = open(archive, "rb").read(2) == b"\x1f\x8b"
seen["cifar loader"] = int((load_cifar10_arrays(train=False, show_progress=False)[1] >= 0).sum())
seen["cifar dataset"] = int(load_cifar10(train=False)[0][1] >= 0)
print("SEEN", json.dumps(seen))
"""


def run_sandboxed(box: dict, tmp_path: Path, name: str) -> dict:
    from course.grader import sandbox
    spec = dict(box)
    limits = sandbox.Limits(**spec.pop("limits"))
    work, runtime = tmp_path / name / "work", tmp_path / name / "rt"
    for folder in (work, runtime):
        folder.mkdir(parents=True)
        os.chmod(folder, 0o777)
    (work / "probe.py").write_text(PROBE)
    cmd = sandbox.Sandbox(limits=limits, **spec).command([sys.executable, "probe.py"], workdir=str(work),
                                                          runtime_dir=str(runtime), name="hw", uid=1_234_321)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("SEEN "))
    return json.loads(line[5:])


def test_the_kernel_cannot_read_the_labels_and_the_judge_can(tmp_path):
    from course.grader import sandbox, worker
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed")
    if not (config.data_cache() / "cifar10-jpeg-test.npz").is_file() and not cifar10.has_original():
        pytest.skip("CIFAR-10 is not prepared in the data cache (python -m course data fetch)")
    box = asdict(sandbox.default_sandbox())
    kernel_box = worker.withheld_data(box, list(NAMES.values()), tmp_path / "withheld")
    kernel = run_sandboxed(kernel_box, tmp_path, "kernel")
    judge = run_sandboxed(box, tmp_path, "judge")  # the judge runs in the grader's plain sandbox
    assert set(kernel) == set(judge), (kernel, judge)
    for key, real in judge.items():
        assert real not in (0, [], False), (key, real)          # the judge reads the real labels
        assert kernel[key] in (0, [], False), (key, kernel[key])  # the kernel none of them


# --- grading: the attacks gain nothing, and would gain without the withholding ------------------
def grades(course: Path, student: str, aid: str) -> dict[str, tuple[float, float]]:
    """grade id -> (score, points) of one graded submission."""
    from test_grading import results
    record = results(course)[(student, aid)]
    return {gid: (g["auto_score"] or 0, g["max_score"]) for gid, g in record["notebooks"][aid]["grades"].items()}


def total(scored: dict) -> float:
    return sum(score for score, _ in scored.values())


def attack_report(course: Path, aid: str) -> dict:
    """The attack's ``WITHHELD {source: test labels it could read}`` line, from its kernel's output."""
    from attacks import cell, output_text, read
    from attacks.withheld import MODEL_CELL
    nb = read(course / "autograded" / "lookup-attack" / aid / f"{aid}.ipynb")
    text = output_text(cell(nb, MODEL_CELL[aid]))
    line = next((ln for ln in text.splitlines() if ln.startswith("WITHHELD ")), None)
    assert line, f"no WITHHELD line in {text[-1500:]!r}"
    return json.loads(line[len("WITHHELD "):])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from attacks.withheld import AIDS, build
    from course.grader import grade_class
    from test_grading import make_course
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed")
    tmp = tmp_path_factory.mktemp("withheld")
    runs = {}
    for run, students in (("withheld", {"alice-correct": None, "bad-model": False, "lookup-attack": True}),
                          ("control", {"lookup-attack": True})):
        course = make_course(tmp / run / "course", list(AIDS))
        if run == "control":  # the same course without the withholding: the attack must work there
            for aid in AIDS:
                path = course / "source" / aid / f"{aid}.ipynb"
                nb = json.loads(path.read_text())
                del nb["metadata"]["dlcourse"]["withheld"]
                path.write_text(json.dumps(nb, indent=1))
        submitted = tmp / run / "submitted"
        for student, attack in students.items():
            for aid in AIDS:
                folder = submitted / student / aid
                if attack is None:
                    shutil.copytree(ROOT / "examples" / "submitted" / student / aid, folder)
                else:
                    folder.mkdir(parents=True)
                    (folder / "timestamp.txt").write_text("2026-04-20 10:00:00.000000 UTC\n")
                    build(aid, attack)(folder)
        record = tmp / run / "sent"      # a copy of every message each judge sends to its kernel
        record.mkdir()
        os.environ["DLCOURSE_JUDGE_RECORD"] = str(record)
        try:
            assert grade_class("all", submitted=submitted, jobs=2, root=course, cell_timeout=120,
                               notebook_timeout=300) == 0
        finally:
            del os.environ["DLCOURSE_JUDGE_RECORD"]
        runs[run] = course
    return runs


AIDS = list(NAMES)


@pytest.mark.slow
@pytest.mark.parametrize("aid", AIDS)
def test_alice_correct_keeps_full_marks(graded, aid):
    scored = grades(graded["withheld"], "alice-correct", aid)
    assert total(scored) == sum(points for _, points in scored.values()), scored


@pytest.mark.slow
@pytest.mark.parametrize("aid", AIDS)
def test_the_lookup_attack_gains_nothing(graded, aid):
    from attacks.withheld import METRIC_TESTS
    honest = grades(graded["withheld"], "bad-model", aid)
    attack = grades(graded["withheld"], "lookup-attack", aid)
    report = attack_report(graded["withheld"], aid)
    assert report and all(not isinstance(v, int) or v == 0 for v in report.values()), report
    for gid in METRIC_TESTS[aid]:
        assert honest[gid][0] == 0 and attack[gid][0] == 0, (gid, honest[gid], attack[gid], report)
    assert total(attack) <= total(honest), (attack, honest)


@pytest.mark.slow
@pytest.mark.parametrize("aid", AIDS)
def test_without_withholding_the_same_attack_would_gain(graded, aid):
    from attacks.withheld import METRIC_TESTS
    attack = grades(graded["control"], "lookup-attack", aid)
    report = attack_report(graded["control"], aid)
    assert any(isinstance(v, int) and v > 0 for v in report.values()), report
    for gid, points in METRIC_TESTS[aid].items():
        assert attack[gid] == (points, points), (gid, attack[gid], report)


def _sent_values(folder: Path):
    """Every array and list of numbers in the messages the judges sent (their records)."""
    from course.judge import wire

    def numbers(value):
        if isinstance(value, list):
            if len(value) >= 16 and all(type(v) in (int, float) for v in value):
                yield np.asarray(value, dtype=np.float64)
            for v in value:
                yield from numbers(v)
        elif isinstance(value, dict):
            for v in value.values():
                yield from numbers(v)

    for path in sorted(folder.glob("*.bin")):
        for header, blobs in wire.messages(path.read_bytes()):
            yield from numbers(header)
            for blob in blobs:
                if blob[:6] == b"\x93NUMPY":
                    arr = wire.array_from(blob)
                    if arr.dtype.kind in "biuf":
                        yield arr


def _holds_run(arr: np.ndarray, runs: set) -> bool:
    """True when *arr* holds 16 consecutive values (as float32) equal to one of *runs* (independent of
    the judge's own guard: a sliding window, compared as bytes; only windows whose first value starts
    a run are compared)."""
    first = np.unique(np.frombuffer(b"".join(r[:4] for r in runs), dtype=np.float32))
    flat = np.ascontiguousarray(np.asarray(arr, dtype=np.float32).ravel()) + np.float32(0.0)
    if flat.size < 16:
        return False
    windows = np.lib.stride_tricks.sliding_window_view(flat, 16)
    for start in range(0, len(windows), 50_000):
        chunk = np.ascontiguousarray(windows[start:start + 50_000])
        if any(row.tobytes() in runs for row in chunk[np.isin(chunk[:, 0], first)]):
            return True
    return False


def _runs_of(values) -> set:
    v = np.ascontiguousarray(np.asarray(values, dtype=np.float32).ravel()) + np.float32(0.0)
    windows = np.lib.stride_tricks.sliding_window_view(v, 16)
    informative = [w for w in windows if np.count_nonzero(w[1:] != w[:-1]) >= 3]
    return {np.ascontiguousarray(w).tobytes() for w in informative}


@pytest.mark.slow
def test_no_message_to_a_kernel_holds_withheld_values(graded):
    """Issue 22: everything the judges sent during the grading run (alice, a bad model, the lookup
    attack, on 07 and 08) is recorded; no array or list in it holds 16 consecutive withheld values,
    while the same scan finds the test inputs the judge did send (07's test features)."""
    runs = set()
    for name in NAMES.values():
        for values in withheld.truth(name):
            runs |= _runs_of(values)
    folder = graded["withheld"].parent / "sent"
    sent = list(_sent_values(folder))
    assert len(list(folder.glob("*.bin"))) >= 6 and sent, "the judges recorded nothing"
    leaked = [a.shape for a in sent if _holds_run(a, runs)]
    assert not leaked, f"messages to a kernel held withheld values: arrays of shapes {leaked[:5]}"
    data = housing.load_california_housing().data.astype(np.float32)
    features = _runs_of(data[housing.test_rows()][:50])       # positive control: the scan finds what was sent
    assert any(_holds_run(a, features) for a in sent), "the scan did not even find the test features sent"
    assert _holds_run(withheld.truth("housing-test-targets")[0], runs)
