#!/usr/bin/env python3
"""PyTorch reference values for TensorCore/NeuralNet tests ("goldens").

Run once with torch (CPU) installed; the outputs are committed, so `swift test` needs no torch:

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install 'torch==2.13.0+cpu' --index-url https://download.pytorch.org/whl/cpu \
        --extra-index-url https://pypi.org/simple
    .venv-bench/bin/python scripts/goldens/make_goldens.py

Every input and weight is drawn here from a seeded torch.Generator and stored next to the results, so
the Swift tests load them instead of regenerating them. Format of each case `<name>`:
  <name>.json  {"torch": version, "tensors": {key: {"shape": [...], "offset": n, "count": n}}, "scalars": {...}}
  <name>.bin   all tensors as little-endian float32, concatenated at the given element offsets
Integer data (actions) is stored as float32 (exact for small integers).
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NN_DIR = os.path.join(ROOT, "Tests", "NeuralNetTests", "Goldens")
TC_DIR = os.path.join(ROOT, "Tests", "TensorCoreTests", "Goldens")


class Case:
    def __init__(self, name):
        self.name, self.tensors, self.scalars, self.blob = name, {}, {}, bytearray()

    def add(self, key, t):
        t = t.detach().to(torch.float32).contiguous().reshape(-1)
        self.tensors[key] = {"shape": None, "offset": len(self.blob) // 4, "count": t.numel()}
        self.blob += struct.pack("<%df" % t.numel(), *t.tolist())

    def put(self, key, t):
        shape = list(t.shape)
        self.add(key, t)
        self.tensors[key]["shape"] = shape

    def scalar(self, key, v):
        self.scalars[key] = float(v)

    def write(self, folder):
        os.makedirs(folder, exist_ok=True)
        meta = {"torch": torch.__version__, "tensors": self.tensors, "scalars": self.scalars}
        with open(os.path.join(folder, self.name + ".json"), "w") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
        with open(os.path.join(folder, self.name + ".bin"), "wb") as f:
            f.write(self.blob)
        print("wrote", self.name, len(self.blob), "bytes")


def mlp(sizes, act):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    m = nn.Module()
    m.layers = nn.Sequential(*layers)
    m.forward = lambda x: m.layers(x)
    return m


def put_module(case, prefix, module, what="value"):
    for name, p in module.named_parameters():
        t = p.grad if what == "grad" else p  # any other suffix names a parameter value
        case.put(f"{prefix}.{name}.{what}", t)


def dqn_case():
    """(a) DQN TD step on an MLP [64 -> 256 -> 256 -> 11] with a Huber (smooth L1) loss, then one Adam step."""
    torch.manual_seed(1)
    g = torch.Generator().manual_seed(11)
    batch, gamma = 32, 0.99
    q = mlp([64, 256, 256, 11], nn.ReLU)
    target = mlp([64, 256, 256, 11], nn.ReLU)
    target.load_state_dict(q.state_dict())  # a target network fresh from a hard update
    obs = torch.randn(batch, 64, generator=g)
    next_obs = torch.randn(batch, 64, generator=g)
    actions = torch.randint(0, 11, (batch,), generator=g)
    rewards = torch.randn(batch, generator=g)
    dones = (torch.rand(batch, generator=g) < 0.2).float()
    case = Case("dqn_mlp")
    for k, t in [("obs", obs), ("next_obs", next_obs), ("actions", actions.float()), ("rewards", rewards), ("dones", dones)]:
        case.put(k, t)
    put_module(case, "q", q)
    with torch.no_grad():
        td_target = rewards + gamma * (1 - dones) * target(next_obs).max(dim=1).values
    qs = q(obs)
    q_taken = qs.gather(1, actions.unsqueeze(1)).squeeze(1)
    loss = F.smooth_l1_loss(q_taken, td_target)
    loss.backward()
    case.put("q_values", qs)
    case.put("td_target", td_target)
    case.scalar("loss", loss.item())
    case.scalar("gamma", gamma)
    put_module(case, "q", q, "grad")
    opt = torch.optim.Adam(q.parameters(), lr=1e-3)
    opt.step()
    put_module(case, "q", q, "adam1")
    case.write(NN_DIR)


def ppo_loss(new_logp, old_logp, adv, entropy, value, returns, clip=0.2, vf_coef=0.5, ent_coef=0.01):
    # CleanRL ppo.py: clipped surrogate, plain squared value loss, entropy bonus.
    ratio = (new_logp - old_logp).exp()
    pg_loss = torch.max(-adv * ratio, -adv * torch.clamp(ratio, 1 - clip, 1 + clip)).mean()
    v_loss = 0.5 * ((value - returns) ** 2).mean()
    ent = entropy.mean()
    return pg_loss - ent_coef * ent + vf_coef * v_loss, pg_loss, v_loss, ent


def ppo_case(kind):
    """(b) PPO minibatch loss over a categorical or diagonal-Gaussian head; actor and critic [64 -> 64 -> 64]."""
    torch.manual_seed(2 if kind == "categorical" else 3)
    g = torch.Generator().manual_seed(22 if kind == "categorical" else 33)
    batch, n_act, dim = 16, 5, 3
    out = n_act if kind == "categorical" else dim
    actor = mlp([64, 64, 64, out], nn.Tanh)
    critic = mlp([64, 64, 64, 1], nn.Tanh)
    log_std = nn.Parameter(torch.randn(dim, generator=g) * 0.3)
    obs = torch.randn(batch, 64, generator=g)
    adv = torch.randn(batch, generator=g)
    returns = torch.randn(batch, generator=g)
    case = Case("ppo_" + kind)
    case.put("obs", obs)
    case.put("advantages", adv)
    case.put("returns", returns)
    put_module(case, "actor", actor)
    put_module(case, "critic", critic)
    out_t = actor(obs)
    if kind == "categorical":
        dist = torch.distributions.Categorical(logits=out_t)
        actions = torch.randint(0, n_act, (batch,), generator=g)
        new_logp, entropy = dist.log_prob(actions), dist.entropy()
        case.put("actions", actions.float())
    else:
        case.put("log_std.value", log_std)
        dist = torch.distributions.Normal(out_t, log_std.exp())
        actions = torch.randn(batch, dim, generator=g)
        new_logp, entropy = dist.log_prob(actions).sum(1), dist.entropy().sum(1)
        case.put("actions", actions)
    old_logp = new_logp.detach() + 0.3 * torch.randn(batch, generator=g)  # some ratios fall outside the clip
    case.put("old_log_prob", old_logp)
    value = critic(obs).squeeze(1)
    loss, pg, vl, ent = ppo_loss(new_logp, old_logp, adv, entropy, value, returns)
    loss.backward()
    case.put("new_log_prob", new_logp)
    case.put("entropy", entropy)
    case.put("value", value)
    for k, v in [("loss", loss), ("pg_loss", pg), ("v_loss", vl), ("entropy_mean", ent)]:
        case.scalar(k, v.item())
    put_module(case, "actor", actor, "grad")
    put_module(case, "critic", critic, "grad")
    if kind == "gaussian":
        case.put("log_std.grad", log_std.grad)
    if kind == "categorical":
        # Two steps of each optimizer from the same gradients (the second exercises the state).
        params = list(actor.named_parameters(prefix="actor")) + list(critic.named_parameters(prefix="critic"))
        start = {n: p.detach().clone() for n, p in params}
        makers = {
            "adam": lambda ps: torch.optim.Adam(ps, lr=1e-2),
            "adamw": lambda ps: torch.optim.AdamW(ps, lr=1e-2, weight_decay=0.1),
            "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=1e-2, alpha=0.9, momentum=0.5, centered=True),
            "sgd": lambda ps: torch.optim.SGD(ps, lr=1e-1, momentum=0.9, nesterov=True, weight_decay=0.01),
        }
        for name, make in makers.items():
            with torch.no_grad():
                for n, p in params:
                    p.copy_(start[n])
            opt = make([p for _, p in params])
            opt.step()
            opt.step()
            for n, p in params:
                case.put(f"{n}.{name}2", p)
        # Global-norm clipping of the gradients.
        norm = torch.nn.utils.clip_grad_norm_([p for _, p in params], max_norm=0.5)
        case.scalar("grad_norm", norm.item())
        for n, p in params:
            case.put(f"{n}.clipped_grad", p.grad)
    case.write(NN_DIR)


def ops_case():
    """Single-op forward values and gradients for TensorCore (independent of the finite-difference checks)."""
    g = torch.Generator().manual_seed(44)
    case = Case("ops")
    x = (torch.randn(4, 6, generator=g) * 3).requires_grad_()
    w = torch.randn(4, 6, generator=g)  # weights of the scalar objective sum(w * f(x))
    m = torch.randn(6, 5, generator=g).requires_grad_()
    case.put("x", x)
    case.put("w", w)
    case.put("m", m)
    fns = {
        "softmax1": lambda t: t.softmax(1), "log_softmax1": lambda t: t.log_softmax(1),
        "softmax0": lambda t: t.softmax(0), "logsumexp1": lambda t: t.logsumexp(1, keepdim=True).expand(4, 6),
        "sigmoid": torch.sigmoid, "tanh": torch.tanh, "softplus": F.softplus, "exp": torch.exp,
        "huber": lambda t: F.huber_loss(t, torch.zeros_like(t), reduction="none", delta=1.5),
    }
    for name, f in fns.items():
        x.grad = None
        y = f(x)
        (w * y).sum().backward()
        case.put(name + ".y", y)
        case.put(name + ".dx", x.grad)
    x.grad = None
    y = x @ m
    (y * y).sum().backward()
    case.put("matmul.y", y)
    case.put("matmul.dx", x.grad)
    case.put("matmul.dm", m.grad)
    case.write(TC_DIR)


if __name__ == "__main__":
    print("torch", torch.__version__, file=sys.stderr)
    dqn_case()
    ppo_case("categorical")
    ppo_case("gaussian")
    ops_case()
