#!/usr/bin/env python3
"""SB3 DQN (sizing) and PPO (weights) on the NumPy port of MarketGym's S&P env: the peer of
`DQNBench market-speed` and `PPOBench market-speed` (docs/benchmarks/market-training.md).

The env is `NumpyMarketEnv` of env_bench.py (20 assets, window 10, 3 prediction features, the same
345-float observation and step semantics as MarketGym's default env) on the bundled S&P bars and
walk-forward predictions (Experiments/data), train split 1990-2014, wrapped as a Gymnasium env.
Settings: DQN as `marketDQNConfig` in DQNBench (SB3 defaults except gamma 0.9, buffer 100k,
learning_starts 5000, batch 64, net [64, 64], exploration 0.2 -> 0.02); PPO with SB3's defaults
(PolicyGradientConfig's defaults in MarketGym). One torch thread unless --threads says otherwise.

    .venv-bench/bin/python Benchmarks/scripts/sb3_market.py --algo dqn|ppo [--steps 20000] [--seeds 0]
Prints one `market side=sb3 ...` line per seed (wall, CPU, env steps per second of `learn`).
"""
import argparse
import os
import sys
import time

import gymnasium as gym
import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from env_bench import NumpyMarketEnv  # noqa: E402

DATA = os.path.join(HERE, "..", "..", "Experiments", "data")


def load_sp500(start="1990-01-01", end="2014-12-31"):
    """Closes [T, N] and features [T, N, 3] (pred_h1, pred_h5, pred_h20) of the train split."""
    closes = pd.read_csv(os.path.join(DATA, "sp500-20-daily.csv.gz"), index_col=0, parse_dates=True)
    closes = closes.loc[start:end].ffill().bfill()
    preds = pd.read_csv(os.path.join(DATA, "sp500-20-daily.predictions.csv.gz"), parse_dates=["timestamp"])
    names = ["pred_h1", "pred_h5", "pred_h20"]
    F = np.zeros((len(closes), closes.shape[1], 3), dtype=np.float32)
    for k, name in enumerate(names):
        table = preds.pivot(index="timestamp", columns="asset", values=name)
        table = table.reindex(index=closes.index, columns=closes.columns).fillna(0)
        F[:, :, k] = table.values
    return closes, F


class WeightsMarketEnv(NumpyMarketEnv):
    """The `weights` scheme: one score in [-1, 1] per asset, times max_weight, then the projection."""

    def target(self, actions):
        return np.clip(actions, -1, 1) * self.max_weight


class MarketGymnasiumEnv(gym.Env):
    """One copy of the NumPy env as a Gymnasium env (sizing: Discrete(5); weights: Box(-1, 1, N))."""

    def __init__(self, closes, F, scheme, seed):
        cls = WeightsMarketEnv if scheme == "weights" else NumpyMarketEnv
        with np.errstate(invalid="ignore", divide="ignore"):  # the base signal (replaced below) has all-zero rows
            self.env = cls(closes, F, 1, seed=seed)
        # MarketGym's default signal feature is pred_h5 (docs/market-env.md).
        z = F[:, :, 1] - F[:, :, 1].mean(axis=1, keepdims=True)
        self.env.unit = z / np.maximum(np.abs(z).sum(axis=1, keepdims=True), 1e-12)
        n_obs = self.env.obs.shape[1]
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (n_obs,), np.float32)
        if scheme == "weights":
            self.action_space = gym.spaces.Box(-1, 1, (self.env.N,), np.float32)
        else:
            self.action_space = gym.spaces.Discrete(len(self.env.levels))
        self.scheme = scheme
        self.ended = True

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        if not self.ended:  # a reset mid-episode starts a new one; after an end the env already did
            self.env.reset_all()
        self.ended = False
        return self.env.observe()[0].copy(), {}

    def step(self, action):
        a = np.asarray(action, dtype=np.float64)[None, :] if self.scheme == "weights" else np.array([int(action)])
        obs, reward, done = self.env.step(a)
        self.ended = bool(done[0])
        return obs[0].copy(), float(reward[0]), False, self.ended, {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--algo", choices=["dqn", "ppo"], required=True)
    ap.add_argument("--steps", type=int, default=20_000)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (0: torch's default)")
    a = ap.parse_args()
    import torch
    from stable_baselines3 import DQN, PPO
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    closes, F = load_sp500()
    for seed in [int(s) for s in a.seeds.split(",")]:
        if a.algo == "dqn":
            env = MarketGymnasiumEnv(closes, F, "sizing", seed)
            model = DQN("MlpPolicy", env, learning_rate=1e-4, buffer_size=100_000, learning_starts=5_000, batch_size=64,
                        gamma=0.9, train_freq=4, gradient_steps=1, target_update_interval=1_000,
                        exploration_fraction=0.2, exploration_final_eps=0.02, policy_kwargs=dict(net_arch=[64, 64]),
                        seed=seed, device="cpu", verbose=0)
        else:
            env = MarketGymnasiumEnv(closes, F, "weights", seed)
            model = PPO("MlpPolicy", env, seed=seed, device="cpu", verbose=0)
        t0, c0 = time.perf_counter(), time.process_time()
        model.learn(total_timesteps=a.steps)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"market side=sb3 algo={a.algo} seed={seed} steps={model.num_timesteps} wall_s={wall:.3f} cpu_s={cpu:.3f} "
              f"steps_per_s={model.num_timesteps / wall:.1f} torch={torch.__version__} threads={torch.get_num_threads()}", flush=True)


if __name__ == "__main__":
    main()
