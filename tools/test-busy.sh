#!/usr/bin/env bash
# `make test-busy`: run the command given (the test suite) beside a CPU hog of 2 busy
# processes per core (stress-ng if installed, else Python loops), which are killed at the
# end whatever happens.  Prints the load average it ran under and how long it took;
# exits with the command's exit code.
set -uo pipefail

n=$((2 * $(nproc)))
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait "${pids[@]}" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if command -v stress-ng >/dev/null; then
  stress-ng --cpu "$n" --quiet & pids+=($!)
  hog="stress-ng --cpu $n"
else
  for _ in $(seq "$n"); do python3 -c 'while True: pass' & pids+=($!); done
  hog="$n python busy loops"
fi
samples=$(mktemp)
while sleep 15; do cut -d' ' -f1 /proc/loadavg >>"$samples"; done & pids+=($!)

echo "== test-busy: $hog beside: $*" >&2
start=$(date +%s)
"$@"
rc=$?
took=$(($(date +%s) - start))
load=$(awk '{s += $1; if (NR == 1 || $1 > max) max = $1} END {if (NR) printf "mean %.1f, max %.1f", s / NR, max; else printf "not sampled (under 15 s)"}' "$samples")
rm -f "$samples"
echo "== test-busy: exit code $rc, $took s, $(nproc) cores, $hog, 1-min load average $load" >&2
exit "$rc"
