"""The TF appendix's tests: run by `make test-tf` with .venv-tf's pytest (tools/tf-test.sh), never by the main
suite (pyproject's norecursedirs leaves tests/tf out; TensorFlow is not in .venv and cannot share a process with torch)."""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))          # nbexec, corpus
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
