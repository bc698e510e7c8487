#!/usr/bin/env python3
"""Golden trajectories of Gymnasium's CartPole-v1 and running-statistics normalization, for GymTests.

Run once (needs gymnasium + numpy, e.g. in .venv-bench):
    make bench-venv   # .venv-bench from Benchmarks/requirements.txt
    .venv-bench/bin/python scripts/goldens/cartpole_goldens.py Tests/GymTests/Goldens

Writes:
  cartpole_v1.json      trajectories of gymnasium.make("CartPole-v1") from set start states under
                        fixed action sequences: float64 states, float32 observations, rewards,
                        terminated, truncated (TimeLimit included).
  normalization.json    batches of observations/rewards/dones pushed through Gymnasium's
                        RunningMeanStd (float64) with Stable-Baselines3 VecNormalize's step rule:
                        obs_rms.update(obs); clip((obs-mean)/sqrt(var+eps)); returns = returns*gamma + r;
                        ret_rms.update(returns); clip(r/sqrt(ret_var+eps)); returns[dones] = 0.
The Swift tests read only these JSON files; gymnasium is not needed at test time.
"""
import json
import os
import sys

import gymnasium as gym
import numpy as np
from gymnasium.wrappers.utils import RunningMeanStd


def cartpole_trajectory(start, actions=None, policy=None, max_steps=600):
    env = gym.make("CartPole-v1")
    env.reset(seed=0)
    env.unwrapped.state = np.array(start, dtype=np.float64)
    steps = []
    state = np.array(start, dtype=np.float64)
    for t in range(max_steps):
        if actions is not None:
            if t >= len(actions):
                break
            a = int(actions[t])
        else:
            a = int(policy(state))
        obs, reward, terminated, truncated, _ = env.step(a)
        state = np.array(env.unwrapped.state, dtype=np.float64)
        steps.append({
            "action": a,
            "state": [float(v) for v in state],
            "observation": [float(v) for v in np.asarray(obs, dtype=np.float32)],
            "reward": float(reward),
            "terminated": bool(terminated),
            "truncated": bool(truncated),
        })
        if terminated or truncated:
            break
    env.close()
    return {"start": [float(v) for v in start], "steps": steps}


def balancing_policy(s):
    x, x_dot, theta, theta_dot = s
    return 1 if (theta * 10.0 + theta_dot * 2.0 + x * 0.1 + x_dot * 0.5) > 0 else 0


def cartpole_goldens():
    rng = np.random.default_rng(20240601)
    trajectories = []
    # Random pushes from a typical start until the pole falls.
    trajectories.append(cartpole_trajectory([0.01, -0.02, 0.03, 0.04], actions=rng.integers(0, 2, size=200)))
    # Always right from a leaning pole: terminates on the angle within a few steps.
    trajectories.append(cartpole_trajectory([0.0, 0.0, 0.2, 0.5], actions=[1] * 50))
    # Fast cart heading out: terminates on the position.
    trajectories.append(cartpole_trajectory([2.3, 1.5, 0.0, 0.0], actions=[1] * 50))
    # Large angular velocities (exercises the sin/cos terms away from 0).
    trajectories.append(cartpole_trajectory([-0.5, -1.0, -0.15, 2.0], actions=rng.integers(0, 2, size=100)))
    # A balancing controller: reaches the 500-step TimeLimit (truncated, not terminated).
    long = cartpole_trajectory([0.02, 0.0, -0.01, 0.0], policy=balancing_policy)
    assert long["steps"][-1]["truncated"] and len(long["steps"]) == 500, "balancing policy did not reach the time limit"
    trajectories.append(long)
    return {
        "source": f"gymnasium {gym.__version__}, numpy {np.__version__}: gymnasium.make('CartPole-v1'), env.unwrapped.state set after reset",
        "trajectories": trajectories,
    }


def normalization_case(m, steps, seed, gamma=0.99, clip_obs=10.0, clip_reward=10.0, eps=1e-8):
    rng = np.random.default_rng(seed)
    scale = np.array([1.0, 10.0, 100.0, 0.01])
    shift = np.array([0.5, -3.0, 40.0, 0.0])
    obs0 = (rng.normal(size=(m, 4)) * scale + shift).astype(np.float32)
    obs = (rng.normal(size=(steps, m, 4)) * scale + shift).astype(np.float32)
    rewards = rng.normal(loc=1.0, scale=2.0, size=(steps, m))
    dones = rng.random(size=(steps, m)) < 0.05

    obs_rms = RunningMeanStd(shape=(4,), dtype=np.float64)
    ret_rms = RunningMeanStd(shape=(), dtype=np.float64)
    returns = np.zeros(m)

    def norm_obs(o):
        return np.clip((o - obs_rms.mean) / np.sqrt(obs_rms.var + eps), -clip_obs, clip_obs).astype(np.float32)

    obs_rms.update(obs0.astype(np.float64))
    reset_norm = norm_obs(obs0.astype(np.float64))
    norm_obs_steps, norm_rew_steps = [], []
    for t in range(steps):
        o = obs[t].astype(np.float64)
        obs_rms.update(o)
        norm_obs_steps.append(norm_obs(o))
        returns = returns * gamma + rewards[t]
        ret_rms.update(returns)
        norm_rew_steps.append(np.clip(rewards[t] / np.sqrt(ret_rms.var + eps), -clip_reward, clip_reward))
        returns[dones[t]] = 0
    return {
        "environments": m,
        "reset_observations": obs0.astype(np.float64).tolist(),
        "observations": obs.astype(np.float64).tolist(),
        "rewards": rewards.tolist(),
        "dones": dones.tolist(),
        "expected_reset_observations": reset_norm.astype(np.float64).tolist(),
        "expected_observations": np.array(norm_obs_steps).astype(np.float64).tolist(),
        "expected_rewards": np.array(norm_rew_steps).tolist(),
        "observation_mean": obs_rms.mean.tolist(),
        "observation_variance": obs_rms.var.tolist(),
        "observation_count": float(obs_rms.count),
        "return_mean": float(ret_rms.mean),
        "return_variance": float(ret_rms.var),
        "return_count": float(ret_rms.count),
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/GymTests/Goldens"
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "cartpole_v1.json"), "w") as f:
        json.dump(cartpole_goldens(), f, separators=(",", ":"))
    norm = {
        "source": f"gymnasium {gym.__version__} RunningMeanStd (float64) with SB3 VecNormalize's step rule",
        "gamma": 0.99, "clip_obs": 10.0, "clip_reward": 10.0, "epsilon": 1e-8,
        "cases": [normalization_case(1, 150, 7), normalization_case(4, 100, 8)],
    }
    with open(os.path.join(out, "normalization.json"), "w") as f:
        json.dump(norm, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
