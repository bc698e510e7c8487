#!/bin/sh
# Runs MarketGym's DQN and SB3's DQN on CartPole-v1 (Zoo hyperparameters) alternately, seed by
# seed, so both sides see the same machine load; prints each run's line and its CPU time.
# Usage (from the repository root, after `cd Benchmarks && swift build -c release --product DQNBench`):
#   sh Benchmarks/scripts/dqn_cartpole_side_by_side.sh "0 1 2"
SEEDS=${1:-"0 1 2"}
PY=${PYTHON_SB3:-/work/venv-sb3/bin/python}
for s in $SEEDS; do
  OPENBLAS_NUM_THREADS=1 /usr/bin/time -f "  cpu user %U s sys %S s wall %e s" Benchmarks/.build/release/DQNBench cartpole --seeds "$s"
  /usr/bin/time -f "  cpu user %U s sys %S s wall %e s" "$PY" Benchmarks/scripts/sb3_dqn_cartpole.py --seeds "$s"
done
