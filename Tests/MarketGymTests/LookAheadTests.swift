import Testing
import MarketGym
import SeededRandom
import TestSupport

/// No look-ahead: perturbing any data after bar t0 changes nothing observed up to t0.
@Suite struct LookAheadTests {
    @Test(arguments: [ActionSchemeKind.sizing, .perAsset, .weights])
    func perturbingTheFutureChangesNothingSeenBefore(scheme: ActionSchemeKind) throws {
        var rng = Xoshiro256(seed: 21)
        let m = Fixtures.synthetic(assets: 5, bars: 200, seed: 4, withOpens: true)
        var c = Fixtures.config()
        c.action.scheme = scheme
        c.constraints.betaNeutral = true
        c.costs.execution = .nextOpen
        c.action.confidenceFeature = "snr"
        c.constraints.rebalanceThreshold = 0.05
        c.constraints.thresholdScalesWithConfidence = true
        c.episode.horizon = 500
        let n = 5, T = 200, K = 2
        for trial in 0..<6 {
            let t0 = 40 + rng.uniformInt(below: 120)
            var close = m.data.close, open = m.data.open ?? [], feats = m.features.values, bench = m.benchmark
            for t in (t0 + 1)..<T {
                for i in 0..<n {
                    close[t * n + i] *= 1 + 0.3 * rng.uniformDouble()
                    open[t * n + i] *= 1 + 0.3 * rng.uniformDouble()
                    if rng.uniformDouble() < 0.1 { close[t * n + i] = .nan }
                    for k in 0..<K { feats[(t * n + i) * K + k] = Float(rng.normal()) }
                }
                bench[t] *= 1 + 0.2 * rng.uniformDouble()
            }
            let data2 = try MarketData(assets: m.data.assets, timestamps: m.data.timestamps, close: close, open: open)
            let feats2 = FeatureMatrix(names: m.features.names, assets: m.features.assets, barCount: T, values: feats)
            var a = try MarketEnv(data: m.data, features: m.features, benchmark: m.benchmark, config: c)
            var b = try MarketEnv(data: data2, features: feats2, benchmark: bench, config: c)
            let start = ResetOptions(values: ["start": Double(25 + trial)])
            var oa = try a.reset(seed: 1, options: start).observation
            var ob = try b.reset(seed: 1, options: start).observation
            #expect(oa == ob)
            // Step while the realized bar is ≤ t0: everything up to and including bar t0 must agree.
            while a.bar < t0 {
                let action = a.actionSpace.sample(using: &rng)
                let ra = try a.step(action), rb = try b.step(action)
                oa = ra.observation; ob = rb.observation
                #expect(oa == ob, "trial \(trial): observation at bar \(a.bar) ≤ t0 = \(t0) changed")
                #expect(ra.reward == rb.reward && ra.info == rb.info)
                #expect(a.tradedWeights == b.tradedWeights)
                if ra.isDone { break }
            }
            // The decision at t0 uses the past only (with next-open execution the fill itself depends on t0+1's open).
            if a.bar == t0 {
                let action = a.actionSpace.sample(using: &rng)
                let ra = try a.step(action), rb = try b.step(action)
                #expect(ra.info.rebalanced == rb.info.rebalanced)
                if !c.costs.execution.usesOpens { #expect(a.tradedWeights == b.tradedWeights) }
            }
        }
    }
}
