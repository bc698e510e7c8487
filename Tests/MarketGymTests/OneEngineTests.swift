import Gym
import MarketGym
import SeededRandom
import Testing
import TestSupport

/// The single env is the one-copy case of the vector env's stepper, and the names, warm-up and
/// constraint checks the daemon needs are the env's own functions.
@Suite struct OneEngineTests {
    static func env(_ scheme: ActionSchemeKind = .sizing, betaNeutral: Bool = false) throws -> MarketEnv {
        let market = Fixtures.synthetic(assets: 5, bars: 240, seed: 21)
        var c = Fixtures.config()
        c.action.scheme = scheme
        c.constraints.betaNeutral = betaNeutral
        return try MarketEnv(data: market.data, features: market.features, benchmark: market.benchmark, config: c)
    }

    /// The env holds its state in a shared object now: a copy must still be an independent value.
    @Test(arguments: ActionSchemeKind.allCases)
    func copiesOfTheSingleEnvAreIndependentValues(scheme: ActionSchemeKind) throws {
        var a = try Self.env(scheme)
        _ = try a.reset(seed: 3)
        let b = a
        let before = b.exportState()
        var rng = Xoshiro256(seed: 5)
        for _ in 0..<20 { _ = try a.step(a.actionSpace.sample(using: &rng)) }
        #expect(a.exportState() != before, "the steps changed nothing")
        #expect(b.exportState() == before, "stepping a copy changed the original")
        // And the copy, stepped with the same actions, follows the same path bit for bit.
        var c = b, d = b
        var r1 = Xoshiro256(seed: 9), r2 = Xoshiro256(seed: 9)
        for _ in 0..<15 {
            let x = try c.step(c.actionSpace.sample(using: &r1)), y = try d.step(d.actionSpace.sample(using: &r2))
            #expect(x.observation.map(\.bitPattern) == y.observation.map(\.bitPattern) && x.reward.bitPattern == y.reward.bitPattern)
            if x.terminated || x.truncated { break }
        }
    }

    /// One env and a one-copy vector env step identically, episode end included (where the vector
    /// autoresets and the env waits for a reset).
    @Test(arguments: ActionSchemeKind.allCases)
    func singleEnvEqualsAOneCopyVector(scheme: ActionSchemeKind) throws {
        var env = try Self.env(scheme, betaNeutral: true)
        var vec = MarketVectorEnv(count: 1, template: env)
        var obs = try env.reset(seed: 4).observation
        try vec.reset(seed: 4)
        #expect(obs.map(\.bitPattern) == vec.observations.map(\.bitPattern))
        var rng = Xoshiro256(seed: 6)
        var episodes = 0
        for step in 0..<200 {
            let action = env.actionSpace.sample(using: &rng)
            let outcome = try env.step(action)
            try vec.step([action])
            #expect(outcome.reward.bitPattern == vec.rewards[0].bitPattern && outcome.info == vec.stepInfos[0], "step \(step)")
            if outcome.terminated || outcome.truncated {
                #expect(vec.ended[0] && outcome.observation.map(\.bitPattern) == vec.finalObservations.map(\.bitPattern), "step \(step)")
                obs = try env.reset(seed: nil, options: .none).observation
                episodes += 1
            } else {
                obs = outcome.observation
            }
            #expect(obs.map(\.bitPattern) == vec.observations.map(\.bitPattern), "step \(step)")
        }
        #expect(episodes >= 2, "the run should cross episode ends")
    }

    /// Observation names are a pure function of (assets, features, window); the warm-up is the config's.
    @Test func namesAndWarmupAreFunctionsOfTheConfig() throws {
        for betaNeutral in [false, true] {
            let env = try Self.env(.sizing, betaNeutral: betaNeutral)
            let names = ObservationBuilder.names(assets: env.panel.assets, features: env.panel.featureNames, window: env.config.observation.window)
            #expect(names == env.observationNames && names.count == env.observationSpace.count)
            #expect(env.warmup == env.config.warmup && env.config.requiredHistory == env.warmup + 1)
            #expect(env.warmup == (betaNeutral ? env.config.constraints.betaWindow : env.config.observation.volatilityWindow))
        }
        // Two prediction sources per asset are two features, named `<asset>.<source>`.
        let two = ObservationBuilder.names(assets: ["BTC", "ETH"], features: ["h1.pred", "h2.pred"], window: 1)
        #expect(Array(two[2..<6]) == ["BTC.h1.pred", "BTC.h2.pred", "ETH.h1.pred", "ETH.h2.pred"])
    }

    @Test func constraintChecksNameTheField() throws {
        var c = Fixtures.config()
        c.constraints.maxGross = -1
        #expect(throws: MarketEnvError.self) { try c.checkConstraints() }
        do { try c.checkConstraints() } catch { #expect("\(error)".contains("constraints.maxGross")) }
        c.constraints.maxGross = 1
        c.constraints.rebalanceThreshold = -0.1
        do { try c.checkConstraints(); Issue.record("a negative threshold passed") } catch { #expect("\(error)".contains("constraints.rebalanceThreshold")) }
    }
}
