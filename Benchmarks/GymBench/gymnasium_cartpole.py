#!/usr/bin/env python3
"""Gymnasium's CartPole-v1 stepping speed, the peer of GymBench (same machine, same step counts).

    .venv-bench/bin/python Benchmarks/GymBench/gymnasium_cartpole.py

Prints env steps/s, median of 3 runs, for: gym.make("CartPole-v1") (TimeLimit, OrderEnforcing,
PassiveEnvChecker: what users step), the bare CartPoleEnv, and 64 copies through
gym.make_vec(..., vectorization_mode="sync") (SyncVectorEnv, Gymnasium's default next-step
autoreset) and "vector_entry_point" (CartPoleVectorEnv, numpy-batched).
Random actions are drawn before timing, as in GymBench.
"""
import time

import gymnasium as gym
import numpy as np
from gymnasium.envs.classic_control.cartpole import CartPoleEnv


def median_rate(run, env_steps):
    rates = []
    for _ in range(3):
        t0 = time.perf_counter()
        run()
        rates.append(env_steps / (time.perf_counter() - t0))
    rates.sort()
    return rates


def single(make, steps):
    actions = np.random.default_rng(1).integers(0, 2, size=steps).tolist()

    def run():
        env = make()
        env.reset(seed=0)
        for a in actions:
            _, _, terminated, truncated, _ = env.step(a)
            if terminated or truncated:
                env.reset()
        env.close()

    return median_rate(run, steps)


def vector(mode, m, steps):
    actions = np.random.default_rng(2).integers(0, 2, size=(steps, m))

    def run():
        envs = gym.make_vec("CartPole-v1", num_envs=m, vectorization_mode=mode)
        envs.reset(seed=0)
        for t in range(steps):
            envs.step(actions[t])
        envs.close()

    return median_rate(run, m * steps)


def report(label, rates):
    print(f"{label}: {int(rates[1])} env steps/s (median of 3; {1e9 / rates[1]:.1f} ns per env step; min {int(rates[0])}, max {int(rates[2])})")


if __name__ == "__main__":
    print(f"gymnasium {gym.__version__}, numpy {np.__version__}")
    report("gym.make('CartPole-v1'), 1 env", single(lambda: gym.make("CartPole-v1"), 200_000))
    report("CartPoleEnv (no wrappers), 1 env", single(CartPoleEnv, 200_000))
    report("make_vec sync, 64 envs", vector("sync", 64, 2_000))
    report("make_vec vector_entry_point (numpy CartPoleVectorEnv), 64 envs", vector("vector_entry_point", 64, 20_000))
