"""Peer for `DQNBench replay-io`: the same replay layout (1M transitions x 64 float32 observations and
next observations, actions, rewards, flags, steps; chunks of 4,096 rows, Fletcher32, uncompressed)
saved and loaded with h5py + numpy, timed the same way (save = write to a temporary file, fsync,
rename; load = open and read every dataset into preallocated arrays).

    python3 Benchmarks/scripts/h5py_replay_io.py [--transitions 1000000] [--obs 64] [--dir /tmp]
"""
import argparse, os, tempfile, time
import h5py
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--transitions", type=int, default=1_000_000)
    ap.add_argument("--obs", type=int, default=64)
    ap.add_argument("--dir", default=tempfile.gettempdir())
    a = ap.parse_args()
    n, d = a.transitions, a.obs
    rng = np.random.default_rng(1)
    data = {
        "observations": rng.standard_normal((n, d), dtype=np.float32),
        "nextObservations": rng.standard_normal((n, d), dtype=np.float32),
        "actions": (np.arange(n, dtype=np.int32) % 11).reshape(n, 1),
        "rewards": rng.standard_normal(n, dtype=np.float32),
        "terminated": (np.arange(n) % 1000 == 0).astype(np.uint8),
        "truncated": np.zeros(n, dtype=np.uint8),
        "steps": np.arange(n, dtype=np.int32),
    }
    saves, loads, save_cpu, load_cpu = [], [], [], []
    for rep in range(3):
        path = os.path.join(a.dir, f"h5py-replay-{rep}.h5")
        tmp = path + ".tmp"
        t0, c0 = time.perf_counter(), time.process_time()
        with h5py.File(tmp, "w") as f:
            g = f.create_group("replay")
            for k, v in data.items():
                g.create_dataset(k, data=v, chunks=(min(4096, n),) + v.shape[1:], fletcher32=True)
        fd = os.open(tmp, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        os.replace(tmp, path)
        saves.append(time.perf_counter() - t0)
        save_cpu.append(time.process_time() - c0)
        t1, c1 = time.perf_counter(), time.process_time()
        out = {k: np.empty_like(v) for k, v in data.items()}
        with h5py.File(path, "r") as f:
            g = f["replay"]
            for k in data:
                g[k].read_direct(out[k])
        loads.append(time.perf_counter() - t1)
        load_cpu.append(time.process_time() - c1)
        assert np.array_equal(out["observations"], data["observations"])
        size = os.path.getsize(path)
        os.remove(path)
    med = lambda v: sorted(v)[len(v) // 2]
    print(f"h5py replay-io uncompressed: {n} transitions x {d} floats, file {size / 1e6:.0f} MB, "
          f"save {med(saves):.2f} s (CPU {med(save_cpu):.2f} s; median of 3, fsync included), "
          f"load {med(loads):.2f} s (CPU {med(load_cpu):.2f} s)")


if __name__ == "__main__":
    main()
