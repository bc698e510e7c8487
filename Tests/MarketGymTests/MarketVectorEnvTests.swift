import Testing
import MarketGym
import SeededRandom
import TestSupport

/// `MarketVectorEnv` against M independent `MarketEnv`s (through `SyncVectorEnvironment`, which
/// steps them one by one with the same autoreset): bit-identical observations, rewards, flags,
/// infos and states, over random actions and the configurations the env supports.
@Suite struct MarketVectorEnvTests {
    /// Configurations: every scheme with and without beta-neutral, thresholds (the sizing level
    /// table's hold path included), next-open execution, tight drawdown limits, costs.
    static func variants() -> [(String, MarketEnvConfig, opens: Bool)] {
        // The invariant tests' sweep (schemes x beta-neutral, volatility-scaled slippage, funding,
        // a weights threshold), with every reward term switched on.
        var out: [(String, MarketEnvConfig, opens: Bool)] = MarketEnvInvariantTests.variants().map { name, config in
            var c = config
            c.reward.differentialSharpeWeight = 0.5
            c.reward.turnoverPenalty = 0.01
            c.reward.drawdownPenalty = 0.1
            c.reward.variancePenalty = 0.2
            c.reward.exposurePenalty = 0.001
            return (name, c, false)
        }
        var t = Fixtures.config()
        t.action.scheme = .sizing
        t.constraints.rebalanceThreshold = 0.3
        t.action.confidenceFeature = "snr"
        t.constraints.thresholdScalesWithConfidence = true
        out.append(("sizing threshold", t, false))
        // Combined signals (over the features plus `pred2`, `Fixtures.withSecondSource`) with the
        // strength- and confidence-adaptive threshold.
        for combine in SignalCombineMode.allCases {
            var s = Fixtures.config()
            s.action.signals = [SignalWeight(feature: "pred", weight: 1), SignalWeight(feature: "pred2", weight: 0.7)]
            s.action.combine = combine
            s.action.confidenceFeature = "snr"
            s.constraints.rebalanceThreshold = 0.3
            s.constraints.thresholdStrengthCoefficient = 0.5
            s.constraints.thresholdConfidenceCoefficient = 2
            out.append(("signals \(combine.rawValue)", s, false))
        }
        for scheme in ActionSchemeKind.allCases {
            var o = Fixtures.config()
            o.action.scheme = scheme
            o.costs.execution = .nextOpen
            o.constraints.rebalanceThreshold = scheme == .sizing ? 0.2 : 0
            out.append(("\(scheme) next-open", o, true))
        }
        for scheme in [ActionSchemeKind.sizing, .perAsset] {
            var d = Fixtures.config()
            d.action.scheme = scheme
            d.action.grossLevels = [0, 1, 4, 8]
            d.constraints.maxGross = 8
            d.constraints.maxWeight = 2
            d.costs.feeBps = 30
            d.episode.maxDrawdown = 0.05
            out.append(("\(scheme) drawdown", d, false))
        }
        return out
    }

    static func bits(_ x: [Float]) -> [UInt32] { x.map(\.bitPattern) }
    static func bits(_ x: [Double]) -> [UInt64] { x.map(\.bitPattern) }

    @Test func bitIdenticalToIndependentEnvs() throws {
        var rng = Xoshiro256(seed: 21)
        let m = 5
        var endedSeen = 0, terminatedSeen = 0, heldSeen = 0
        for (name, config, opens) in Self.variants() {
            let market = Fixtures.synthetic(assets: 6, bars: 260, seed: 5, withOpens: opens)
            let (data, holed) = try Fixtures.withHoles(market, rng: &rng, fraction: 0.04)
            let feats = name.hasPrefix("signals") ? Fixtures.withSecondSource(holed) : holed
            let template = try MarketEnv(data: data, features: feats, benchmark: market.benchmark, config: config)
            var reference = SyncVectorEnvironment((0..<m).map { template.reseeded(UInt64($0)) })
            // The sizing scheme also without its precomputed books (the projecting path), once.
            var batch = MarketVectorEnv(count: m, template: template, precomputeSizingBooks: !name.contains("sizing beta=false"))
            #expect(batch.usesPrecomputedBooks == (config.action.scheme == .sizing && !name.contains("sizing beta=false")), "\(name)")
            try reference.reset(seed: 40)
            try batch.reset(seed: 40)
            #expect(Self.bits(batch.observations) == Self.bits(reference.observations), "\(name): reset observations")
            let d = batch.observationCount
            for round in 0..<160 {
                let actions = (0..<m).map { _ in template.actionSpace.sample(using: &rng) }
                try reference.step(actions)
                try batch.step(actions)
                #expect(Self.bits(batch.observations) == Self.bits(reference.observations), "\(name) round \(round): observations")
                #expect(Self.bits(batch.rewards) == Self.bits(reference.rewards), "\(name) round \(round): rewards")
                #expect(batch.terminated == reference.terminated && batch.truncated == reference.truncated && batch.ended == reference.ended,
                        "\(name) round \(round): flags")
                #expect(batch.infos == reference.infos, "\(name) round \(round): infos")
                for e in 0..<m where batch.ended[e] {
                    endedSeen += 1
                    if batch.terminated[e] { terminatedSeen += 1 }
                    #expect(Self.bits(Array(batch.finalObservations[e * d ..< (e + 1) * d])) == Self.bits(Array(reference.finalObservations[e * d ..< (e + 1) * d])),
                            "\(name) round \(round): final observation \(e)")
                    #expect(batch.episodeReturns[e].bitPattern == reference.episodeReturns[e].bitPattern && batch.episodeLengths[e] == reference.episodeLengths[e])
                }
                for e in 0..<m {
                    if batch.stepInfos[e].rebalanced == false { heldSeen += 1 }
                    #expect(Self.bits(batch.weights(of: e)) == Self.bits(reference.environments[e].weights), "\(name): held book \(e)")
                    #expect(Self.bits(batch.tradedWeights(of: e)) == Self.bits(reference.environments[e].tradedWeights), "\(name): traded book \(e)")
                    // Invariants of the traded book.
                    let w = batch.tradedWeights(of: e)
                    #expect(abs(w.reduce(0, +)) <= 1e-9, "\(name): Σw = \(w.reduce(0, +))")
                    #expect(w.reduce(0) { $0 + abs($1) } <= config.constraints.maxGross + 1e-12)
                    #expect(w.allSatisfy { abs($0) <= config.constraints.maxWeight + 1e-12 })
                }
            }
            #expect(batch.exportState() == reference.exportState(), "\(name): exported states differ")
        }
        // The sweep reached the paths it is meant to cover.
        #expect(endedSeen > 20 && terminatedSeen > 5 && heldSeen > 20, "ended \(endedSeen), terminated \(terminatedSeen), held \(heldSeen)")
    }

    static func makeEnv(_ scheme: ActionSchemeKind = .sizing, count: Int = 4) throws -> (MarketVectorEnv, MarketEnv) {
        let market = Fixtures.synthetic(assets: 6, bars: 200, seed: 9)
        var c = Fixtures.config()
        c.action.scheme = scheme
        let template = try MarketEnv(data: market.data, features: market.features, benchmark: market.benchmark, config: c)
        return (MarketVectorEnv(count: count, template: template), template)
    }

    @Test func exportImportResumesExactly() throws {
        for scheme in ActionSchemeKind.allCases {
            var (a, template) = try Self.makeEnv(scheme)
            var rng = Xoshiro256(seed: 3)
            try a.reset(seed: 8)
            for _ in 0..<70 { try a.step((0..<4).map { _ in template.actionSpace.sample(using: &rng) }) }
            var (b, _) = try Self.makeEnv(scheme)
            try b.importState(a.exportState())
            // A state from independent envs imports too (same entries).
            var sync = SyncVectorEnvironment((0..<4).map { template.reseeded(UInt64($0)) })
            try sync.importState(a.exportState())
            var c = b
            try c.importState(sync.exportState())
            for round in 0..<120 {
                let actions = (0..<4).map { _ in template.actionSpace.sample(using: &rng) }
                try a.step(actions)
                try b.step(actions)
                try c.step(actions)
                try sync.step(actions)
                #expect(Self.bits(a.observations) == Self.bits(b.observations) && Self.bits(a.rewards) == Self.bits(b.rewards), "\(scheme) round \(round)")
                #expect(Self.bits(c.observations) == Self.bits(sync.observations) && Self.bits(c.rewards) == Self.bits(sync.rewards), "\(scheme) round \(round)")
                #expect(a.ended == b.ended && a.infos == b.infos)
            }
            #expect(a.exportState() == b.exportState())
        }
    }

    @Test func copiesAreIndependentValues() throws {
        var (a, template) = try Self.makeEnv()
        try a.reset(seed: 1)
        var b = a
        let before = b.exportState()
        var rng = Xoshiro256(seed: 4)
        for _ in 0..<10 { try a.step((0..<4).map { _ in template.actionSpace.sample(using: &rng) }) }
        #expect(b.exportState() == before, "stepping a copy changed the original")
        try b.step((0..<4).map { _ in .discrete(1) })
    }

    @Test func vectorChecks() throws {
        var (env, template) = try Self.makeEnv()
        // Names, spaces.
        #expect(env.observationNames == template.observationNames && env.observationNames.count == env.observationCount)
        #expect(env.actionSpace == template.actionSpace && env.observationSpace == template.observationSpace)
        #expect(env.infos.allSatisfy { $0 == nil })
        // Step before reset.
        let e1 = #expect(throws: EnvironmentError.self) { try env.step([Action](repeating: .discrete(0), count: 4)) }
        if case .resetNeeded = e1 {} else { Issue.record("expected resetNeeded, got \(String(describing: e1))") }
        // Unknown option.
        let e2 = #expect(throws: EnvironmentError.self) { try env.reset(seed: 1, options: ResetOptions(values: ["nope": 1])) }
        if case .invalidOption = e2 {} else { Issue.record("expected invalidOption, got \(String(describing: e2))") }
        // Seeded resets are reproducible; observations finite and in the space.
        try env.reset(seed: 5)
        let first = env.observations
        try env.reset(seed: 5)
        #expect(Self.bits(env.observations) == Self.bits(first))
        var rng = Xoshiro256(seed: 2)
        let d = env.observationCount
        for _ in 0..<300 {
            try env.step((0..<4).map { _ in env.actionSpace.sample(using: &rng) })
            for e in 0..<4 {
                let row = Array(env.observations[e * d ..< (e + 1) * d])
                #expect(row.allSatisfy(\.isFinite) && env.observationSpace.contains(row))
                if env.ended[e] { #expect(env.observationSpace.contains(Array(env.finalObservations[e * d ..< (e + 1) * d]))) }
            }
        }
        // An invalid action anywhere: error, and no copy stepped.
        let before = env.exportState()
        for bad: Action in [.discrete(99), .continuous([0]), .multiDiscrete([0])] {
            let e3 = #expect(throws: EnvironmentError.self) { try env.step([.discrete(0), .discrete(1), bad, .discrete(0)]) }
            if case .invalidAction = e3 {} else { Issue.record("expected invalidAction, got \(String(describing: e3))") }
        }
        #expect(env.exportState() == before)
        // Options apply to every copy: evaluation episodes start at the same bar.
        try env.reset(seed: 0, options: ResetOptions(values: ["evaluation": 1]))
        #expect(Set((0..<4).map { env.bar(of: $0) }).count == 1)
    }

    @Test func vectorNormalizeWrapsItLikeTheSyncVector() throws {
        let (batch, template) = try Self.makeEnv(.sizing, count: 3)
        var a = VectorNormalize(batch)
        var b = VectorNormalize(SyncVectorEnvironment((0..<3).map { template.reseeded(UInt64($0)) }))
        try a.reset(seed: 6)
        try b.reset(seed: 6)
        var rng = Xoshiro256(seed: 1)
        for _ in 0..<150 {
            let actions = (0..<3).map { _ in template.actionSpace.sample(using: &rng) }
            try a.step(actions)
            try b.step(actions)
            #expect(Self.bits(a.observations) == Self.bits(b.observations) && Self.bits(a.rewards) == Self.bits(b.rewards) && a.ended == b.ended)
        }
        #expect(a.exportState() == b.exportState())
    }
}
