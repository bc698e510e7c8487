import Testing
import MarketGym
import SeededRandom
import TestSupport

/// The Gym contract, checked by Gym's own checker, for every action scheme.
@Suite struct MarketEnvCheckerTests {
    @Test(arguments: ActionSchemeKind.allCases)
    func passesTheEnvironmentChecker(scheme: ActionSchemeKind) throws {
        var rng = Xoshiro256(seed: 1)
        let m = Fixtures.synthetic(assets: 5, bars: 300, seed: 2)
        let (data, feats) = try Fixtures.withHoles(m, rng: &rng, fraction: 0.03)
        var c = Fixtures.config()
        c.action.scheme = scheme
        c.constraints.betaNeutral = scheme == .weights
        c.reward.differentialSharpeWeight = 0.1
        let env = try MarketEnv(data: data, features: feats, benchmark: m.benchmark, config: c)
        let report = checkEnvironment(env, options: EnvironmentCheckOptions(rolloutSteps: 300, determinismSteps: 100, seedsForVariation: 4))
        #expect(report.isPassing, "\(report)")
        #expect(report.warnings.isEmpty, "\(report)")
    }

    @Test func evaluationModePassesWithDeterministicStarts() throws {
        let m = Fixtures.synthetic(assets: 4, bars: 200, seed: 2)
        var c = Fixtures.config()
        c.episode.evaluation = true
        let env = try MarketEnv(data: m.data, features: m.features, config: c)
        let report = checkEnvironment(env, options: EnvironmentCheckOptions(rolloutSteps: 400, determinismSteps: 100, expectSeedVariation: false))
        #expect(report.isPassing, "\(report)")
    }

    /// Export mid-episode, import into a fresh env, and both continue bit-identically.
    @Test func exportedStateResumesBitExactly() throws {
        var rng = Xoshiro256(seed: 9)
        let m = Fixtures.synthetic(assets: 5, bars: 300, seed: 4)
        var c = Fixtures.config()
        c.action.scheme = .weights
        c.reward.differentialSharpeWeight = 0.3
        c.reward.variancePenalty = 1
        c.reward.drawdownPenalty = 1
        var a = try MarketEnv(data: m.data, features: m.features, config: c, seed: 3)
        _ = try a.reset(seed: 5, options: .none)
        for _ in 0..<17 { _ = try a.step(a.actionSpace.sample(using: &rng)) }
        var b = try MarketEnv(data: m.data, features: m.features, config: c, seed: 99)
        try b.importState(a.exportState())
        #expect(b.exportState() == a.exportState())
        for _ in 0..<200 {
            let action = a.actionSpace.sample(using: &rng)
            let ra = try a.step(action), rb = try b.step(action)
            #expect(ra.observation == rb.observation && ra.reward.bitPattern == rb.reward.bitPattern && ra.info == rb.info)
            if ra.isDone {
                let x = try a.reset(seed: nil, options: .none), y = try b.reset(seed: nil, options: .none)
                #expect(x.observation == y.observation)
            }
        }
        var bad = a.exportState()
        bad.reals["weights"] = [1]
        #expect(throws: EnvironmentError.self) { try b.importState(bad) }
    }

    @Test func reseededCopiesShareTablesAndDiffer() throws {
        let m = Fixtures.synthetic(assets: 4, bars: 300, seed: 4)
        let env = try MarketEnv(data: m.data, features: m.features, config: Fixtures.config(), seed: 1)
        var a = env.reseeded(10), b = env.reseeded(11)
        #expect(a.observationBuilder === b.observationBuilder)
        var starts = Set<Int>()
        for _ in 0..<5 { starts.insert(try a.reset(seed: nil, options: .none).info.bar); starts.insert(try b.reset(seed: nil, options: .none).info.bar) }
        #expect(starts.count > 2)
    }
}
