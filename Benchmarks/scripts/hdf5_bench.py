#!/usr/bin/env python3
"""Runs the HDF5 benchmark side by side: MarketGym's HDF5Bench (release build) and h5py_bench.py,
alternating for several rounds on the same machine, and prints a markdown table of median MB/s
with the ratio MarketGym / h5py (above 1 = MarketGym faster).

Usage (from the repository root):
    python3 Benchmarks/scripts/hdf5_bench.py [--rounds 3] [--quick] [--folder /tmp]
"""
import argparse, json, os, statistics, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
package = os.path.dirname(here)

parser = argparse.ArgumentParser()
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--quick", action="store_true", help="100k rows, 1k read batches (smoke run)")
parser.add_argument("--folder", default=None, help="where the benchmark files go (default: system temp)")
args = parser.parse_args()

subprocess.run(["swift", "build", "-c", "release", "--product", "HDF5Bench"], cwd=package, check=True,
               stdout=subprocess.DEVNULL)
binary = os.path.join(package, ".build", "release", "HDF5Bench")
extra = ([args.folder] if args.folder else []) + (["--quick"] if args.quick else [])


def run(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


results = {"swift": {}, "h5py": {}}
checksums = {}
for round_ in range(args.rounds):
    for side, command in (("swift", [binary] + extra), ("h5py", [sys.executable, os.path.join(here, "h5py_bench.py")] + extra)):
        for record in run(command):
            if record["name"] == "data_checksum":
                checksums.setdefault(side, record["value"])
                continue
            results[side].setdefault(record["name"], []).append(record["mbps"])
        print("round %d %s done" % (round_ + 1, side), file=sys.stderr, flush=True)

import h5py  # noqa: E402  (only for the version line)
print("libhdf5: MarketGym %s (Debian), h5py %s with HDF5 %s; data checksum %s"
      % ("1.10.8", h5py.__version__, h5py.version.hdf5_version,
         "identical" if checksums.get("swift") == checksums.get("h5py") else "DIFFERENT %r" % checksums))
print("median of %d rounds, MB/s (10^6 bytes of float32 payload per second)\n" % args.rounds)
print("| benchmark | MarketGym HDF5 | h5py | ratio | MarketGym rounds | h5py rounds |")
print("|---|---:|---:|---:|---|---|")
for name in results["swift"]:
    s = statistics.median(results["swift"][name])
    # Variants of one workload on our side (e.g. "_libhdf5") compare with h5py's only way.
    peer = name.replace("_libhdf5", "")
    p = statistics.median(results["h5py"].get(peer, [float("nan")]))
    rounds = lambda values: " ".join("%.1f" % v for v in values)
    print("| %s | %.1f | %.1f | %.2f | %s | %s |" % (name, s, p, s / p, rounds(results["swift"][name]),
                                                     rounds(results["h5py"].get(peer, []))))
