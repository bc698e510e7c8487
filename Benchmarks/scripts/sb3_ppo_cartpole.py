"""SB3 PPO on CartPole-v1 with the RL Zoo hyperparameters: the peer of `PPOBench cartpole`.

Same settings as Benchmarks/PPOBench (8 envs, 100k steps, n_steps 32, batch 256, GAE lambda 0.8,
gamma 0.98, 20 epochs, lr linear from 1e-3, clip linear from 0.2, entropy 0, MlpPolicy [64, 64]
tanh, orthogonal init). Prints the wall time of `learn` and the mean return of 10 deterministic
evaluation episodes per seed, in the same format as PPOBench.

    .venv-bench/bin/python Benchmarks/scripts/sb3_ppo_cartpole.py --seeds 0,1,2 [--threads N]
"""
import argparse
import time

import gymnasium as gym
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.env_util import make_vec_env


def linear(initial):
    return lambda progress_remaining: progress_remaining * initial


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"SB3 PPO CartPole-v1: {args.steps} steps, torch {torch.__version__}, threads {torch.get_num_threads()}, seeds {seeds}")
    passes = 0
    for seed in seeds:
        env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
        model = PPO("MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20,
                    ent_coef=0.0, learning_rate=linear(1e-3), clip_range=linear(0.2), seed=seed, device="cpu", verbose=0)
        t0, c0 = time.perf_counter(), time.process_time()
        model.learn(total_timesteps=args.steps)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        eval_env = gym.make("CartPole-v1")
        total = 0.0
        for k in range(10):
            obs, _ = eval_env.reset(seed=10_000 + seed * 100 + k)
            done = False
            while not done:
                action, _ = model.predict(obs, deterministic=True)
                obs, reward, terminated, truncated, _ = eval_env.step(action)
                total += reward
                done = terminated or truncated
        mean = total / 10
        passes += mean >= 475
        print(f"seed {seed}: train {seconds:.2f} s (cpu {cpu:.2f} s), eval mean return {mean:.1f}")
    print(f"eval >= 475: {passes}/{len(seeds)} seeds")


if __name__ == "__main__":
    main()
