#!/bin/sh
# Runs MarketGym's DQN and SB3's DQN on CartPole-v1 (Zoo hyperparameters) alternately, seed by
# seed, so both sides see the same machine load; prints each run's line and its CPU time.
# Usage (from the repository root, after `cd Benchmarks && swift build -c release --product DQNBench`;
# PYTHON defaults to the repository's .venv-bench, made by `make bench-venv`):
#   sh Benchmarks/scripts/dqn_cartpole_side_by_side.sh "0 1 2"
# MarketGym runs with TensorCore's default threads (2 on a 2-core machine; MARKETGYM_THREADS=1 for
# one) and OpenBLAS single-threaded; add MARKETGYM_THREADS_STATS=1 to see whether the second thread
# was used or backed off under load (docs/tensor.md).
SEEDS=${1:-"0 1 2"}
PY=${PYTHON:-${PYTHON_SB3:-.venv-bench/bin/python}}
for s in $SEEDS; do
  OPENBLAS_NUM_THREADS=1 /usr/bin/time -f "  cpu user %U s sys %S s wall %e s" Benchmarks/.build/release/DQNBench cartpole --seeds "$s"
  /usr/bin/time -f "  cpu user %U s sys %S s wall %e s" "$PY" Benchmarks/scripts/sb3_dqn_cartpole.py --seeds "$s"
done
