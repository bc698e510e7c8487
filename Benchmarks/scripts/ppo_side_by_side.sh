#!/bin/sh
# Alternates MarketGym PPO and SB3 PPO on CartPole-v1 (RL Zoo settings), seed by seed, so both
# sides see the same machine load. Prints each side's training wall time per seed. Both sides run
# single-threaded (MARKETGYM_THREADS=1 OPENBLAS_NUM_THREADS=1; torch.set_num_threads(1)): on a shared 2-core machine
# torch's two spinning OpenMP threads otherwise multiply its time several-fold.
#   Benchmarks/scripts/ppo_side_by_side.sh [python] [rounds]   (python: default the repository's .venv-bench)
# Build first: cd Benchmarks && swift build -c release --product PPOBench
set -e
PY=${1:-$(cd "$(dirname "$0")/../.." && pwd)/.venv-bench/bin/python}
ROUNDS=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN="$HERE/../.build/release/PPOBench"
for seed in $(seq 0 $((ROUNDS - 1))); do
    MARKETGYM_THREADS=1 OPENBLAS_NUM_THREADS=1 "$BIN" cartpole --seeds "$seed" | grep '^seed' | sed 's/^/marketgym /'
    "$PY" "$HERE/sb3_ppo_cartpole.py" --seeds "$seed" --threads 1 | grep '^seed' | sed 's/^/sb3       /'
done
