import CheckpointFormat
import Foundation
import Gym
import MarketGym
import PolicyRuntime
import Testing
import TestSupport

/// The runtime computes, from snapshots a daemon would send, the same observations and the same
/// neutral target books as the env, bar by bar, on the bundled real data.
@Suite struct EnvParityTests {
    @Test(arguments: [(ActionSchemeKind.sizing, false), (ActionSchemeKind.perAsset, true), (ActionSchemeKind.sizing, true), (ActionSchemeKind.perAsset, false),
                       (ActionSchemeKind.weights, true)])
    func replayedEpisodeMatchesTheEnvBarByBar(scheme: ActionSchemeKind, betaNeutral: Bool) throws {
        try Self.replay(PolicyFixtures.marketConfig(scheme: scheme, betaNeutral: betaNeutral), label: "\(scheme.rawValue) betaNeutral=\(betaNeutral)")
    }

    /// The combined-signal books: the bundled data's three prediction horizons weighted, and in
    /// agreement (with the strength-adaptive threshold in the env, which the runtime does not apply).
    @Test(arguments: [(SignalCombineMode.weighted, false), (.agreement, false), (.weighted, true), (.agreement, true)])
    func combinedSignalBooksMatchTheEnvBarByBar(combine: SignalCombineMode, betaNeutral: Bool) throws {
        var config = PolicyFixtures.marketConfig(scheme: .sizing, betaNeutral: betaNeutral)
        config.action.signals = [SignalWeight(feature: "pred_h1", weight: 0.5), SignalWeight(feature: "pred_h5", weight: 1), SignalWeight(feature: "pred_h20", weight: 0.25)]
        config.action.combine = combine
        try Self.replay(config, label: "\(combine.rawValue) betaNeutral=\(betaNeutral)")
    }

    static func replay(_ config: MarketEnvConfig, label: String) throws {
        let scheme = config.action.scheme
        var env = try PolicyFixtures.env(config)
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("policy.h5")
        let spec = try PolicyFixtures.spec(env: env, network: scheme == .sizing ? .qValues : scheme == .perAsset ? .branchingQValues : .gaussian, hidden: [32, 16])
        try PolicyFixtures.writeCheckpoint(spec, seed: 5, to: url)
        // The bundled feed has genuinely missing prices before listings: treat them as the env does.
        let policy = try Policy.load(contentsOf: url, options: Policy.Options(nonFinite: .asMissing))
        #expect(policy.requiredHistory == env.warmup + 1)

        let start = env.split.bars.lowerBound + 40
        var obs = try env.reset(seed: 1, options: ResetOptions(values: ["start": Double(start)])).observation
        let names = env.observationNames
        var drawdown = 0.0, lastReturn = 0.0
        let steps = 60, horizon = Double(config.episode.horizon)
        var maxVolDiff: Float = 0, maxWeightDiff = 0.0, exactBooks = 0
        for s in 0..<steps {
            let t = env.bar
            // The daemon sends more history than needed: the runtime uses the last requiredHistory bars.
            let snap = try PolicyFixtures.snapshot(at: t, history: policy.requiredHistory + 7, env: env, weights: env.weights,
                                                   drawdown: drawdown, time: Double(s) / horizon, lastReturn: lastReturn)
            let runtimeObs = try policy.observation(for: snap)
            #expect(runtimeObs.count == obs.count)
            for e in 0..<min(obs.count, runtimeObs.count) {
                // Every element, trailing volatility included, bit for bit: each trailing statistic
                // is computed from its own window, in the env's panel and in the runtime's window alike.
                #expect(obs[e] == runtimeObs[e], "bar \(t) \(names[e]): env \(obs[e]), runtime \(runtimeObs[e])")
                if names[e].hasSuffix(".vol") { maxVolDiff = max(maxVolDiff, abs(obs[e] - runtimeObs[e])) }
            }
            let target = try policy.targetWeights(for: snap)
            let action = try policy.act(observation: obs)
            switch action {
            case .discrete(let a): #expect(target.action == [Double(a)], "bar \(t)")
            case .multiDiscrete(let a): #expect(target.action == a.map(Double.init), "bar \(t)")
            case .continuous(let a): #expect(target.action == a.map(Double.init), "bar \(t)")
            }
            let outcome = try env.step(action)
            obs = outcome.observation
            let book = try policy.targetWeights(for: snap, action: action)
            #expect(book.weights.count == env.tradedWeights.count)
            var same = true
            for (x, y) in zip(book.weights, env.tradedWeights) {
                maxWeightDiff = max(maxWeightDiff, abs(x - y))
                if x != y { same = false }
                // Beta-neutral books too: the betas are the same bits on both sides.
                #expect(x == y, "bar \(t): runtime \(book.weights), env \(env.tradedWeights)")
            }
            if same { exactBooks += 1 }
            let sum = book.weights.reduce(0, +), gross = book.weights.reduce(0) { $0 + abs($1) }
            #expect(abs(sum) < 1e-12 && gross <= config.constraints.maxGross + 1e-12)
            drawdown = outcome.info.drawdown
            lastReturn = outcome.info.netReturn
            if outcome.terminated || outcome.truncated { break }
        }
        // Every book is bit-identical, beta-neutral ones included.
        #expect(exactBooks == steps)
        print("EnvParity \(label): max |Δvol obs| \(maxVolDiff), max |Δw| \(maxWeightDiff), bit-identical books \(exactBooks)/\(steps)")
    }
}
