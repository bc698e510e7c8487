#!/usr/bin/env python3
"""pandas reference for MarketGym's resampling of the bundled raw crypto-hourly files (issue 12 item 5).

Run once with pandas installed; the output is committed, so `swift test` needs no pandas:

    python3 -m venv .venv-goldens && .venv-goldens/bin/pip install pandas
    .venv-goldens/bin/python scripts/goldens/crypto_resample_goldens.py

pandas reads the four raw files of Experiments/data/crypto-hourly/ independently of MarketGym's loader,
applying the documented reading of the spec crypto-hourly.bars.yaml: `unix` is epoch milliseconds when
>= 1e11 and epoch seconds otherwise; of two rows for one hour the first in the file is kept; stamps are
bar opens, so each bar is stamped at open + 1h; volume is the `Volume USDT` column. It then resamples
each asset with resample(rule, closed="right", label="right") and first/max/min/last/sum, keeps the
intervals holding at least one bar, and drops intervals labelled after the last bar of the panel (still
open). Output: Tests/Goldens/data/crypto-resample.csv.gz with columns
  rule,timestamp,asset,open,high,low,close,volume,count
(timestamp in epoch seconds at the interval's close, values in Python's shortest round-trip repr).
"""
import gzip
import os

import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Experiments", "data", "crypto-hourly")
OUT = os.path.join(ROOT, "Tests", "Goldens", "data", "crypto-resample.csv.gz")
ASSETS = {"ADA": "Binance_ADAUSDT_1h.csv.gz", "BNB": "Binance_BNBUSDT_1h.csv.gz",
          "BTC": "Binance_BTCUSDT_1h.csv.gz", "ETH": "Binance_ETHUSDT_1h.csv.gz"}


def read(path):
    with gzip.open(path, "rt") as f:
        first = f.readline()
    skip = 0 if first.lower().startswith("unix,") else 1  # a vendor banner line, when present
    df = pd.read_csv(path, skiprows=skip)
    unix = df["unix"].astype(float)
    seconds = (unix.where(unix < 1e11, unix / 1000)).astype("int64")
    df = pd.DataFrame({"ts": seconds + 3600, "line": range(len(df)), "open": df["open"], "high": df["high"],
                       "low": df["low"], "close": df["close"], "volume": df["Volume USDT"]})
    df = df.sort_values(["ts", "line"], kind="stable").drop_duplicates("ts", keep="first")
    df.index = pd.to_datetime(df["ts"], unit="s", utc=True)
    return df[["open", "high", "low", "close", "volume"]]


def main():
    frames = {a: read(os.path.join(DATA, f)) for a, f in ASSETS.items()}
    last = max(int(f.index[-1].timestamp()) for f in frames.values())
    lines = ["rule,timestamp,asset,open,high,low,close,volume,count"]
    for rule in ["2h", "4h"]:
        rows = []
        for asset, f in frames.items():
            r = f.resample(rule, closed="right", label="right")
            agg = pd.DataFrame({"open": r["open"].first(), "high": r["high"].max(), "low": r["low"].min(),
                                "close": r["close"].last(), "volume": r["volume"].sum(), "count": r["close"].count()})
            agg = agg[agg["count"] > 0]
            for stamp, row in agg.iterrows():
                ts = int(stamp.timestamp())
                if ts > last:
                    continue
                rows.append((ts, asset, row))
        rows.sort(key=lambda x: (x[0], x[1]))
        for ts, asset, row in rows:
            values = ",".join(repr(float(row[k])) for k in ["open", "high", "low", "close", "volume"])
            lines.append(f"{rule},{ts},{asset},{values},{int(row['count'])}")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as g:
        g.write(("\n".join(lines) + "\n").encode())
    print(f"pandas {pd.__version__}: wrote {len(lines) - 1} rows to {OUT}")


if __name__ == "__main__":
    main()
