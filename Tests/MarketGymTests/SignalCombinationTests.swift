import Foundation
import Testing
import MarketGym
import SeededRandom
import TestSupport

/// Several prediction sources combined into the `sizing` book (`SignalCombination`): analytic
/// books, the one-source case equal to the single-feature book bit for bit, a perfect source
/// earned, no look-ahead, the adaptive threshold's formula, and the config's refusals.
@Suite struct SignalCombinationTests {
    /// A one-bar panel (plus a second bar, so the data is valid) over 4 assets with the given features.
    static func panel(_ sources: [[Float]], names: [String]) throws -> MarketPanel {
        let n = sources[0].count, k = sources.count
        let data = try MarketData(assets: (0..<n).map { "A\($0)" }, timestamps: [0, 86_400], close: [Double](repeating: 100, count: 2 * n))
        var values = [Float](repeating: 0, count: 2 * n * k)
        for t in 0..<2 { for i in 0..<n { for q in 0..<k { values[(t * n + i) * k + q] = sources[q][i] } } }
        return try MarketPanel(data: data, features: FeatureMatrix(names: names, assets: data.assets, barCount: 2, values: values), benchmark: nil)
    }

    static func unitBook(_ panel: MarketPanel, _ action: ActionConfig) throws -> (book: [Double], strength: Double) {
        let scheme = try ActionScheme(action, maxWeight: 1, assetCount: panel.assetCount, featureNames: panel.featureNames)
        var w = [Double](repeating: .nan, count: panel.assetCount)
        let s = w.withUnsafeMutableBufferPointer { scheme.predictionBook(panel: panel, bar: 0, gross: 1, into: $0) }
        return (w, s)
    }

    static func action(_ combine: SignalCombineMode, _ weights: [(String, Double)]) -> ActionConfig {
        var a = ActionConfig()
        a.combine = combine
        a.signals = weights.map { SignalWeight(feature: $0.0, weight: $0.1) }
        return a
    }

    /// Population z-scores, written out independently of the implementation.
    static func z(_ x: [Double]) -> [Double] {
        let m = x.reduce(0, +) / Double(x.count)
        let sd = (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)).squareRoot()
        return x.map { ($0 - m) / sd }
    }

    static func normalized(_ c: [Double?]) -> [Double] {
        let inBook = c.compactMap { $0 }
        let mean = inBook.reduce(0, +) / Double(inBook.count)
        let l1 = inBook.map { abs($0 - mean) }.reduce(0, +)
        return c.map { $0.map { ($0 - mean) / l1 } ?? 0 }
    }

    @Test func weightedAndAgreementBooksMatchTheFormulas() throws {
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [2, 1, 3, 4]
        let panel = try Self.panel([a, b], names: ["a", "b"])
        let za = Self.z(a.map(Double.init)), zb = Self.z(b.map(Double.init))
        // weighted (1, 0.5): c = z_a + 0.5 z_b.
        let weighted = try Self.unitBook(panel, Self.action(.weighted, [("a", 1), ("b", 0.5)]))
        let cw = (0..<4).map { za[$0] + 0.5 * zb[$0] }
        let expectedWeighted = Self.normalized(cw)
        for i in 0..<4 { #expect(abs(weighted.book[i] - expectedWeighted[i]) < 1e-14, "weighted asset \(i)") }
        let meanW = cw.reduce(0, +) / 4
        #expect(abs(weighted.strength - cw.map { abs($0 - meanW) }.reduce(0, +) / 4) < 1e-14)
        // agreement (1, 1): every asset agrees here; c = (z_a + z_b) · min/max.
        let agreement = try Self.unitBook(panel, Self.action(.agreement, [("a", 1), ("b", 1)]))
        let ca: [Double?] = (0..<4).map { i in
            let u = [za[i], zb[i]]
            guard u.allSatisfy({ $0 > 0 }) || u.allSatisfy({ $0 < 0 }) else { return nil }
            return (u[0] + u[1]) * (min(abs(u[0]), abs(u[1])) / max(abs(u[0]), abs(u[1])))
        }
        #expect(ca.allSatisfy { $0 != nil })
        let expectedAgreement = Self.normalized(ca)
        for i in 0..<4 { #expect(abs(agreement.book[i] - expectedAgreement[i]) < 1e-14, "agreement asset \(i)") }
        // By hand: z = ±3/√5, ±1/√5; κ = 1/3 for assets 0 and 1, 1 for 2 and 3 → c ∝ (−4/3, −4/3, 2, 6)/√5.
        let byHand = Self.normalized([-4.0 / 3, -4.0 / 3, 2, 6].map { Optional($0) })
        for i in 0..<4 { #expect(abs(agreement.book[i] - byHand[i]) < 1e-14) }
    }

    @Test func agreementKeepsOnlyAssetsWhereTheSourcesAgree() throws {
        // z_a = (−3, −1, 1, 3)/√5, z_b = (−3, 1, −1, 3)/√5: assets 1 and 2 disagree.
        let panel = try Self.panel([[1, 2, 3, 4], [1, 3, 2, 4]], names: ["a", "b"])
        let book = try Self.unitBook(panel, Self.action(.agreement, [("a", 1), ("b", 1)])).book
        #expect(book[1] == 0 && book[2] == 0)
        #expect(abs(book[0] + 0.5) < 1e-15 && abs(book[3] - 0.5) < 1e-15, "\(book)")
    }

    @Test func sourcesThatDisagreeEverywhereGiveAFlatAgreementBook() throws {
        var rng = Xoshiro256(seed: 3)
        let m = Fixtures.synthetic(assets: 6, bars: 200, seed: 8)
        // pred2 = −pred: every standardized value has the opposite sign.
        let k = m.features.featureCount
        var values: [Float] = []
        for r in 0..<(m.features.values.count / k) {
            values.append(contentsOf: m.features.values[(r * k)..<((r + 1) * k)])
            values.append(-m.features.values[r * k])
        }
        let feats = FeatureMatrix(names: m.features.names + ["pred2"], assets: m.features.assets, barCount: m.features.barCount, values: values)
        var c = Fixtures.config()
        c.action = Self.action(.agreement, [("pred", 1), ("pred2", 1)])
        var env = try MarketEnv(data: m.data, features: feats, benchmark: nil, config: c)
        _ = try env.reset(seed: 1, options: .none)
        var steps = 0
        while steps < 40 {
            let r = try env.step(env.actionSpace.sample(using: &rng))
            #expect(env.tradedWeights.allSatisfy { $0 == 0 }, "bar \(r.info.bar): \(env.tradedWeights)")
            #expect(r.info.gross == 0 && r.info.grossReturn == 0)
            steps += 1
            if r.isDone { break }
        }
        #expect(steps == 40)
        // The weighted combination of the two cancels too: z_pred − z_pred = 0 everywhere.
        c.action.combine = .weighted
        var weighted = try MarketEnv(data: m.data, features: feats, benchmark: nil, config: c)
        _ = try weighted.reset(seed: 1, options: .none)
        let r = try weighted.step(.discrete(4))
        #expect(r.info.gross == 0)
    }

    /// Steps two envs with the same actions and checks infos, books and observations bit for bit.
    static func expectIdentical(_ a: inout MarketEnv, _ b: inout MarketEnv, steps: Int, seed: UInt64, _ label: String) throws {
        var rng = Xoshiro256(seed: seed)
        let oa = try a.reset(seed: seed, options: .none).observation, ob = try b.reset(seed: seed, options: .none).observation
        #expect(oa.map(\.bitPattern) == ob.map(\.bitPattern), "\(label): reset")
        var moved = 0
        for s in 0..<steps {
            let action = a.actionSpace.sample(using: &rng)
            let ra = try a.step(action), rb = try b.step(action)
            #expect(ra.info == rb.info && ra.reward.bitPattern == rb.reward.bitPattern, "\(label) step \(s)")
            #expect(a.tradedWeights.map(\.bitPattern) == b.tradedWeights.map(\.bitPattern), "\(label) step \(s)")
            #expect(ra.observation.map(\.bitPattern) == rb.observation.map(\.bitPattern), "\(label) step \(s)")
            if ra.info.gross > 0 { moved += 1 }
            if ra.isDone { break }
        }
        #expect(moved > 10, "\(label): the books were flat (\(moved) steps with a position)")
    }

    @Test func weightsOneZeroEqualTheSingleSourceBookBitForBit() throws {
        var rng = Xoshiro256(seed: 5)
        let m = Fixtures.synthetic(assets: 6, bars: 300, seed: 2)
        let (data, plain) = try Fixtures.withHoles(m, rng: &rng, fraction: 0.05)
        let feats = Fixtures.withSecondSource(plain)
        for threshold in [0.0, 0.3] {
            var single = Fixtures.config()
            single.action.signalFeature = "pred"
            single.constraints.rebalanceThreshold = threshold
            var listed = single
            listed.action.signalFeature = ""
            listed.action.signals = [SignalWeight(feature: "pred", weight: 1), SignalWeight(feature: "pred2", weight: 0)]
            var oneOfOne = listed
            oneOfOne.action.signals = [SignalWeight(feature: "pred")]
            for (name, config) in [("weights (1, 0)", listed), ("a list of one", oneOfOne)] {
                var a = try MarketEnv(data: data, features: feats, benchmark: nil, config: single)
                var b = try MarketEnv(data: data, features: feats, benchmark: nil, config: config)
                try Self.expectIdentical(&a, &b, steps: 120, seed: 9, "\(name), threshold \(threshold)")
            }
        }
        // The default (empty signalFeature, empty signals) is the first feature at weight 1.
        var first = Fixtures.config()
        first.action.signals = [SignalWeight(feature: "pred")]
        var a = try MarketEnv(data: data, features: feats, benchmark: nil, config: Fixtures.config())
        var b = try MarketEnv(data: data, features: feats, benchmark: nil, config: first)
        try Self.expectIdentical(&a, &b, steps: 80, seed: 2, "default")
    }

    /// Features whose source `perfect` at bar t is the realized return over (t, t+1] (a perfect
    /// forecaster, built with hindsight on purpose), plus `noise` and an affine copy of `perfect`.
    static func perfectMarket() throws -> (MarketData, FeatureMatrix) {
        let m = Fixtures.synthetic(assets: 6, bars: 260, seed: 12)
        let panel = try MarketPanel(data: m.data, features: m.features, benchmark: nil)
        var rng = Xoshiro256(seed: 40)
        let n = panel.assetCount, T = panel.barCount
        var values = [Float](repeating: 0, count: T * n * 3)
        for t in 0..<T {
            for i in 0..<n {
                let future = t + 1 < T ? panel.returns[(t + 1) * n + i] : 0
                values[(t * n + i) * 3] = Float(future)
                values[(t * n + i) * 3 + 1] = Float(rng.normal() * 0.01)
                values[(t * n + i) * 3 + 2] = Float(3 * future + 0.02)
            }
        }
        return (m.data, FeatureMatrix(names: ["perfect", "noise", "perfect3"], assets: m.data.assets, barCount: T, values: values))
    }

    /// Walks the whole split at a fixed gross and returns the step infos.
    static func walk(_ data: MarketData, _ feats: FeatureMatrix, _ action: ActionConfig) throws -> [MarketStepInfo] {
        var c = Fixtures.config()
        c.action = action
        c.action.grossLevels = [1]
        c.constraints.maxWeight = 1
        c.costs.feeBps = 0
        c.costs.slippageBps = 0
        c.costs.borrowAnnualBps = 0
        c.episode.evaluation = true
        var env = try MarketEnv(data: data, features: feats, benchmark: nil, config: c)
        _ = try env.reset(seed: 0, options: .none)
        var infos: [MarketStepInfo] = []
        while true {
            let r = try env.step(.discrete(0))
            infos.append(r.info)
            if r.isDone { break }
        }
        return infos
    }

    @Test func aPerfectSourceIsEarnedByTheCombinedBooks() throws {
        let (data, feats) = try Self.perfectMarket()
        // Two views of the perfect forecaster (one an affine copy): the combined and the agreement
        // books are the perfect book, whose return Σ_i (r_i − r̄)² / Σ_i |r_i − r̄| is positive at every step.
        for combine in SignalCombineMode.allCases {
            let infos = try Self.walk(data, feats, Self.action(combine, [("perfect", 1), ("perfect3", 2)]))
            #expect(infos.count > 200)
            for info in infos { #expect(info.grossReturn > 0, "\(combine) bar \(info.bar): \(info.grossReturn)") }
        }
        // With a noise source at half weight the weighted book still earns most of it, and far more
        // than the noise alone.
        let mixed = try Self.walk(data, feats, Self.action(.weighted, [("perfect", 1), ("noise", 0.5)]))
        let noise = try Self.walk(data, feats, Self.action(.weighted, [("noise", 1)]))
        let perfect = try Self.walk(data, feats, Self.action(.weighted, [("perfect", 1)]))
        func total(_ x: [MarketStepInfo]) -> Double { x.reduce(0) { $0 + $1.grossReturn } }
        #expect(total(mixed) > 0.5 * total(perfect), "mixed \(total(mixed)), perfect \(total(perfect))")
        #expect(total(mixed) > total(noise) + 0.5 * total(perfect), "mixed \(total(mixed)), noise \(total(noise))")
    }

    @Test(arguments: SignalCombineMode.allCases)
    func perturbingFuturePredictionsChangesNothingBefore(combine: SignalCombineMode) throws {
        var rng = Xoshiro256(seed: 17)
        let m = Fixtures.synthetic(assets: 6, bars: 220, seed: 6)
        let feats = Fixtures.withSecondSource(m.features, noise: 0.7)
        var c = Fixtures.config()
        c.action = Self.action(combine, [("pred", 1), ("pred2", 0.6)])
        c.action.confidenceFeature = "snr"
        c.constraints.rebalanceThreshold = 0.2
        c.constraints.thresholdStrengthCoefficient = 0.8
        c.constraints.thresholdConfidenceCoefficient = 2
        c.episode.horizon = 500
        var changedAfter = 0
        for trial in 0..<4 {
            let t0 = 60 + rng.uniformInt(below: 100)
            let k = feats.featureCount, n = feats.assetCount
            var values = feats.values
            for t in (t0 + 1)..<feats.barCount { for j in 0..<(n * k) { values[t * n * k + j] = Float(rng.normal()) } }
            let future = FeatureMatrix(names: feats.names, assets: feats.assets, barCount: feats.barCount, values: values)
            var a = try MarketEnv(data: m.data, features: feats, benchmark: nil, config: c)
            var b = try MarketEnv(data: m.data, features: future, benchmark: nil, config: c)
            let start = ResetOptions(values: ["start": Double(20 + trial)])
            _ = try a.reset(seed: 1, options: start)
            _ = try b.reset(seed: 1, options: start)
            var actions = Xoshiro256(seed: UInt64(trial))
            while true {
                let action = a.actionSpace.sample(using: &actions)
                let t = a.bar
                let ra = try a.step(action), rb = try b.step(action)
                if t <= t0 {
                    // Decided at bar t ≤ t0: the book, the hold decision and the accounting are unchanged.
                    #expect(ra.info == rb.info && a.tradedWeights == b.tradedWeights, "trial \(trial): bar \(t) ≤ t0 = \(t0) changed")
                    if t < t0 { #expect(ra.observation == rb.observation) }
                } else if a.tradedWeights != b.tradedWeights {
                    changedAfter += 1
                }
                if ra.isDone || t > t0 + 10 { break }
            }
        }
        // The perturbation is visible after t0, so the comparison above could fail.
        #expect(changedAfter > 0)
    }

    @Test func theAdaptiveThresholdFollowsItsFormula() throws {
        var rng = Xoshiro256(seed: 23)
        let m = Fixtures.synthetic(assets: 6, bars: 260, seed: 14)
        let feats = Fixtures.withSecondSource(m.features, noise: 0.8)
        var c = Fixtures.config()
        c.action = Self.action(.weighted, [("pred", 1), ("pred2", 1)])
        c.action.confidenceFeature = "snr"
        c.action.grossLevels = [0.5, 1]
        c.constraints.rebalanceThreshold = 1.6
        c.constraints.thresholdStrengthCoefficient = 0.7
        c.constraints.thresholdConfidenceCoefficient = 3
        c.episode.horizon = 200
        var env = try MarketEnv(data: m.data, features: feats, benchmark: nil, config: c)
        let panel = env.panel, scheme = env.scheme, projection = env.projection, n = panel.assetCount
        _ = try env.reset(seed: 3, options: .none)
        var held = 0, traded = 0
        for _ in 0..<150 {
            let t = env.bar
            let action = env.actionSpace.sample(using: &rng)
            // θ / (1 + a·S_t + b·max(0, C_t)), S_t the combined signal's mean |deviation|, C_t the mean confidence.
            var target = [Double](repeating: 0, count: n)
            let strength = target.withUnsafeMutableBufferPointer { scheme.predictionBook(panel: panel, bar: t, gross: 1, into: $0) }
            try target.withUnsafeMutableBufferPointer { (w) throws(EnvironmentError) in try scheme.rawBook(action, panel: panel, bar: t, into: w) }
            projection.project(&target, tradable: Array(panel.tradable[(t * n)..<((t + 1) * n)]), beta: Array(panel.beta[(t * n)..<((t + 1) * n)]))
            let distance = zip(target, env.weights).reduce(0) { $0 + abs($1.0 - $1.1) }
            let threshold = 1.6 / (1 + 0.7 * strength + 3 * max(0, panel.meanConfidence(bar: t)))
            let r = try env.step(action)
            #expect(r.info.rebalanced == !(distance < threshold), "bar \(t): distance \(distance), threshold \(threshold)")
            if r.info.rebalanced { traded += 1 } else { held += 1 }
            if r.isDone { break }
        }
        // Both outcomes happened, so the comparison decided something.
        #expect(held > 5 && traded > 5, "held \(held), traded \(traded)")
    }

    @Test func theConfidenceFlagIsCoefficientOneBitForBit() throws {
        let m = Fixtures.synthetic(assets: 6, bars: 260, seed: 14)
        var flag = Fixtures.config()
        flag.action.confidenceFeature = "snr"
        flag.constraints.rebalanceThreshold = 0.4
        flag.constraints.thresholdScalesWithConfidence = true
        var coefficient = flag
        coefficient.constraints.thresholdScalesWithConfidence = false
        coefficient.constraints.thresholdConfidenceCoefficient = 1
        var a = try MarketEnv(data: m.data, features: m.features, benchmark: nil, config: flag)
        var b = try MarketEnv(data: m.data, features: m.features, benchmark: nil, config: coefficient)
        try Self.expectIdentical(&a, &b, steps: 150, seed: 4, "flag vs b = 1")
        // Setting both is refused, naming the key.
        var both = MarketEnvConfig()
        both.constraints = flag.constraints
        both.constraints.thresholdConfidenceCoefficient = 2
        #expect(throws: ConfigError.invalidValue(path: "constraints.thresholdConfidenceCoefficient", found: "2.0",
                                                 expected: "0 when thresholdScalesWithConfidence is true (that flag is the coefficient 1). Fix: set one of them")) {
            try both.validate()
        }
    }

    @Test func badSourcesAreRefusedNamingTheKey() throws {
        let m = Fixtures.synthetic(assets: 4, bars: 60, seed: 1)
        func refusal(_ edit: (inout MarketEnvConfig) -> Void) -> String {
            var c = Fixtures.config()
            edit(&c)
            do { _ = try MarketEnv(data: m.data, features: m.features, benchmark: nil, config: c); return "accepted" } catch { return "\(error)" }
        }
        #expect(refusal { $0.action.signals = [SignalWeight(feature: "pred"), SignalWeight(feature: "h2.pred")] }.contains("action.signals[1].feature"))
        #expect(refusal { $0.action.signals = [SignalWeight(feature: "pred")]; $0.action.combine = .agreement }.contains("action.combine"))
        #expect(refusal { $0.action.signals = [SignalWeight(feature: "pred", weight: 0)] }.contains("action.signals"))
        #expect(refusal { $0.action.signals = [SignalWeight(feature: "pred")]; $0.action.signalFeature = "snr" }.contains("action.signalFeature"))
        #expect(refusal { $0.action.signals = [SignalWeight(feature: "pred", weight: .nan)] }.contains("action.signals[0].weight"))
        #expect(refusal { $0.constraints.thresholdStrengthCoefficient = -1 }.contains("constraints.thresholdStrengthCoefficient"))
        #expect(refusal { $0.constraints.thresholdConfidenceCoefficient = 1 }.contains("action.confidenceFeature"))
        #expect(refusal { $0.action.signals = [SignalWeight(feature: "pred"), SignalWeight(feature: "snr", weight: -0.5)] } == "accepted")
    }

    @Test func theCombinedBaselinesRunThroughTheEnv() throws {
        let m = Fixtures.synthetic(assets: 6, bars: 300, seed: 2)
        let feats = Fixtures.withSecondSource(m.features)
        var c = Fixtures.config()
        let panel = try MarketPanel(data: m.data, features: feats, benchmark: nil, volatilityWindow: c.observation.volatilityWindow,
                                    betaWindow: c.constraints.betaWindow)
        // One listed source: the combined baseline is the fixed-gross book, bit for bit.
        c.action.signals = [SignalWeight(feature: "pred")]
        let fixed = try Baseline.fixedGross(1).backtest(panel: panel, config: c, split: "train")
        let combined = try Baseline.combined(.weighted, gross: 1).backtest(panel: panel, config: c, split: "train")
        #expect(fixed.count > 250 && fixed == combined)
        // No list: every feature but the confidence feature, at weight 1.
        var d = Fixtures.config()
        d.action.confidenceFeature = "snr"
        let confident = try MarketPanel(data: m.data, features: feats, benchmark: nil, volatilityWindow: d.observation.volatilityWindow,
                                        betaWindow: d.constraints.betaWindow, confidenceFeature: "snr")
        #expect(Baseline.signalSources(config: d, panel: confident) == [SignalWeight(feature: "pred"), SignalWeight(feature: "pred2")])
        let weighted = try Baseline.combined(.weighted, gross: 1).backtest(panel: confident, config: d, split: "train")
        let agreement = try Baseline.combined(.agreement, gross: 1).backtest(panel: confident, config: d, split: "train")
        #expect(weighted.count == fixed.count && agreement.count == fixed.count)
        #expect(weighted.grossReturns != fixed.grossReturns && agreement.grossReturns != weighted.grossReturns)
        #expect(Baseline.combined(.agreement, gross: 1).description == "agreement gross 1.0")
    }

    @Test func signalsDecodeFromJSONWithStrictKeys() throws {
        let json = #"{"signals": [{"feature": "h1.pred", "weight": 2}, {"feature": "h2.pred"}], "combine": "agreement"}"#
        let a = try StrictDefaultsDecoding.decodeJSON(ActionConfig.self, from: Data(json.utf8), defaults: ActionConfig())
        #expect(a.signals == [SignalWeight(feature: "h1.pred", weight: 2), SignalWeight(feature: "h2.pred", weight: 1)])
        #expect(a.combine == .agreement)
        let typo = #"{"signals": [{"feature": "h1.pred", "wieght": 2}]}"#
        #expect(throws: ConfigError.self) { _ = try StrictDefaultsDecoding.decodeJSON(ActionConfig.self, from: Data(typo.utf8), defaults: ActionConfig()) }
        // Defaults: no list, weighted.
        let empty = try StrictDefaultsDecoding.decodeJSON(ActionConfig.self, from: Data("{}".utf8), defaults: ActionConfig())
        #expect(empty.signals.isEmpty && empty.combine == .weighted)
    }
}
