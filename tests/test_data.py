"""The data loaders work on the real mirror and fail clearly without it."""
import gzip
import shutil

import numpy as np
import pytest

from course import config
from course.datasets import (CIFAR10_CLASSES, ChecksumError, DataNotFoundError, load_california_housing,
                             load_cifar10, load_cifar10_arrays, load_mnist)
from course.datasets import mnist, manage

REAL_MIRROR = config.data_mirror()  # read before any test changes the environment


@pytest.fixture(scope="module")
def mnist_default():
    return load_mnist()


def test_mnist_shapes_dtypes_and_labels(mnist_default):
    (x_train, t_train), (x_test, t_test) = mnist_default
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() == 1.0
    assert t_train.shape == (60000,) and set(np.unique(t_train)) == set(range(10))
    assert t_train[:5].tolist() == [5, 0, 4, 1, 9]  # the famous first labels


def test_mnist_book_options():
    (x, t), (xt, tt) = load_mnist(normalize=False, flatten=False, one_hot_label=True)
    assert x.shape == (60000, 1, 28, 28) and x.dtype == np.uint8 and x.max() == 255
    assert t.shape == (60000, 10) and np.all(t.sum(axis=1) == 1)
    assert tt.shape == (10000, 10)


def test_california_housing_matches_sklearn_layout():
    h = load_california_housing()
    assert h.data.shape == (20640, 8) and h.target.shape == (20640,)
    assert h.feature_names[0] == "MedInc" and h.feature_names[-1] == "Longitude"
    np.testing.assert_allclose(h.data[0], [8.3252, 41.0, 6.984127, 1.02381, 322.0, 2.555556, 37.88, -122.23],
                               rtol=1e-5)
    assert h.target[0] == pytest.approx(4.526) and h.target.max() == pytest.approx(5.00001)


def test_cifar10_arrays_and_dataset():
    x, y = load_cifar10_arrays(train=False, show_progress=False)
    assert x.shape == (10000, 32, 32, 3) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [1000] * 10
    ds = load_cifar10(train=False)
    assert len(ds) == 10000 and tuple(ds.classes) == CIFAR10_CLASSES
    img, label = ds[0]
    assert img.size == (32, 32) and 0 <= label < 10


def test_verify_reports_every_file_ok(capsys):
    assert manage.verify() == 0
    out = capsys.readouterr().out
    assert out.count(" ok ") >= 6


@pytest.fixture
def no_data(tmp_path, monkeypatch):
    monkeypatch.setenv("DLCOURSE_DATA_MIRROR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("DLCOURSE_DATA_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    return tmp_path


def test_missing_mnist_says_what_where_and_how(no_data):
    with pytest.raises(DataNotFoundError) as err:
        load_mnist()
    msg = str(err.value)
    assert "train-images-idx3-ubyte.gz" in msg
    assert str(no_data / "nowhere" / "mnist") in msg      # where it looked
    assert "DLCOURSE_DATA_MIRROR" in msg and "python -m course data fetch" in msg  # how to fix
    assert "DLCOURSE_OFFLINE" in msg                       # why no download


def test_missing_cifar10_is_clear(no_data):
    with pytest.raises(DataNotFoundError, match="cifar10-jpg.tar.gz"):
        load_cifar10_arrays(train=False)


def test_damaged_mnist_file_is_detected(no_data):
    mirror = no_data / "nowhere" / "mnist"
    mirror.mkdir(parents=True)
    real = REAL_MIRROR / "mnist"
    for spec in mnist.FILES.values():
        src = real / spec.mirror_name.split("/")[-1]
        if src.exists():
            shutil.copy(src, mirror)
    if not (mirror / "t10k-labels-idx1-ubyte.gz").exists():
        pytest.skip("the shared mirror is not beside the repo")
    data = bytearray(gzip.decompress((mirror / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    data[100] = (data[100] + 1) % 10  # one tampered label
    (mirror / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(data)))
    with pytest.raises(ChecksumError, match="t10k-labels"):
        load_mnist()


def test_mirror_and_cache_come_from_environment(no_data):
    assert config.data_mirror() == (no_data / "nowhere").resolve()
    assert config.data_cache() == (no_data / "cache").resolve()
