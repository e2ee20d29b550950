#!/usr/bin/env bash
# `make test-tf`: the TensorFlow appendix (09, 10), after `make tf`.  Prints each step's wall time.
#  1. the corpora and reference solutions (and the judge's TF link), in-process in .venv-tf, one notebook per pytest process
#     (notebook 10's graphs and 09's Keras state are process-wide);
#  2. source passes / release stubs fail with a real kernel (the main venv's nbgrader, the TF kernel);
#  3. the demo class's 09/10 graded by grade_class in the sandbox with the judge (tools/tf_autograde.py), within 60 s
#     per submission, and a submission that patches course.check in its kernel scores 0;
#  4. 10 graded on a real Dask cluster (two workers), whose course bundle has no source/ notebook.
set -euo pipefail
cd "$(dirname "$0")/.."
step() {
  local name=$1 start=$SECONDS; shift
  echo "== test-tf $name" >&2
  local rc=0; "$@" || rc=$?
  echo "== test-tf $name: $((SECONDS - start)) s$([ $rc = 0 ] || echo ", failed (exit code $rc)")" >&2
  return $rc
}
export MPLBACKEND=Agg TF_ENABLE_ONEDNN_OPTS=0 TF_CPP_MIN_LOG_LEVEL=2
for nb in 09_tensorflow_keras 10_tensorflow_v1; do
  step "corpus $nb" env DLCOURSE_TF_NOTEBOOK=$nb .venv-tf/bin/python -m pytest -q -p no:cacheprovider tests/tf
done
step "notebooks (real kernel)" .venv/bin/python -m pytest -q -p no:xdist tests/test_notebooks.py -k "09_tensorflow_keras or 10_tensorflow_v1"
step "autograde" .venv/bin/python tools/tf_autograde.py
step "dask" .venv/bin/python -m pytest -q -p no:xdist -p no:cacheprovider tests/test_dask.py -k tf_notebook
