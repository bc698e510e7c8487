#!/usr/bin/env python3
"""Time to solve CartPole-v1 with SB3 (evaluation mean return >= 475 over 10 deterministic
episodes): the peer of `DQNBench solve` and `PPOBench solve` (docs/benchmarks/time-to-solve.md).

RL Zoo settings, as in sb3_dqn_cartpole.py / sb3_ppo_cartpole.py. A callback evaluates at the first
rollout start at or after every --eval-every steps (after that rollout's training, as MarketGym's
chunked `train(untilStep:)`), pauses the clock during evaluation and stops training once solved.

    .venv-bench/bin/python Benchmarks/scripts/sb3_time_to_solve.py --algo dqn|ppo --seeds 0,1 [--threads 1]
Prints one `solve side=sb3 ...` line per seed.
"""
import argparse
import time

import gymnasium as gym
import torch
from stable_baselines3 import DQN, PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env


def linear(initial):
    return lambda progress_remaining: progress_remaining * initial


class SolveCallback(BaseCallback):
    def __init__(self, every, eval_seed, threshold=475.0):
        super().__init__()
        self.every, self.next, self.eval_seed, self.threshold = every, every, eval_seed, threshold
        self.eval_seconds, self.eval_cpu, self.solved, self.solved_at, self.last = 0.0, 0.0, False, 0, 0.0

    def evaluate(self):
        t0, c0 = time.perf_counter(), time.process_time()
        env = gym.make("CartPole-v1")
        total = 0.0
        for k in range(10):
            obs, _ = env.reset(seed=self.eval_seed + k)
            done = False
            while not done:
                action, _ = self.model.predict(obs, deterministic=True)
                obs, reward, terminated, truncated, _ = env.step(action)
                total += reward
                done = terminated or truncated
        self.last = total / 10
        self.eval_seconds += time.perf_counter() - t0
        self.eval_cpu += time.process_time() - c0
        if self.last >= self.threshold:
            self.solved, self.solved_at = True, self.num_timesteps

    def _on_rollout_start(self):
        if not self.solved and self.num_timesteps >= self.next:
            self.next = self.num_timesteps + self.every
            self.evaluate()

    def _on_step(self):
        return not self.solved


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--algo", choices=["dqn", "ppo"], required=True)
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--eval-every", type=int, default=0, help="0: 2048 for DQN, 8192 for PPO")
    ap.add_argument("--max-steps", type=int, default=0, help="0: the Zoo budget, 50k DQN, 100k PPO")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (0: torch's default)")
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    every = a.eval_every or (2048 if a.algo == "dqn" else 8192)
    max_steps = a.max_steps or (50_000 if a.algo == "dqn" else 100_000)
    for seed in [int(s) for s in a.seeds.split(",")]:
        if a.algo == "dqn":
            model = DQN("MlpPolicy", "CartPole-v1", learning_rate=2.3e-3, batch_size=64, buffer_size=100_000,
                        learning_starts=1_000, gamma=0.99, target_update_interval=10, train_freq=256, gradient_steps=128,
                        exploration_fraction=0.16, exploration_final_eps=0.04, policy_kwargs=dict(net_arch=[256, 256]),
                        seed=seed, device="cpu", verbose=0)
        else:
            env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
            model = PPO("MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20,
                        ent_coef=0.0, learning_rate=linear(1e-3), clip_range=linear(0.2), seed=seed, device="cpu", verbose=0)
        cb = SolveCallback(every, 1_000 + seed * 100)
        t0, c0 = time.perf_counter(), time.process_time()
        model.learn(total_timesteps=max_steps, callback=cb)
        if not cb.solved:
            cb.evaluate()  # the end of the budget, as MarketGym's last chunk
        wall, cpu = time.perf_counter() - t0 - cb.eval_seconds, time.process_time() - c0 - cb.eval_cpu
        steps = cb.solved_at if cb.solved else model.num_timesteps
        print(f"solve side=sb3 algo={a.algo} seed={seed} solved={int(cb.solved)} steps={steps} train_s={wall:.3f} "
              f"train_cpu_s={cpu:.3f} eval_s={cb.eval_seconds:.3f} last_eval={cb.last:.1f}", flush=True)


if __name__ == "__main__":
    main()
