#!/bin/bash
# RuntimeBench and the SB3 peer side by side, alternating (Swift, Python, Swift, Python, ...):
#   cd Benchmarks && swift build -c release --product RuntimeBench && scripts/runtime_side_by_side.sh [ROUNDS] [OUT_DIR]
# (docs/benchmarks/runtime.md). PYTHON defaults to the repository's .venv-bench (`make bench-venv`).
cd "$(dirname "$0")/.."
out=${2:-/tmp/rb}
python=${PYTHON:-../.venv-bench/bin/python}
mkdir -p "$out"
for k in $(seq 1 ${1:-3}); do
  echo "== swift round $k $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  .build/release/RuntimeBench "$out" 2>&1 | tail -9
  echo "== python round $k $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$python" scripts/sb3_predict_latency.py "$out" --calls 20000 2>&1 | tail -3
done
echo "== end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
