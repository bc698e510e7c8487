#!/usr/bin/env python3
"""Summarizes run_tensor_bench.sh output (JSON lines) as the markdown table in docs/benchmarks/tensor.md.

Per case and OPENBLAS_CORETYPE: median over rounds of each side's median time, and the median over
rounds of the per-round speedup torch/swift (each round ran both sides back to back).
"""
import json
import statistics
import sys
from collections import defaultdict

GOALS = {
    "dqn_64x256x256x11_b32": 3.0, "dqn_4x256x256x2_b64": 3.0, "dqn_64x256x256x11_b256": 1.3,
    "dqn_64x256x256x11_b1024": 1.0, "ppo_64x64x64_b256": 1.3, "infer_64x256x256x11_b1": 5.0,
    # Issue 17 (sequence models): LSTM training steps >= 2x, batch-1 inference >= 5x.
    **{f"lstm_train_h{h}_t{t}_b{b}": 2.0 for h in (64, 128) for t in (32, 64) for b in (32, 256)},
    "lstm_infer_h64_t64_b1": 5.0,
}
def cpu(side):
    vals = [r["cpu_us"] for r in side if "cpu_us" in r]
    return f"{statistics.median(vals):.1f}" if vals else "n/a"


def ratio_cpu(s, t):
    pairs = [(a["cpu_us"], b["cpu_us"]) for a, b in zip(s, t) if "cpu_us" in a and "cpu_us" in b]
    return f"{statistics.median(b / a for a, b in pairs):.2f}×" if pairs else "n/a"


rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
runs = defaultdict(list)  # (case, coretype, impl) -> [row per round]
for r in rows:
    runs[(r["case"], r["coretype"], r["impl"])].append(r)
cores = list(dict.fromkeys(r["coretype"] for r in rows))
print("| case | OPENBLAS_CORETYPE (kernels run) | Swift median (µs) | PyTorch median (µs) | speedup (torch/swift, median of rounds) | goal | met | Swift p99 (µs) | PyTorch p99 (µs) | CPU µs/step Swift / PyTorch (ratio) | Swift allocs/step |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for case in GOALS:
    for core in cores:
        s, t = runs.get((case, core, "swift"), []), runs.get((case, core, "torch"), [])
        if not s or not t:
            continue
        ratios = [b["median_us"] / a["median_us"] for a, b in zip(s, t)]
        sp = statistics.median(ratios)
        goal = GOALS[case]
        met = sp >= goal
        extra = ""
        if case.startswith("infer"):
            p99 = statistics.median(a["p99_us"] for a in s)
            met = met and p99 <= 10
            extra = " and p99 ≤ 10 µs"
        blas = sorted({a["blas"] for a in s if a.get("blas")})
        core_text = f"{core} ({', '.join(blas)})" if blas and blas != [core] else core
        print(f"| {case} | {core_text} | {statistics.median(a['median_us'] for a in s):.1f} | {statistics.median(b['median_us'] for b in t):.1f} "
              f"| {sp:.2f}× (rounds: {', '.join(f'{r:.2f}' for r in ratios)}) | ≥{goal}×{extra} | {'yes' if met else 'NO'} "
              f"| {statistics.median(a['p99_us'] for a in s):.1f} | {statistics.median(b['p99_us'] for b in t):.1f} "
              f"| {cpu(s)} / {cpu(t)} ({ratio_cpu(s, t)}) "
              f"| {max(a['allocs_per_iter'] for a in s) if s[0]['allocs_per_iter'] is not None else 'n/a'} |")
