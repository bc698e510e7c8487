#!/usr/bin/env python3
"""PyTorch reference values for the sequence layers (issue 17): nn.LSTM and nn.GRU, 2 layers,
unidirectional and bidirectional, batch_first, written to Tests/NeuralNetTests/Goldens/seq_*.{json,bin}
in the format of make_goldens.py (read by Tests/TestSupport/Golden.swift).

Run with torch 2.13 CPU installed (any Python; pass the venv's interpreter):

    python3 -m venv .venv-goldens
    .venv-goldens/bin/pip install 'torch==2.13.0+cpu' numpy
    .venv-goldens/bin/python scripts/goldens/make_seq_goldens.py

Per case: the inputs (x, optional h0/c0), every parameter value (`<name>.value`), the loss weights
(w_out, w_h, w_c), and the results: output, h_n, c_n, every parameter gradient (`<name>.grad`) and
the gradients of x, h0, c0, for loss = sum(output*w_out) + sum(h_n*w_h) + sum(c_n*w_c).
"""
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


if __name__ == "__main__":
    seq_case("seq_lstm_2layer", "lstm", bidirectional=False, initial=True, seed=1)
    seq_case("seq_lstm_bi_2layer", "lstm", bidirectional=True, initial=False, seed=2)
    seq_case("seq_gru_2layer", "gru", bidirectional=False, initial=False, seed=3)
    seq_case("seq_gru_bi_2layer", "gru", bidirectional=True, initial=True, seed=4)
