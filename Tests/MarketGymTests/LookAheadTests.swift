import Testing
import MarketGym
import SeededRandom
import TestSupport

/// No look-ahead: perturbing any data after bar t0 changes nothing observed up to t0.
@Suite struct LookAheadTests {
    /// Beta-neutral, next-open execution, confidence-scaled threshold: every path that reads data.
    static func config(_ scheme: ActionSchemeKind) -> MarketEnvConfig {
        var c = Fixtures.config()
        c.action.scheme = scheme
        c.constraints.betaNeutral = true
        c.costs.execution = .nextOpen
        c.action.confidenceFeature = "snr"
        c.constraints.rebalanceThreshold = 0.05
        c.constraints.thresholdScalesWithConfidence = true
        c.episode.horizon = 500
        return c
    }

    /// The market with closes, opens, features and benchmark after bar t0 perturbed (some closes missing).
    static func perturbed(_ m: SyntheticMarket, after t0: Int, rng: inout Xoshiro256) throws -> (MarketData, FeatureMatrix, [Double]) {
        let n = m.data.assetCount, T = m.data.barCount, K = m.features.featureCount
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
        return (data2, FeatureMatrix(names: m.features.names, assets: m.features.assets, barCount: T, values: feats), bench)
    }

    @Test(arguments: [ActionSchemeKind.sizing, .perAsset, .weights])
    func perturbingTheFutureChangesNothingSeenBefore(scheme: ActionSchemeKind) throws {
        var rng = Xoshiro256(seed: 21)
        let m = Fixtures.synthetic(assets: 5, bars: 200, seed: 4, withOpens: true)
        let c = Self.config(scheme)
        for trial in 0..<6 {
            let t0 = 40 + rng.uniformInt(below: 120)
            let (data2, feats2, bench) = try Self.perturbed(m, after: t0, rng: &rng)
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

    /// The same for `MarketVectorEnv` (its precomputed books and bar records hold future returns,
    /// read only after the action is fixed).
    @Test(arguments: [ActionSchemeKind.sizing, .perAsset, .weights])
    func vectorEnvSeesNoFuture(scheme: ActionSchemeKind) throws {
        var rng = Xoshiro256(seed: 22)
        let m = Fixtures.synthetic(assets: 5, bars: 200, seed: 4, withOpens: true)
        let c = Self.config(scheme)
        for trial in 0..<4 {
            let t0 = 40 + rng.uniformInt(below: 120)
            let (data2, feats2, bench) = try Self.perturbed(m, after: t0, rng: &rng)
            var a = try MarketVectorEnv(count: 3, data: m.data, features: m.features, benchmark: m.benchmark, config: c)
            var b = try MarketVectorEnv(count: 3, data: data2, features: feats2, benchmark: bench, config: c)
            let start = ResetOptions(values: ["start": Double(25 + trial)])
            try a.reset(seed: 1, options: start)
            try b.reset(seed: 1, options: start)
            #expect(a.observations == b.observations)
            while a.bar(of: 0) < t0 {
                let actions = (0..<3).map { _ in a.actionSpace.sample(using: &rng) }
                try a.step(actions)
                try b.step(actions)
                #expect(a.observations == b.observations, "trial \(trial): observation at bar \(a.bar(of: 0)) ≤ t0 = \(t0) changed")
                #expect(a.rewards == b.rewards && a.stepInfos == b.stepInfos)
                if a.ended.contains(true) { break }
            }
        }
    }
}
