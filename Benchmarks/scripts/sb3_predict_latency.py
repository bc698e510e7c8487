#!/usr/bin/env python3
"""Side-by-side peer for RuntimeBench: SB3 DQN `model.predict` latency on the same network.

    swift run -c release RuntimeBench /tmp/rb          # writes the checkpoint and observations
    .venv-bench/bin/python Benchmarks/scripts/sb3_predict_latency.py /tmp/rb [--threads N]

Loads RuntimeBench's parameters (CSV export of the checkpoint; checked against the HDF5 file when h5py is there), builds an SB3 DQN with the same architecture
(net_arch [256, 256], ReLU), copies the weights into `q_net`, checks that SB3's greedy actions
equal the Swift runtime's on the same observations, then times one observation at a time:
`model.predict(obs, deterministic=True)` (what a Python daemon calls) and the bare
`q_net` forward under `torch.no_grad()`. Reports median, p90, p99 in microseconds.
"""
import argparse
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import DQN

try:
    import h5py
except ImportError:  # the SB3 venv may lack it; the CSV export is exact
    h5py = None


class Spec(gym.Env):
    def __init__(self, obs_size, actions):
        self.observation_space = gym.spaces.Box(-10, 10, shape=(obs_size,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(actions)

    def reset(self, seed=None, options=None):
        return np.zeros(self.observation_space.shape, dtype=np.float32), {}

    def step(self, action):
        return np.zeros(self.observation_space.shape, dtype=np.float32), 0.0, False, False, {}


def stats(label, times):
    t = np.sort(np.asarray(times)) * 1e6
    q = lambda p: t[min(len(t) - 1, int(p * len(t)))]
    print(f"{label:44s} median {q(0.5):8.2f} µs   p90 {q(0.9):8.2f} µs   p99 {q(0.99):8.2f} µs  ({len(t)} calls)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--calls", type=int, default=20000)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    names = ["q.trunk.layers.0", "q.trunk.layers.2", "q.head.0"]
    params = {}
    for name in names:
        for part in ("weight", "bias"):
            v = np.loadtxt(f"{a.dir}/runtime_bench_{name}.{part}.csv", delimiter=",", dtype=np.float32, ndmin=2)
            params[f"{name}.{part}"] = v if part == "weight" else v.reshape(-1)
    if h5py is not None:  # cross-check the CSV export against the checkpoint itself
        with h5py.File(f"{a.dir}/runtime_bench_policy.h5", "r") as f:
            for k, v in params.items():
                assert np.array_equal(np.asarray(f["policy/parameters"][k]), v), k
    obs_size = params["q.trunk.layers.0.weight"].shape[1]
    actions = params["q.head.0.weight"].shape[0]
    obs = np.loadtxt(f"{a.dir}/runtime_bench_obs.csv", delimiter=",", dtype=np.float32, ndmin=2)
    swift_actions = np.loadtxt(f"{a.dir}/runtime_bench_actions.txt", dtype=np.int64)

    model = DQN("MlpPolicy", Spec(obs_size, actions), policy_kwargs=dict(net_arch=[256, 256]), device="cpu", seed=0)
    seq = model.q_net.q_net
    linears = [m for m in seq if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():
        for lin, name in zip(linears, names):
            lin.weight.copy_(torch.from_numpy(params[name + ".weight"]))
            lin.bias.copy_(torch.from_numpy(params[name + ".bias"]))
    sb3_actions = np.array([int(model.predict(o, deterministic=True)[0]) for o in obs])
    agree = int((sb3_actions == swift_actions).sum())
    print(f"SB3 {__import__('stable_baselines3').__version__}, torch {torch.__version__}, threads {torch.get_num_threads()}; "
          f"greedy actions equal to the Swift runtime's on {agree}/{len(obs)} observations")

    n = len(obs)
    for i in range(2000):
        model.predict(obs[i % n], deterministic=True)
    times = []
    for i in range(a.calls):
        o = obs[i % n]
        t0 = time.perf_counter()
        model.predict(o, deterministic=True)
        times.append(time.perf_counter() - t0)
    stats("SB3 model.predict(obs, deterministic=True)", times)

    q = model.q_net.q_net
    tensors = [torch.from_numpy(o).unsqueeze(0) for o in obs]
    times = []
    with torch.no_grad():
        for i in range(2000):
            q(tensors[i % n])
        for i in range(a.calls):
            t0 = time.perf_counter()
            q(tensors[i % n]).argmax(dim=1)
            times.append(time.perf_counter() - t0)
    stats("torch q_net forward + argmax (no_grad)", times)


if __name__ == "__main__":
    main()
