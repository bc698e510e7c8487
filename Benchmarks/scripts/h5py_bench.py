#!/usr/bin/env python3
"""h5py peer of Benchmarks/HDF5Bench (same workload, same data, same settings; see its header).

Output: one JSON object per line {"name", "seconds", "bytes", "mbps"} (MB = 10^6 bytes).
Usage: h5py_bench.py [folder] [--quick]
"""
import json, os, shutil, sys, tempfile, time

import h5py
import numpy as np

args = sys.argv[1:]
quick = "--quick" in args
paths = [a for a in args if not a.startswith("--")]
folder = os.path.join(paths[0] if paths else tempfile.gettempdir(), "marketgym-h5pybench-%d" % os.getpid())
os.makedirs(folder, exist_ok=True)

width, batch_rows = 64, 1000
total_rows = 100_000 if quick else 1_000_000
read_batches = 1_000 if quick else 10_000
read_rows = 256


def batch(index):
    # Same formula as HDF5Bench: 16 bits of a splitmix64-style hash of the element index.
    x = np.arange(index * batch_rows * width, (index + 1) * batch_rows * width, dtype=np.uint64)
    x = x * np.uint64(0x9E3779B97F4A7C15)
    x ^= x >> np.uint64(29)
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(32)
    values = (x >> np.uint64(48)).astype(np.float32) / np.float32(256) - np.float32(128)
    return values.reshape(batch_rows, width)


batches = [batch(b) for b in range(50)]
print(json.dumps({"name": "data_checksum", "value": float(sum(b.astype(np.float64).sum() for b in batches))}), flush=True)


def report(name, seconds, nbytes):
    print(json.dumps({"name": name, "seconds": seconds, "bytes": nbytes, "mbps": nbytes / seconds / 1e6}), flush=True)


def append_all(path, gzip):
    start = time.perf_counter()
    with h5py.File(path, "w") as f:
        kwargs = {"compression": "gzip", "compression_opts": gzip} if gzip is not None else {}
        ds = f.create_dataset("obs", shape=(0, width), maxshape=(None, width), dtype=np.float32,
                              chunks=(batch_rows, width), **kwargs)
        n = 0
        for b in range(total_rows // batch_rows):
            ds.resize((n + batch_rows, width))
            ds[n:n + batch_rows] = batches[b % len(batches)]
            n += batch_rows
    return time.perf_counter() - start


plain = os.path.join(folder, "plain.h5")
gz = os.path.join(folder, "gzip.h5")
written = total_rows * width * 4
try:
    report("append_plain", append_all(plain, None), written)
    report("append_gzip4", append_all(gz, 4), written)

    rng = np.random.default_rng(20261122)

    def read_scattered(path):
        nbytes, checksum = 0, 0.0
        with h5py.File(path, "r", rdcc_nbytes=0) as f:
            ds = f["obs"]
            start = time.perf_counter()
            for _ in range(read_batches):
                idx = np.unique(rng.integers(0, total_rows, read_rows))  # sorted, distinct
                rows = ds[idx]
                nbytes += rows.nbytes
                checksum += float(rows[0, 0])
            return time.perf_counter() - start, nbytes

    def read_ranges(path):
        nbytes, checksum = 0, 0.0
        with h5py.File(path, "r", rdcc_nbytes=0) as f:
            ds = f["obs"]
            start = time.perf_counter()
            for _ in range(read_batches):
                s = int(rng.integers(0, total_rows - read_rows + 1))
                rows = ds[s:s + read_rows]
                nbytes += rows.nbytes
                checksum += float(rows[0, 0])
            return time.perf_counter() - start, nbytes

    report("read_scattered_plain", *read_scattered(plain))
    report("read_ranges_plain", *read_ranges(plain))
    report("read_ranges_gzip4", *read_ranges(gz))
finally:
    shutil.rmtree(folder, ignore_errors=True)
