#!/usr/bin/env python3
"""Reference reader for MarketGym checkpoints: h5py + numpy only.

Loads a checkpoint's /policy, rebuilds the Q-network's forward pass, applies the observation
normalization when the checkpoint has one, and prints the greedy action of every observation.

    python3 scripts/read_checkpoint.py CHECKPOINT.h5 OBSERVATIONS.(npy|csv)

Observations: a 2-D array [rows, observationSize] (.npy) or comma-separated rows (.csv, no header).
Output: one line per observation, the greedy choice of each action branch separated by spaces
(one number for a Discrete action space, one per dimension for MultiDiscrete).

Weight layout (docs/dqn.md, docs/checkpoint-format.md): every Linear layer stores `weight` as
[out, in] (PyTorch's layout) and `bias` as [out]; a layer computes y = x @ weight.T + bias.
DQN parameter names:
    q.trunk.layers.<2k>.weight|bias   hidden layer k, followed by the activation (relu or tanh)
    q.head.<d>.weight|bias            branch d: Q values, or advantages when dueling
    q.head.value.weight|bias          dueling only: V(s), shared by all branches
    Q_d = V + A_d - mean(A_d)         (dueling), else Q_d = head d's output
Greedy action of branch d = argmax Q_d (first index on ties, as numpy and torch).

Integrity header (docs/checkpoint-format.md): files MarketGym writes start with a 512-byte HDF5 user
block holding "marketgym-integrity 1", "crc32 <8 hex digits>" and "bytes <n>" lines; the CRC-32
(zlib.crc32) of the n bytes after the block must match before the file is handed to h5py, since
libhdf5 may crash on damaged metadata. `verify_integrity` checks it; files without it are read as is.
"""
import sys
import zlib

import h5py
import numpy as np


class CheckpointError(Exception):
    pass


MAGIC = b"marketgym-integrity 1\n"
USER_BLOCK = 512


def verify_integrity(path):
    """Checks the integrity header; returns True when verified, False when the file has none."""
    with open(path, "rb") as f:
        block = f.read(USER_BLOCK)
        if len(block) < USER_BLOCK or not block.startswith(MAGIC):
            return False
        fields = dict(line.split(" ", 1) for line in block.rstrip(b"\0").decode("ascii").splitlines()[1:] if " " in line)
        try:
            recorded_crc, recorded_bytes = int(fields["crc32"], 16), int(fields["bytes"])
        except (KeyError, ValueError):
            raise CheckpointError(f"{path} is damaged: its integrity header is unreadable")
        crc, size = 0, 0
        while chunk := f.read(1 << 20):
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
    if size != recorded_bytes:
        raise CheckpointError(f"{path} is damaged: {size} bytes after the header, the header records {recorded_bytes}")
    if crc != recorded_crc:
        raise CheckpointError(f"{path} is damaged: CRC-32 {crc:08x}, the header records {recorded_crc:08x}")
    return True


def load_policy(path):
    verify_integrity(path)
    with h5py.File(path, "r") as f:
        if f.attrs.get("format") != "marketgym-checkpoint":
            raise CheckpointError(f"{path} is not a MarketGym checkpoint (format attribute: {f.attrs.get('format')!r})")
        if int(f.attrs.get("formatVersion", -1)) != 1:
            raise CheckpointError(f"{path} has format version {f.attrs.get('formatVersion')}; this reader reads version 1")
        if int(f.attrs.get("complete", 0)) != 1:
            raise CheckpointError(f"{path} is incomplete (interrupted write); use the previous checkpoint")
        g = f["policy"]
        spec = {k: g.attrs[k] for k in g.attrs}
        params = {name: np.asarray(g["parameters"][name], dtype=np.float32) for name in g["parameters"].attrs["order"]}
        norm = None
        if "normalization" in g:
            n = g["normalization"]
            norm = dict(mean=np.asarray(n["mean"], dtype=np.float64), variance=np.asarray(n["variance"], dtype=np.float64),
                        epsilon=float(n.attrs["epsilon"]), clip=float(n.attrs["clip"]))
    return spec, params, norm


def greedy_actions(spec, params, norm, obs):
    network = str(spec["network"])
    if network not in ("qValues", "branchingQValues"):
        raise CheckpointError(f"network kind {network!r}: this reader implements the DQN Q-networks (qValues, branchingQValues)")
    x = np.asarray(obs, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != len(spec["observationNames"]):
        raise CheckpointError(f"observations have shape {x.shape}; the policy expects [rows, {len(spec['observationNames'])}]")
    if norm is not None:
        z = (x.astype(np.float64) - norm["mean"]) / np.sqrt(norm["variance"] + norm["epsilon"])
        x = np.clip(z, -norm["clip"], norm["clip"]).astype(np.float32)
    act = {"relu": lambda v: np.maximum(v, 0), "tanh": np.tanh}[str(spec["activation"])]
    h = x
    for k in range(len(spec["hidden"])):
        h = act(h @ params[f"q.trunk.layers.{2 * k}.weight"].T + params[f"q.trunk.layers.{2 * k}.bias"])
    branches = len(spec["actionShape"]) if network == "branchingQValues" else 1
    dueling = int(spec["dueling"]) == 1
    v = h @ params["q.head.value.weight"].T + params["q.head.value.bias"] if dueling else None
    choices = []
    for d in range(branches):
        q = h @ params[f"q.head.{d}.weight"].T + params[f"q.head.{d}.bias"]
        if dueling:
            q = v + (q - q.mean(axis=1, keepdims=True))
        choices.append(np.argmax(q, axis=1))
    return np.stack(choices, axis=1)


def load_observations(path):
    if path.endswith(".npy"):
        return np.load(path)
    return np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[0] + "\nusage: read_checkpoint.py CHECKPOINT.h5 OBSERVATIONS.(npy|csv)", file=sys.stderr)
        return 2
    try:
        spec, params, norm = load_policy(argv[1])
        actions = greedy_actions(spec, params, norm, load_observations(argv[2]))
    except (CheckpointError, KeyError, OSError, ValueError) as e:
        print(f"read_checkpoint: {e}", file=sys.stderr)
        return 1
    for row in actions:
        print(" ".join(str(int(a)) for a in row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
