import Foundation
import Testing
@testable import MarketGym
@testable import Predictors
import TestSupport

/// The whole walk-forward pipeline (inputs, targets, refit schedule, purge, standardization, ridge)
/// against an independent numpy implementation written from the documented definitions.
@Suite("Walk-forward vs numpy")
struct WalkForwardNumpyTests {
    @Test("every prediction and the mean rank IC match a numpy re-implementation of docs/predictions.md")
    func againstNumpy() throws {
        var config = WalkForwardPredictorTests().smallConfig()
        config.lookbacks = [1, 5]
        config.volatilityWindows = [5]
        config.rankLookbacks = [5]
        config.horizons = [1, 3]
        let data = try WalkForwardPredictorTests().bars(t: 200, n: 5, seed: 21)
        let run = try WalkForwardPredictor(config: config).run(bars: data)
        let dir = try makeTemporaryDirectory()
        let closes = dir.appendingPathComponent("close.json")
        try JSONSerialization.data(withJSONObject: ["close": data.close, "t": data.barCount, "n": data.assetCount]).write(to: closes)
        let script = """
        import sys, json, numpy as np
        d = json.load(open(sys.argv[1])); T, N = d["t"], d["n"]
        lp = np.log(np.array(d["close"]).reshape(T, N))
        lookbacks, vols, ranks, horizons, lam = [1, 5], [5], [5], [1, 3], 0.1
        def mom(L):
            m = np.full((T, N), np.nan); m[L:] = lp[L:] - lp[:-L]; return m
        r = np.full((T, N), np.nan); r[1:] = lp[1:] - lp[:-1]
        cols = [mom(L) for L in lookbacks]
        for W in vols:
            v = np.full((T, N), np.nan)
            for t in range(W, T): v[t] = r[t - W + 1:t + 1].std(axis=0, ddof=1)
            cols.append(v)
        for L in ranks:
            m = mom(L); k = np.full((T, N), np.nan)
            for t in range(T):
                if np.isfinite(m[t]).all(): k[t] = m[t].argsort().argsort() / (N - 1) - 0.5
            cols.append(k)
        X = np.stack(cols, axis=2)                      # T x N x P
        valid = np.isfinite(X).all(axis=2)
        refits = list(range(60, T, 40))
        out = {}
        for h in horizons:
            y = np.full((T, N), np.nan); y[:T - h] = lp[h:] - lp[:T - h]
            y = y - np.nanmean(y, axis=1, keepdims=True)
            for j, R in enumerate(refits):
                s = np.zeros((T, N), bool); s[:max(0, R - h)] = True
                m = s & valid & np.isfinite(y)
                A, b = X[m], y[m]; n = len(b)
                mu, sd = A.mean(0), A.std(0); As = (A - mu) / sd
                P = A.shape[1]
                coef = np.linalg.lstsq(np.vstack([As, np.sqrt(n * lam) * np.eye(P)]), np.concatenate([b - b.mean(), np.zeros(P)]), rcond=None)[0]
                stop = refits[j + 1] if j + 1 < len(refits) else T
                for t in range(R, stop):
                    for i in range(N):
                        if valid[t, i]:
                            out.setdefault(f"{t},{i}", []).append(float(b.mean() + ((X[t, i] - mu) / sd) @ coef))
        # Mean Spearman rank IC per horizon against raw forward log returns (no ties in random data).
        ics = []
        for k, h in enumerate(horizons):
            per_bar = []
            for t in range(60, T - h):
                i = [i for i in range(N) if f"{t},{i}" in out]
                if len(i) < 3: continue
                p = np.array([out[f"{t},{a}"][k] for a in i]); f = lp[t + h, i] - lp[t, i]
                rp, rf = p.argsort().argsort(), f.argsort().argsort()
                per_bar.append(np.corrcoef(rp, rf)[0, 1])
            ics.append([float(np.mean(per_bar)), len(per_bar)])
        out["ic"] = ics
        print(json.dumps(out))
        """
        let result = try runPython(script: script, arguments: [closes.path])
        #expect(result.status == 0, "\(result.stderr)")
        let reference = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]).mapValues { value in
            (value as? [Double]) ?? ((value as? [[Double]])?.flatMap { $0 } ?? [])
        }
        let ic = try #require(reference["ic"])  // [mean h1, bars h1, mean h3, bars h3]
        #expect(isClose(run.report.horizons[0].meanIC, ic[0], relative: 1e-9) && run.report.horizons[0].bars == Int(ic[1]))
        #expect(isClose(run.report.horizons[1].meanIC, ic[2], relative: 1e-9) && run.report.horizons[1].bars == Int(ic[3]))
        #expect(reference.count - 1 == run.table.recordCount)
        var barOf: [Int64: Int] = [:]
        for (b, ts) in data.timestamps.enumerated() { barOf[ts] = b }
        var worst = 0.0
        for r in 0..<run.table.recordCount {
            let key = "\(barOf[run.table.timestamps[r]] ?? -1),\(run.table.assetIndex[r])"
            let expected = try #require(reference[key], "no numpy prediction for \(key)")
            for k in 0..<2 {
                let ours = Double(run.table.values[r * 2 + k])
                worst = max(worst, abs(ours - expected[k]) / max(abs(expected[k]), 1e-6))
            }
        }
        // Float32 storage of the predictions: agreement to float precision.
        #expect(worst < 1e-5, "worst relative difference \(worst)")
    }
}
