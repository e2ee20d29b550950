"""``python -m course data fetch|verify``."""
from __future__ import annotations

from tqdm.auto import tqdm

from . import cifar10, housing, mnist
from .files import ChecksumError, DataNotFoundError, verified_bytes, sha256_file


def _report(rows: list[tuple[str, str, str]]) -> int:
    width = max(len(r[0]) for r in rows)
    for name, status, where in rows:
        print(f"{name:<{width}}  {status:<8}  {where}")
    return 0 if all(r[1] == "ok" for r in rows) else 1


def verify() -> int:
    """Check every file that can be found; a missing or damaged one makes the exit code 1."""
    rows = []
    specs = list(mnist.FILES.values()) + [housing.RAW, cifar10.ARCHIVE]
    for spec in tqdm(specs, desc="verifying", unit="file"):
        path = spec.find() or (housing.BUNDLED if spec is housing.RAW else None)
        name = f"{spec.dataset}: {spec.mirror_name}"
        if path is None:
            rows.append((name, "missing", "looked in " + ", ".join(map(str, spec.candidates()))))
            continue
        try:
            if spec is cifar10.ARCHIVE:
                ok = sha256_file(path) == spec.sha256
                if not ok:
                    raise ChecksumError("sha256 differs")
            else:
                verified_bytes(spec, path)
            rows.append((name, "ok", str(path)))
        except ChecksumError:
            rows.append((name, "DAMAGED", str(path)))
    return _report(rows)


def fetch() -> int:
    """Make every data set ready: MNIST and housing readable, CIFAR-10 unpacked and decoded."""
    rows = []
    steps = [("MNIST", lambda: mnist.load_mnist()),
             ("California housing", housing.load_california_housing),
             ("CIFAR-10 train", lambda: cifar10.load_cifar10_arrays(train=True)),
             ("CIFAR-10 test", lambda: cifar10.load_cifar10_arrays(train=False))]
    for name, step in steps:
        try:
            step()
            rows.append((name, "ok", ""))
        except (DataNotFoundError, ChecksumError) as exc:
            rows.append((name, "FAILED", str(exc).splitlines()[0]))
            print(exc)
    return _report(rows)
