#!/usr/bin/env python3
"""Stable-Baselines3 DQN on CartPole-v1 with RL Zoo's hyperparameters: the peer of
`swift run -c release DQNBench cartpole`.

Setup (once): python3 -m venv .venv-bench
              echo 'torch==2.13.0+cpu' > constraints.txt
              .venv-bench/bin/pip install -c constraints.txt 'torch==2.13.0+cpu' stable-baselines3
Run:          .venv-bench/bin/python Benchmarks/scripts/sb3_dqn_cartpole.py --seeds 0,1,2 [--threads 1]

Prints, per seed, the wall time of `model.learn` and the mean of 10 deterministic evaluation
episodes (fresh CartPole-v1 seeded 1000+e), in the same format as DQNBench.
"""
import argparse
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import DQN


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", default="0,1,2")
    p.add_argument("--steps", type=int, default=50_000)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    for seed in [int(s) for s in a.seeds.split(",")]:
        env = gym.make("CartPole-v1")
        # rl-baselines3-zoo hyperparams/dqn.yml, CartPole-v1
        model = DQN("MlpPolicy", env, learning_rate=2.3e-3, batch_size=64, buffer_size=100_000, learning_starts=1_000,
                    gamma=0.99, target_update_interval=10, train_freq=256, gradient_steps=128, exploration_fraction=0.16,
                    exploration_final_eps=0.04, policy_kwargs=dict(net_arch=[256, 256]), seed=seed, verbose=0, device="cpu")
        t0 = time.perf_counter()
        model.learn(total_timesteps=a.steps)
        seconds = time.perf_counter() - t0
        returns = []
        for e in range(10):
            ev = gym.make("CartPole-v1")
            obs, _ = ev.reset(seed=1000 + e)
            total, done = 0.0, False
            while not done:
                action, _ = model.predict(obs, deterministic=True)
                obs, r, term, trunc, _ = ev.step(int(action))
                total += r
                done = term or trunc
            returns.append(total)
        print(f"sb3 cartpole seed {seed} steps {a.steps}: train {seconds:.2f} s, eval mean {np.mean(returns):.1f} "
              f"{'/'.join(str(int(r)) for r in returns)}, torch threads {torch.get_num_threads()}", flush=True)


if __name__ == "__main__":
    main()
