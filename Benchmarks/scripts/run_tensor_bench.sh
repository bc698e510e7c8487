#!/usr/bin/env bash
# Side-by-side TensorCore vs PyTorch benchmark (docs/benchmarks/tensor.md).
# Alternates TensorBench and torch_bench.py, case by case, for each OPENBLAS_CORETYPE in CORETYPES
# (default "Haswell unset"; any OpenBLAS core name, or "unset" for OpenBLAS's own choice, which
# MarketGym replaces by SkylakeX or Haswell when OpenBLAS does not know the CPU: CKernels/blascore.c),
# ROUNDS times, then prints the summary table. Both sides get the same threads and environment;
# the Swift rows carry the kernels OpenBLAS ran ("blas").
#
#   Benchmarks/scripts/run_tensor_bench.sh [ROUNDS=3] [SECONDS=1.0] [THREADS=2]
# Needs: a release build of TensorBench (cd Benchmarks && swift build -c release) and torch in
# $PYTHON (default: the repository's .venv-bench, made by `make bench-venv`). Subsets: CASES="dqn_4x256x256x2_b64 ..." and
# CORETYPES="unset SkylakeX" (default "Haswell unset").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$here/../.build/release/TensorBench"
python="${PYTHON:-$here/../../.venv-bench/bin/python}"
rounds="${1:-3}" seconds="${2:-1.0}" threads="${3:-2}"
out="${OUT:-/tmp/tensor_bench_$(date +%s).jsonl}"
cases="${CASES:-dqn_64x256x256x11_b32 dqn_64x256x256x11_b256 dqn_64x256x256x11_b1024 dqn_4x256x256x2_b64 ppo_64x64x64_b256 infer_64x256x256x11_b1}"
: > "$out"
for round in $(seq "$rounds"); do
  for coretype in ${CORETYPES:-Haswell unset}; do
    for c in $cases; do
      # Alternate which side goes first so drift does not favour one.
      if (( round % 2 )); then order="swift torch"; else order="torch swift"; fi
      for side in $order; do
        if [[ $coretype == unset ]]; then envcmd=(env -u OPENBLAS_CORETYPE); else envcmd=(env OPENBLAS_CORETYPE="$coretype"); fi
        if [[ $side == swift ]]; then
          "${envcmd[@]}" "$bench" --threads "$threads" --seconds "$seconds" --only "$c" >> "$out"
        else
          "${envcmd[@]}" "$python" "$here/torch_bench.py" --threads "$threads" --seconds "$seconds" --only "$c" 2>/dev/null >> "$out"
        fi
      done
    done
  done
  echo "round $round done" >&2
done
python3 "$here/summarize_tensor_bench.py" "$out"
