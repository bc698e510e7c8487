#!/usr/bin/env python3
"""Reference timings for DataBench: pandas reading the bundled CSV.gz, h5py reading the same arrays.

Run (venv with pandas, numpy, h5py; never committed):
    make bench-venv   # .venv-bench from Benchmarks/requirements.txt
    .venv-bench/bin/python Benchmarks/scripts/pandas_bench.py Experiments/data/sp500-20-daily.csv.gz [bars.h5]
Prints the median wall time of each operation, like DataBench.
"""
import statistics
import sys
import time

import pandas as pd


def median_ms(fn, runs, warmup=2):
    """Median wall and CPU (process_time: user + system) milliseconds, as DataBench reports them."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(runs):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        walls.append((time.perf_counter() - t0) * 1e3)
        cpus.append((time.process_time() - c0) * 1e3)
    return f"{statistics.median(walls):.3f} ms wall, {statistics.median(cpus):.3f} ms CPU"


def crypto(folder):
    """The four raw crypto-hourly files: read_csv, epoch units, keep-first duplicates, open stamps moved
    to the close, concat into one panel, resample to 2h and 4h (what DataBench --crypto does)."""
    import glob
    import os

    files = sorted(glob.glob(os.path.join(folder, "Binance_*USDT_1h.csv.gz")))

    def load():
        frames = []
        for path in files:
            df = pd.read_csv(path, usecols=["unix", "symbol", "open", "high", "low", "close", "Volume USDT"])
            unix = df["unix"].astype(float)
            df["ts"] = unix.where(unix < 1e11, unix / 1000).astype("int64") + 3600
            df = df.drop_duplicates(["ts", "symbol"], keep="first")
            df.index = pd.to_datetime(df["ts"], unit="s", utc=True)
            frames.append(df.rename(columns={"Volume USDT": "volume"}).drop(columns=["unix", "ts"]))
        long = pd.concat(frames)
        return long.pivot(columns="symbol").sort_index()

    def resample(panel, rule):
        r = panel.resample(rule, closed="right", label="right")
        return pd.concat({"open": r["open"].first(), "high": r["high"].max(), "low": r["low"].min(),
                          "close": r["close"].last(), "volume": r["volume"].sum()}, axis=1)

    panel = load()
    print(f"pandas {pd.__version__} crypto: {panel.shape[0]} bars x {panel['close'].shape[1]} assets from {len(files)} files")
    print(f"pandas crypto load 4 files + merge (median of 20): {median_ms(load, runs=20)}")
    print(f"pandas crypto resample to 2h (median of 20): {median_ms(lambda: resample(panel, '2h'), runs=20)}")
    print(f"pandas crypto resample to 4h (median of 20): {median_ms(lambda: resample(panel, '4h'), runs=20)}")

    def total():
        p = load()
        resample(p, "2h")
        resample(p, "4h")

    print(f"pandas crypto total: load + merge + resample 2h and 4h (median of 20): {median_ms(total, runs=20)}")


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--crypto":
        crypto(sys.argv[2])
        return
    csv = sys.argv[1] if len(sys.argv) > 1 else "Experiments/data/sp500-20-daily.csv.gz"
    frame = pd.read_csv(csv, index_col=0, parse_dates=True)
    print(f"pandas {pd.__version__}: {csv}, {frame.shape[0]} bars x {frame.shape[1]} assets")
    ms = median_ms(lambda: pd.read_csv(csv, index_col=0, parse_dates=True), runs=50)
    print(f"pandas.read_csv(index_col=0, parse_dates=True), median of 50: {ms}")
    ms = median_ms(lambda: pd.read_csv(csv, parse_dates=True), runs=50)
    print(f"pandas.read_csv(parse_dates=True), median of 50: {ms}")
    if len(sys.argv) > 2:
        import h5py

        path = sys.argv[2]

        def read_h5():
            with h5py.File(path, "r") as f:
                g = f["bars"]
                ts = g["timestamps"][()]
                close = g["close"][()]
                tradable = g["tradable"][()] if "tradable" in g else None
                assets = g["assets"][()]
                return ts, close, tradable, assets

        ts, close, _, _ = read_h5()
        print(f"h5py {h5py.__version__}: {path}, close {close.shape}")
        ms = median_ms(read_h5, runs=200)
        print(f"h5py open + read timestamps, close, tradable, assets, median of 200: {ms}")


if __name__ == "__main__":
    main()
