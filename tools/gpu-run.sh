#!/usr/bin/env bash
# The GPU measurements of 08, 08b and the speed-run, in one go, on a bare GPU machine that has python3 with
# torch, torchvision and matplotlib but no Jupyter (tools/run_as_script.py runs the notebooks' cells instead).
#   DATA=<folder holding cifar10/cifar10-jpg.tar.gz>  OUT=<results folder>  bash tools/gpu-run.sh [notebook-dir]
# notebook-dir: where 08_cnn_cifar10.ipynb and 08b_gpu.ipynb are read from (default: source/...).
# STEPS="speedrun nb08 nb08b recipes compile" (the default) picks steps; RECIPES lists bench_08_recipes variants.
# Each step has its own time limit; logs, figures and checkpoints go to $OUT/results.tar.gz.
set -u
cd "$(dirname "$0")/.."
NB=${1:-}
OUT=${OUT:-/tmp/gpu-run}
R=/tmp/gpu-results; rm -rf "$R"; mkdir -p "$R/logs" "$R/figures" "$OUT"
export DLCOURSE_DATA_MIRROR=$DATA DLCOURSE_DATA_CACHE=/tmp/dlcourse-cache DLCOURSE_OFFLINE=1 PYTHONUNBUFFERED=1
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} MPLBACKEND=Agg
SMOKE=${SMOKE:+--smoke}     # SMOKE=1: a quick check of this script on a machine without a GPU
[ -n "$SMOKE" ] && export NBGRADER_EXECUTION=autograde
T0=$SECONDS
step() {  # step NAME LIMIT_S COMMAND...
  local name=$1 limit=$2; shift 2
  echo "== $name (at $((SECONDS - T0)) s)"
  timeout "$limit" "$@" > "$R/logs/$name.log" 2>&1; local rc=$?
  echo "== $name: exit $rc, $((SECONDS - T0)) s so far"; tail -n 4 "$R/logs/$name.log"
  pack
}
pack() { tar czf "$OUT/results.tar.gz" -C "$R" . ; }   # after every step: a run cut short still brings back its results
nb() { if [ -n "$NB" ]; then echo "$NB/$1.ipynb"; else echo "source/$1/$1.ipynb"; fi; }
{ nvidia-smi; python3 -c 'import torch, torchvision, sys; print(sys.version); print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "torchvision", torchvision.__version__); print(torch.cuda.get_device_properties(0))'; nproc; free -g; } > "$R/logs/machine.log" 2>&1
cat "$R/logs/machine.log" | head -40
step data 240 python3 -c 'from course.datasets import load_cifar10_arrays as l; print(l(True, False)[0].shape, l(False, False)[0].shape)'
want() { case " ${STEPS:-speedrun nb08 nb08b recipes compile} " in *" $1 "*) return 0;; esac; return 1; }
want speedrun && step speedrun 150 python3 benchmarks/bench_speedrun.py $SMOKE
want nb08 && step nb08 200 python3 tools/run_as_script.py "$(nb 08_cnn_cifar10)" --workdir /tmp/w08 --figures "$R/figures/08"
cp /tmp/w08/cifar10_cnn.pt "$R/cifar10_cnn_gpu.pt" 2>/dev/null
NBDIR=$(dirname "$(nb 08b_gpu)")
if [ ! -f "$NBDIR/gpu_checkpoint.pt" ] && python3 -c 'import torch, sys; sys.exit(not torch.cuda.is_available())'; then
  # 08b's gpu_checkpoint.pt, saved on the GPU (once: the notebook's test knows its SHA-256)
  python3 -c 'import sys, torch; from course.devices import tiny_net
torch.manual_seed(0); m = tiny_net().cuda(); m(torch.randn(16, 3, 32, 32, device="cuda"))   # batch-norm statistics too
torch.save(m.state_dict(), sys.argv[1]); print("saved", sys.argv[1], {str(t.device) for t in m.state_dict().values()})' \
    "$NBDIR/gpu_checkpoint.pt" && cp "$NBDIR/gpu_checkpoint.pt" "$R/gpu_checkpoint.pt"
fi
want nb08b && step nb08b 200 python3 tools/run_as_script.py "$(nb 08b_gpu)" --workdir /tmp/w08b --figures "$R/figures/08b"
if want recipes && [ $((SECONDS - T0)) -lt ${RECIPES_BEFORE:-330} ]; then   # the CPU recipe's candidates, side by side on the GPU
  echo "== recipes (at $((SECONDS - T0)) s)"
  for v in ${RECIPES:-ref-15 ref-20-ls ref-24 ref-24-ls res-20-ls res-24-ls}; do
    timeout 150 python3 benchmarks/bench_08_recipes.py --variant "$v" $SMOKE > "$R/logs/recipe-$v.log" 2>&1 &
  done
  wait; cat "$R"/logs/recipe-*.log | grep '^{' ; echo "== recipes done at $((SECONDS - T0)) s"; pack
fi
if want compile && [ $((SECONDS - T0)) -lt ${COMPILE_BEFORE:-400} ]; then
  step speedrun-compile 120 python3 benchmarks/bench_speedrun.py --compile $SMOKE
fi
pack
echo "== all done in $((SECONDS - T0)) s"
