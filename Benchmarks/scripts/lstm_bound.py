#!/usr/bin/env python3
"""How fast could an LSTM training step be on this machine? The arithmetic bound beside PyTorch.

    Benchmarks/scripts/lstm_bound.py RESULTS.jsonl     (from run_tensor_bench.sh: OUT=RESULTS.jsonl)

For each lstm_train_h{H}_t{T}_b{B} case of the results (1-layer LSTM, input 16, final hidden state ->
Linear(H, 1), MSE, Adam: TensorBench/SequenceBench.swift and lstm_step_fn in torch_bench.py), the
matrix-product work no implementation can skip, in floating-point operations:

    input projection forward 2·B·T·I·4H, recurrence forward 2·B·(T-1)·H·4H (the first step's
    hidden state is zero), backward through time 2·B·(T-1)·4H·H for dh and as much for dW_hh,
    dW_ih 2·B·T·I·4H (x needs no gradient)   =  2·B·4H·(3·(T-1)·H + 2·T·I)

divided by the best single-thread float32 matrix-product rate measured on this machine now
(torch.mm, square sizes 256-2048, one thread: MKL; large square products run closer to the peak
than the LSTM's skinny ones, so the bound is generous). The elementwise work (gates, Adam) is left
out, which makes the bound more generous still. "max speedup" is PyTorch's measured time over that
bound: no float32 implementation on one core of this machine can beat PyTorch by more; "share of the
rate 2× needs" is the fraction of that rate a step 2× faster than PyTorch would have to sustain
(over 100%: impossible here). The "share" beside each median is the fraction each side sustains.
"""
import json
import statistics
import sys
import time

import torch


def peak_gflops():
    torch.set_num_threads(1)
    best = 0.0
    for n in (256, 512, 1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        a @ b
        reps = max(2, int(4e9 / (2 * n ** 3)))
        for _ in range(3):
            t = time.perf_counter()
            for _ in range(reps):
                a @ b
            best = max(best, 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9)
    return best


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    torch_times, swift_times = {}, {}
    for r in rows:
        if r["case"].startswith("lstm_train_"):
            if r["impl"] == "torch":
                torch_times.setdefault(r["case"], []).append(r["median_us"])
            elif r.get("coretype") == "unset":  # OpenBLAS's own choice (or MarketGym's, when OpenBLAS does not know the CPU)
                swift_times.setdefault(r["case"], []).append(r["median_us"])
    peak = peak_gflops()
    inputs = 16
    print(f"best single-thread float32 matrix product here: {peak:.1f} GFLOP/s (torch.mm, 256-2048)\n")
    print("| case | matrix-product work (MFLOP) | bound at that rate (µs) | PyTorch median (µs), share of the rate | MarketGym median (µs), share | max speedup over PyTorch | share of the rate 2× needs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for case in sorted(torch_times, key=lambda c: [int(p[1:]) for p in c.split("_")[2:]]):
        h, t, b = (int(p[1:]) for p in case.split("_")[2:])
        flop = 2 * b * 4 * h * (3 * (t - 1) * h + 2 * t * inputs)
        bound_us = flop / (peak * 1e3)
        pt = statistics.median(torch_times[case])
        ratio = pt / bound_us
        ours = f"{statistics.median(swift_times[case]):.0f}, {bound_us / statistics.median(swift_times[case]):.0%}" if case in swift_times else "n/a"
        print(f"| {case} | {flop / 1e6:.0f} | {bound_us:.0f} | {pt:.0f}, {bound_us / pt:.0%} | {ours} | {ratio:.2f}× | {2 / ratio:.0%} |")


if __name__ == "__main__":
    main()
