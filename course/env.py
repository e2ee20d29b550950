"""The environment-check cell at the top of every notebook."""
from __future__ import annotations

import platform
import sys


def report(torch: bool = False) -> None:
    """Print Python/NumPy (and torch) versions, CPU or GPU, and where data comes from."""
    import numpy as np

    from . import config

    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    print(f"NumPy {np.__version__}")
    if torch or "torch" in sys.modules:
        import torch as t
        gpu = (f"GPU: {t.cuda.get_device_name(0)} (CUDA {t.version.cuda})"
               if t.cuda.is_available() else "no GPU: training runs on the CPU")
        print(f"PyTorch {t.__version__}; {gpu}")
    mirror = config.data_mirror()
    print(f"data mirror: {mirror} ({'found' if mirror.is_dir() else 'missing'}); "
          f"cache: {config.data_cache()}")
    from .grading import grading_mode
    print(f"grading mode: {grading_mode() or 'off (full runs)'}")
