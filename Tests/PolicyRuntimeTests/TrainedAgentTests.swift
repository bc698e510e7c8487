import Agents
import CheckpointFormat
import Foundation
import Gym
import MarketGym
import PolicyRuntime
import Testing
import TestSupport

/// A policy trained by the real DQN agent on the bundled data, exported and loaded by the runtime,
/// acts exactly like the agent's own `act` — from the env's observations and from daemon snapshots.
@Suite struct TrainedAgentTests {
    @Test(arguments: [false, true])
    func runtimeActsLikeTheTrainedDQN(dueling: Bool) throws {
        var config = PolicyFixtures.marketConfig(scheme: dueling ? .perAsset : .sizing)
        config.episode.split = "train"
        let env = try PolicyFixtures.env(config)
        var c = DQNConfig()
        c.learningRate = .constant(1e-3)
        c.replay.capacity = 2_000
        c.learningStarts = 100
        c.batchSize = 32
        c.trainFrequency = 1
        c.targetUpdateInterval = 50
        c.explorationFraction = 0.5
        c.dueling = dueling
        c.network = NetworkConfig(hidden: [32, 16], activation: dueling ? .tanh : .relu)
        let agent = try DQNAgent(config: c, seed: 7, totalSteps: 300) { i in env.reseeded(UInt64(i)) }
        try agent.train(untilStep: 300, shouldStop: { false }) { _, _, _ in }

        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("dqn.h5")
        let net = agent.policyNetwork
        var spec = try PolicyFixtures.spec(env: env, network: net.kind, hidden: net.hidden, activation: net.activation, dueling: net.dueling)
        spec.algorithm = agent.algorithm
        try Checkpoint(algorithm: agent.algorithm, step: agent.step, episodes: agent.episodes, configYAML: "{}",
                       policy: spec, policyParameters: agent.policyParameters()).write(to: url)
        let policy = try Policy.load(contentsOf: url, options: Policy.Options(nonFinite: .asMissing))
        #expect(policy.version.hasPrefix("dqn-step300-"))

        // Walk a test-period episode with the agent's own actions.
        var evalConfig = config
        evalConfig.episode.split = "test"
        var walk = try PolicyFixtures.env(evalConfig)
        var obs = try walk.reset(seed: 0, options: ResetOptions(values: ["start": Double(walk.split.bars.lowerBound + 30)])).observation
        var distinct = Set<[Double]>()
        var drawdown = 0.0, lastReturn = 0.0
        for s in 0..<80 {
            let expected = agent.act(obs)
            #expect(try policy.act(observation: obs) == expected, "step \(s)")
            let snap = try PolicyFixtures.snapshot(at: walk.bar, history: policy.requiredHistory, env: walk, weights: walk.weights,
                                                   drawdown: drawdown, time: Double(s) / Double(evalConfig.episode.horizon), lastReturn: lastReturn)
            let target = try policy.targetWeights(for: snap)
            let numbers: [Double]
            switch expected {
            case .discrete(let a): numbers = [Double(a)]
            case .multiDiscrete(let a): numbers = a.map(Double.init)
            case .continuous(let a): numbers = a.map(Double.init)
            }
            #expect(target.action == numbers, "step \(s)")
            distinct.insert(numbers)
            let out = try walk.step(expected)
            // The runtime's book for this bar is the book the env traded.
            #expect(target.weights == walk.tradedWeights, "step \(s)")
            obs = out.observation
            drawdown = out.info.drawdown
            lastReturn = out.info.netReturn
            if out.terminated || out.truncated { break }
        }
        print("TrainedAgent dueling=\(dueling): \(distinct.count) distinct actions")
    }

    /// A per-asset (EIIE-style) PPO policy with observation normalization: the runtime rebuilds the
    /// shared per-asset MLP from the names alone and acts exactly like the agent.
    @Test func runtimeActsLikeThePerAssetPPO() throws {
        var config = PolicyFixtures.marketConfig(scheme: .weights)
        config.episode.split = "train"
        config.observation.window = 2
        let env = try PolicyFixtures.env(config)
        var c = PolicyGradientConfig()
        c.actorArchitecture = .perAsset
        c.network = NetworkConfig(hidden: [8], activation: .tanh)
        c.numEnvs = 2
        c.nSteps = 64
        c.batchSize = 64
        c.nEpochs = 2
        c.normalizeObservations = true
        let agent = try PolicyGradientAgent(config: c, seed: 3, totalSteps: 256) { i in env.reseeded(UInt64(i)) }
        try agent.train(untilStep: 256, shouldStop: { false }) { _, _, _ in }

        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ppo.h5")
        let net = agent.policyNetwork
        #expect(net.kind == .perAssetGaussian)
        var spec = try PolicyFixtures.spec(env: env, network: net.kind, hidden: net.hidden, activation: net.activation)
        spec.normalization = agent.observationNormalization
        try Checkpoint(algorithm: agent.algorithm, step: agent.step, episodes: agent.episodes, configYAML: "{}",
                       policy: spec, policyParameters: agent.policyParameters()).write(to: url)
        let policy = try Policy.load(contentsOf: url, options: Policy.Options(nonFinite: .asMissing))

        var evalConfig = config
        evalConfig.episode.split = "test"
        var walk = try PolicyFixtures.env(evalConfig)
        var obs = try walk.reset(seed: 0, options: ResetOptions(values: ["start": Double(walk.split.bars.lowerBound + 30)])).observation
        for s in 0..<40 {
            let expected = agent.act(obs)
            #expect(try policy.act(observation: obs) == expected, "step \(s)")
            let out = try walk.step(expected)
            obs = out.observation
            if out.terminated || out.truncated { break }
        }
        // Another asset count than the names hold: refused with a typed error naming the layout.
        spec.actionShape = [spec.assets.count + 1]
        spec.actionLow.append(-1)
        spec.actionHigh.append(1)
        try Checkpoint(algorithm: agent.algorithm, step: agent.step, episodes: agent.episodes, configYAML: "{}",
                       policy: spec, policyParameters: agent.policyParameters()).write(to: url)
        let error = #expect(throws: PolicyRuntimeError.self) { _ = try Policy.load(contentsOf: url) }
        if case .invalidPolicy(_, let detail)? = error { #expect(detail.contains("asset groups"), "\(detail)") } else { Issue.record("\(String(describing: error))") }
    }
}
