#!/usr/bin/env python3
"""PyTorch reference values for the sequence layers (issue 17): nn.LSTM and nn.GRU, 2 layers,
unidirectional and bidirectional, batch_first; a TCN residual block; attention pooling; written to Tests/NeuralNetTests/Goldens/seq_*.{json,bin}
in the format of make_goldens.py (read by Tests/TestSupport/Golden.swift).

Run with torch 2.13 CPU installed (any Python; pass the venv's interpreter):

    python3 -m venv .venv-goldens
    .venv-goldens/bin/pip install 'torch==2.13.0+cpu' numpy
    .venv-goldens/bin/python scripts/goldens/make_seq_goldens.py

Per case: the inputs (x, optional h0/c0), every parameter value (`<name>.value`), the loss weights
(w_out, w_h, w_c), and the results: output, h_n, c_n, every parameter gradient (`<name>.grad`) and
the gradients of x, h0, c0, for loss = sum(output*w_out) + sum(h_n*w_h) + sum(c_n*w_c).
"""
import math
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_goldens import NN_DIR, Case  # noqa: E402  (same file format, same folder)

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def seq_case(name, kind, bidirectional, initial, seed, batch=3, steps=6, inputs=5, hidden=4, layers=2):
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    cls = nn.LSTM if kind == "lstm" else nn.GRU
    net = cls(inputs, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional)
    d = 2 if bidirectional else 1
    case = Case(name)
    case.scalar("hidden", hidden)
    case.scalar("layers", layers)
    case.scalar("inputs", inputs)
    case.scalar("bidirectional", 1 if bidirectional else 0)
    for pname, p in net.named_parameters():
        case.put(f"{pname}.value", p)
    x = torch.randn(batch, steps, inputs, generator=g).requires_grad_(True)
    case.put("x", x)
    state = None
    if initial:
        h0 = torch.randn(layers * d, batch, hidden, generator=g).requires_grad_(True)
        case.put("h0", h0)
        if kind == "lstm":
            c0 = torch.randn(layers * d, batch, hidden, generator=g).requires_grad_(True)
            case.put("c0", c0)
            state = (h0, c0)
        else:
            state = h0
    out, hn = net(x, state)
    cn = None
    if kind == "lstm":
        hn, cn = hn
    w_out = torch.randn(out.shape, generator=g)
    w_h = torch.randn(hn.shape, generator=g)
    loss = (out * w_out).sum() + (hn * w_h).sum()
    case.put("w_out", w_out)
    case.put("w_h", w_h)
    if cn is not None:
        w_c = torch.randn(cn.shape, generator=g)
        case.put("w_c", w_c)
        loss = loss + (cn * w_c).sum()
    loss.backward()
    case.put("output", out)
    case.put("h_n", hn)
    if cn is not None:
        case.put("c_n", cn)
    case.scalar("loss", loss.item())
    for pname, p in net.named_parameters():
        case.put(f"{pname}.grad", p.grad)
    case.put("x.grad", x.grad)
    if initial:
        case.put("h0.grad", state[0].grad if kind == "lstm" else state.grad)
        if kind == "lstm":
            case.put("c0.grad", state[1].grad)
    case.write(NN_DIR)


def tcn_case(name="seq_tcn_block", seed=5, batch=2, steps=7, cin=3, cout=4, k=3, dilation=2):
    """A TCN residual block (Bai et al. 2018) with Conv1d + chomp; weights stored as MarketGym's
    tap-major [C_out, K*C_in] (PyTorch's [C_out, C_in, K] with the last two axes swapped)."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    pad = (k - 1) * dilation
    conv1 = nn.Conv1d(cin, cout, k, dilation=dilation, padding=pad)
    conv2 = nn.Conv1d(cout, cout, k, dilation=dilation, padding=pad)
    down = nn.Conv1d(cin, cout, 1)
    x = torch.randn(batch, steps, cin, generator=g).requires_grad_(True)
    xc = x.transpose(1, 2)  # Conv1d reads [B, C, T]
    h1 = torch.relu(conv1(xc)[:, :, :steps])
    h2 = torch.relu(conv2(h1)[:, :, :steps])
    out = torch.relu(h2 + down(xc)).transpose(1, 2)
    w_out = torch.randn(out.shape, generator=g)
    (out * w_out).sum().backward()
    case = Case(name)
    for key, value in [("kernel", k), ("dilation", dilation), ("inputs", cin), ("outputs", cout)]:
        case.scalar(key, value)
    def tap_major(w):
        return w.permute(0, 2, 1).reshape(w.shape[0], -1)
    for prefix, conv in [("conv1", conv1), ("conv2", conv2), ("downsample", down)]:
        case.put(f"{prefix}.weight.value", tap_major(conv.weight))
        case.put(f"{prefix}.bias.value", conv.bias)
        case.put(f"{prefix}.weight.grad", tap_major(conv.weight.grad))
        case.put(f"{prefix}.bias.grad", conv.bias.grad)
    case.put("x", x)
    case.put("w_out", w_out)
    case.put("output", out)
    case.put("x.grad", x.grad)
    case.write(NN_DIR)


def attention_case(kind, seed, batch=3, steps=5, d=4, a=6):
    """Attention pooling over time: additive (Bahdanau et al. 2015) or scaled dot product with a learned query."""
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    case = Case(f"seq_attention_{kind}")
    x = torch.randn(batch, steps, d, generator=g).requires_grad_(True)
    if kind == "additive":
        proj, score = nn.Linear(d, a), nn.Linear(a, 1, bias=False)
        params = {"projection.weight": proj.weight, "projection.bias": proj.bias, "score.weight": score.weight}
        s = score(torch.tanh(proj(x))).squeeze(-1)
    else:
        q = nn.Parameter(torch.rand(d, generator=g) - 0.5)
        params = {"query": q}
        s = x @ q / math.sqrt(d)
    alpha = torch.softmax(s, dim=1)
    ctx = (alpha.unsqueeze(-1) * x).sum(1)
    w_ctx, w_alpha = torch.randn(ctx.shape, generator=g), torch.randn(alpha.shape, generator=g)
    ((ctx * w_ctx).sum() + (alpha * w_alpha).sum()).backward()
    for key, p in params.items():
        case.put(f"{key}.value", p)
        case.put(f"{key}.grad", p.grad)
    for key, t in [("x", x), ("w_context", w_ctx), ("w_weights", w_alpha), ("context", ctx), ("weights", alpha), ("x.grad", x.grad)]:
        case.put(key, t)
    case.write(NN_DIR)


if __name__ == "__main__":
    seq_case("seq_lstm_2layer", "lstm", bidirectional=False, initial=True, seed=1)
    seq_case("seq_lstm_bi_2layer", "lstm", bidirectional=True, initial=False, seed=2)
    seq_case("seq_gru_2layer", "gru", bidirectional=False, initial=False, seed=3)
    seq_case("seq_gru_bi_2layer", "gru", bidirectional=True, initial=True, seed=4)
    tcn_case()
    attention_case("additive", seed=6)
    attention_case("dot", seed=7)
