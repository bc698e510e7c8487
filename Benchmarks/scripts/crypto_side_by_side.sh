#!/bin/sh
# Crypto-hourly load + merge + resample to 2h and 4h: MarketGym (release) and pandas, one after the other.
# Usage (from the repository root): PYTHON=/path/to/venv/bin/python Benchmarks/scripts/crypto_side_by_side.sh
# PYTHON needs pandas (python3 -m venv .venv-bench && .venv-bench/bin/pip install pandas).
set -eu
PYTHON="${PYTHON:-python3}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SPEC="$ROOT/Experiments/data/crypto-hourly/crypto-hourly.bars.yaml"
(cd "$ROOT/Benchmarks" && swift build -c release --product DataBench >/dev/null)
"$ROOT/Benchmarks/.build/release/DataBench" --crypto "$SPEC"
"$PYTHON" "$ROOT/Benchmarks/scripts/pandas_bench.py" --crypto "$ROOT/Experiments/data/crypto-hourly"
