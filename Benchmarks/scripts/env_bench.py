#!/usr/bin/env python3
"""Side-by-side speed of market environments on the same synthetic data.

Runs, on one core:
  1. gym-trading-env 0.3.5 (one asset, pandas-based; its usual Python loop);
  2. a minimal NumPy vectorized market-neutral env (20 assets, window 10, 3 features, the same
     345-float observation and the same step semantics as MarketGym's sizing scheme), for 1 and 64 envs;
  3. MarketGym's EnvBench (release build): single env, 64 envs stepped in a loop, 64 envs in
     Gym's SyncVectorEnvironment, and 64 envs in MarketVectorEnv (the lockstep batch stepper);
and prints steps/s with the ratios to the NumPy vectorized env at 64 envs. The NumPy 64-env run and
EnvBench alternate `--rounds` times (medians), so both sides see the same machine load.

Setup: `make bench-venv` (the pinned Benchmarks/requirements.txt in the repository's .venv-bench)
Run:   cd Benchmarks && swift build -c release --product EnvBench \
         && ../.venv-bench/bin/python scripts/env_bench.py
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(HERE, "..", ".build", "release", "EnvBench")


def load(tmp):
    subprocess.run([BENCH, "--write-csv", tmp, "--bars", "5000"], check=True, stdout=subprocess.DEVNULL)
    closes = pd.read_csv(os.path.join(tmp, "synthetic-20.csv"), index_col=0, parse_dates=True)
    feats = pd.read_csv(os.path.join(tmp, "synthetic-20-features.csv"))
    T, N = closes.shape
    F = np.zeros((T, N, 3), dtype=np.float32)
    F[feats["bar"].values, feats["asset"].values] = feats[["pred_h1", "snr", "pred_h5"]].values
    return closes, F


def bench_gym_trading_env(closes, F, steps):
    import gymnasium as gym
    import gym_trading_env  # noqa: F401  (registers TradingEnv)

    c = closes.iloc[:, 0]
    df = pd.DataFrame({"open": c.shift(1).fillna(c.iloc[0]), "high": c, "low": c, "close": c}, index=closes.index)
    df["feature_pred"] = F[:, 0, 0]
    df["feature_snr"] = F[:, 0, 1]
    df["feature_pred5"] = F[:, 0, 2]
    df["feature_ret"] = np.log(c).diff().fillna(0)
    env = gym.make("TradingEnv", df=df, positions=[-1, 0, 1], trading_fees=0.0003, borrow_interest_rate=0.0000001,
                   max_episode_duration=252, verbose=0, disable_env_checker=True)
    rng = np.random.default_rng(0)
    env.reset(seed=0)
    actions = rng.integers(0, 3, size=steps)
    t0, c0 = time.perf_counter(), time.process_time()
    for s in range(steps):
        _, _, term, trunc, _ = env.step(int(actions[s]))
        if term or trunc:
            env.reset()
    return steps / (time.perf_counter() - t0), steps / (time.process_time() - c0)


class NumpyMarketEnv:
    """Minimal vectorized market-neutral env: B envs in lockstep, sizing actions, close execution.

    Observation per asset: 10 log returns (x100), 3 features, vol (x100), tradable, pred_ok, weight;
    then gross, net, drawdown, time, last return: 20 * 17 + 5 = 345 floats, like MarketGym's.
    """

    def __init__(self, closes, F, n_envs, window=10, vol_window=20, horizon=252, levels=(0, 0.5, 1, 1.5, 2),
                 max_weight=0.25, max_gross=2.0, fee_bps=1.0, slip_bps=2.0, borrow_bps=25.0, seed=0):
        P = closes.values
        T, N = P.shape
        lr = np.zeros((T, N), dtype=np.float32)
        lr[1:] = np.log(P[1:] / P[:-1])
        self.ret = np.zeros((T, N))
        self.ret[1:] = P[1:] / P[:-1] - 1
        # Trailing window of log returns per bar, [T, N, window], precomputed like MarketGym's blocks.
        pad = np.concatenate([np.zeros((window, N), np.float32), lr])
        self.win = np.stack([pad[window - j: window - j + T] for j in range(window)], axis=2) * 100
        vol = pd.DataFrame(lr).rolling(vol_window, min_periods=2).std().fillna(0).values.astype(np.float32)
        self.vol = np.clip(vol * 100, -10, 10)
        self.F = np.clip(F, -10, 10)
        z = F[:, :, 0] - F[:, :, 0].mean(axis=1, keepdims=True)
        self.unit = z / np.abs(z).sum(axis=1, keepdims=True)
        self.T, self.N, self.B, self.window, self.horizon = T, N, n_envs, window, horizon
        self.levels = np.array(levels)
        self.max_weight, self.max_gross = max_weight, max_gross
        self.cost_rate = (fee_bps + slip_bps) * 1e-4
        dt = np.diff(closes.index.values.astype("datetime64[s]").astype(np.int64)) / (365.25 * 86400)
        self.borrow = np.concatenate([dt, [0]]) * borrow_bps * 1e-4
        self.rng = np.random.default_rng(seed)
        self.obs = np.zeros((n_envs, N * (window + 3 + 4) + 5), np.float32)
        self.reset_all()

    def reset_all(self):
        self.t = self.rng.integers(self.window, self.T - self.horizon - 1, size=self.B)
        self.steps = np.zeros(self.B, np.int64)
        self.w = np.zeros((self.B, self.N))
        self.nav = np.ones(self.B)
        self.peak = np.ones(self.B)
        self.last = np.zeros(self.B)

    def observe(self):
        t = self.t
        blk = np.concatenate([self.win[t], self.F[t], self.vol[t][:, :, None],
                              np.ones((self.B, self.N, 2), np.float32), self.w[:, :, None].astype(np.float32)], axis=2)
        o = self.obs
        o[:, :-5] = blk.reshape(self.B, -1)
        o[:, -5] = np.abs(self.w).sum(1)
        o[:, -4] = self.w.sum(1)
        o[:, -3] = 1 - self.nav / self.peak
        o[:, -2] = self.steps / self.horizon
        o[:, -1] = np.clip(self.last * 100, -10, 10)
        return o

    def target(self, actions):
        """Raw book before the projection: sizing, a gross level index per env (subclasses override)."""
        return self.unit[self.t] * self.levels[actions][:, None]

    def step(self, actions):
        t = self.t
        tg = self.target(actions)
        tg -= tg.mean(axis=1, keepdims=True)                    # dollar-neutral
        tg = np.clip(tg, -self.max_weight, self.max_weight)      # per-asset cap
        tg -= tg.mean(axis=1, keepdims=True)
        m = np.abs(tg).max(1)
        g = np.abs(tg).sum(1)
        s = np.minimum(1, np.minimum(self.max_weight / np.maximum(m, 1e-300), self.max_gross / np.maximum(g, 1e-300)))
        tg *= s[:, None]                                         # exact caps
        turnover = np.abs(tg - self.w).sum(1)
        short = np.maximum(-tg, 0).sum(1)
        cost = self.cost_rate * turnover + self.borrow[t] * short
        r = self.ret[t + 1]
        gr = (tg * r).sum(1)
        R = gr - cost
        self.nav *= 1 + R
        self.peak = np.maximum(self.peak, self.nav)
        self.w = tg * (1 + r) / (1 + R)[:, None]
        reward = np.log1p(R)
        self.t = t + 1
        self.steps += 1
        self.last = R
        done = self.steps >= self.horizon
        if done.any():
            k = np.nonzero(done)[0]
            self.t[k] = self.rng.integers(self.window, self.T - self.horizon - 1, size=k.size)
            self.steps[k] = 0
            self.w[k] = 0
            self.nav[k] = 1
            self.peak[k] = 1
        return self.observe(), reward, done


def bench_numpy(closes, F, n_envs, steps):
    env = NumpyMarketEnv(closes, F, n_envs)
    env.observe()
    rng = np.random.default_rng(1)
    rounds = max(1, steps // n_envs)
    acts = rng.integers(0, 5, size=(1024, n_envs))
    t0, c0 = time.perf_counter(), time.process_time()
    for s in range(rounds):
        env.step(acts[s & 1023])
    return rounds * n_envs / (time.perf_counter() - t0), rounds * n_envs / (time.process_time() - c0)


def bench_marketgym(steps):
    out = subprocess.run([BENCH, "--steps", str(steps), "--repeats", "3"], check=True, capture_output=True, text=True).stdout
    rates = {}
    for line in out.splitlines():
        m = re.match(r"(single env|\d+ envs \((?:loop|Gym|batch)\)):\s+wall\s+(\d+).*cpu-time\s+(\d+)", line)
        if m:
            rates[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    return out, rates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gte-steps", type=int, default=50_000)
    ap.add_argument("--numpy-steps", type=int, default=200_000)
    ap.add_argument("--swift-steps", type=int, default=2_000_000)
    ap.add_argument("--rounds", type=int, default=3, help="alternations of NumPy 64 envs and EnvBench (medians)")
    a = ap.parse_args()
    if not os.path.exists(BENCH):
        sys.exit(f"{BENCH} not found: run `swift build -c release --product EnvBench` in Benchmarks/ first")
    with tempfile.TemporaryDirectory() as tmp:
        closes, F = load(tmp)
    print(f"data: synthetic, {closes.shape[1]} assets x {closes.shape[0]} bars, 3 features; python {sys.version.split()[0]}, numpy {np.__version__}")
    gte = bench_gym_trading_env(closes, F, a.gte_steps)
    np1 = bench_numpy(closes, F, 1, a.numpy_steps // 10)
    np64_runs, mg_runs = [], []
    for r in range(a.rounds):
        np64_runs.append(bench_numpy(closes, F, 64, a.numpy_steps * 10))
        out, mg = bench_marketgym(a.swift_steps)
        print(f"EnvBench round {r + 1}:")
        print(out.strip())
        mg_runs.append(mg)

    def med(pairs):
        pairs = [p for p in pairs if p is not None]
        if not pairs:
            return (float("nan"), float("nan"))
        return (float(np.median([p[0] for p in pairs])), float(np.median([p[1] for p in pairs])))

    def pick(suffix):
        return med([next((v for k, v in mg.items() if k.endswith(suffix)), None) for mg in mg_runs])

    np64 = med(np64_runs)
    single = pick("single env")
    vec, gymvec, batch = pick("(loop)"), pick("(Gym)"), pick("(batch)")
    rows = [
        ("gym-trading-env 0.3.5 (1 asset)", gte, 1),
        ("NumPy vectorized, 1 env (20 assets)", np1, 1),
        ("NumPy vectorized, 64 envs", np64, 64),
        ("MarketGym, 1 env", single, 1),
        ("MarketGym, 64 envs in a loop", vec, 64),
        ("MarketGym, 64 envs in Gym's SyncVectorEnvironment", gymvec, 64),
        ("MarketGym, 64 envs in MarketVectorEnv (batch)", batch, 64),
    ]
    print()
    print(f"medians over {a.rounds} alternating rounds for NumPy 64 envs and MarketGym; "
          "wall = elapsed time; cpu = the process's CPU time (robust when other jobs share the cores)")
    print("| env | envs | wall steps/s | cpu steps/s | this / NumPy 64 envs (wall) | this / NumPy 64 envs (cpu) |")
    print("|---|---|---|---|---|---|")
    for name, (wall, cpu), n in rows:
        print(f"| {name} | {n} | {wall:,.0f} | {cpu:,.0f} | {wall / np64[0]:.1f}x | {cpu / np64[1]:.1f}x |")

if __name__ == "__main__":
    main()
