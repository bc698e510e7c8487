#!/usr/bin/env python3
"""PyTorch peer of Benchmarks/TensorBench: the same DQN/PPO steps and single-observation inference.

Prints one JSON object per case (microseconds), like TensorBench. Needs torch (CPU):
    .venv-bench/bin/python Benchmarks/scripts/torch_bench.py [--threads 2] [--seconds 1.5] [--only case,...]
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp(sizes, act, out_act=None):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def measure(name, seconds, body, warmup=30):
    for _ in range(warmup):
        body()
    samples = []
    cpu_start = time.process_time_ns()  # all threads: insensitive to slices lost to other processes
    start = time.perf_counter_ns()
    budget = int(seconds * 1e9)
    while time.perf_counter_ns() - start < budget or len(samples) < 20:
        t0 = time.perf_counter_ns()
        body()
        samples.append((time.perf_counter_ns() - t0) / 1000)
    cpu_us = (time.process_time_ns() - cpu_start) / 1000 / len(samples)
    s = sorted(samples)
    print(json.dumps({"impl": "torch", "case": name, "median_us": round(s[len(s) // 2], 2),
                      "p99_us": round(s[min(len(s) - 1, int(len(s) * 0.99))], 2),
                      "mean_us": round(sum(samples) / len(samples), 2),
                      "cpu_us": round(cpu_us, 2), "iterations": len(samples),
                      "allocs_per_iter": None, "coretype": os.environ.get("OPENBLAS_CORETYPE", "unset")}), flush=True)


def dqn_step_fn(sizes, batch):
    """CleanRL dqn.py's update: target max without grad, TD target, smooth L1 on Q(s,a), Adam."""
    g = torch.Generator().manual_seed(1)
    q, target = mlp(sizes, nn.ReLU), mlp(sizes, nn.ReLU)
    target.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=1e-4)
    obs, next_obs = torch.randn(batch, sizes[0], generator=g), torch.randn(batch, sizes[0], generator=g)
    rewards, dones = torch.randn(batch, generator=g), torch.zeros(batch)
    actions = torch.randint(0, sizes[-1], (batch, 1), generator=g)
    gamma = 0.99

    def step():
        with torch.no_grad():
            target_max = target(next_obs).max(dim=1).values
            td_target = rewards + gamma * target_max * (1 - dones)
        old_val = q(obs).gather(1, actions).squeeze()
        loss = F.smooth_l1_loss(old_val, td_target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def ppo_step_fn(obs_size, hidden, n_act, batch):
    """CleanRL ppo.py's minibatch update (categorical), with global-norm clipping at 0.5."""
    g = torch.Generator().manual_seed(2)
    actor = mlp([obs_size, hidden, hidden, n_act], nn.Tanh)
    critic = mlp([obs_size, hidden, hidden, 1], nn.Tanh)
    params = list(actor.parameters()) + list(critic.parameters())
    opt = torch.optim.Adam(params, lr=2.5e-4, eps=1e-5)
    obs = torch.randn(batch, obs_size, generator=g)
    actions = torch.randint(0, n_act, (batch,), generator=g)
    old_logp = torch.randn(batch, generator=g) * 0.1 - math.log(n_act)
    adv, returns = torch.randn(batch, generator=g), torch.randn(batch, generator=g)

    def step():
        dist = torch.distributions.Categorical(logits=actor(obs))
        ratio = (dist.log_prob(actions) - old_logp).exp()
        pg = torch.max(-adv * ratio, -adv * torch.clamp(ratio, 0.8, 1.2)).mean()
        v_loss = 0.5 * ((critic(obs).view(-1) - returns) ** 2).mean()
        loss = pg - 0.01 * dist.entropy().mean() + 0.5 * v_loss
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(params, 0.5)
        opt.step()
    return step


def lstm_step_fn(hidden, steps, batch, inputs=16):
    """A 1-layer nn.LSTM training step: final hidden state -> Linear(H, 1), MSE, Adam (TensorBench/SequenceBench.swift)."""
    g = torch.Generator().manual_seed(4)
    lstm, head = nn.LSTM(inputs, hidden, batch_first=True), nn.Linear(hidden, 1)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
    x, y = torch.randn(batch, steps, inputs, generator=g), torch.randn(batch, 1, generator=g)

    def step():
        _, (h, _) = lstm(x)
        loss = F.mse_loss(head(h[0]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=1.5)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    only = set(filter(None, a.only.split(",")))
    wanted = lambda n: not only or n in only
    for sizes, batch in [([64, 256, 256, 11], 32), ([64, 256, 256, 11], 256), ([64, 256, 256, 11], 1024), ([4, 256, 256, 2], 64)]:
        name = "dqn_%s_b%d" % ("x".join(map(str, sizes)), batch)
        if wanted(name):
            measure(name, a.seconds, dqn_step_fn(sizes, batch))
    if wanted("ppo_64x64x64_b256"):
        measure("ppo_64x64x64_b256", a.seconds, ppo_step_fn(64, 64, 11, 256))
    if wanted("infer_64x256x256x11_b1"):
        net = mlp([64, 256, 256, 11], nn.ReLU)
        obs = torch.randn(1, 64)

        def infer():
            with torch.inference_mode():
                net(obs)
        measure("infer_64x256x256x11_b1", a.seconds, infer, warmup=1000)
    for hidden in (64, 128):
        for steps in (32, 64):
            for batch in (32, 256):
                name = "lstm_train_h%d_t%d_b%d" % (hidden, steps, batch)
                if wanted(name):
                    measure(name, a.seconds, lstm_step_fn(hidden, steps, batch), warmup=5)
    if wanted("lstm_infer_h64_t64_b1"):
        lstm, x = nn.LSTM(16, 64, batch_first=True), torch.randn(1, 64, 16)

        def infer_lstm():
            with torch.inference_mode():
                lstm(x)
        measure("lstm_infer_h64_t64_b1", a.seconds, infer_lstm, warmup=200)


if __name__ == "__main__":
    main()
