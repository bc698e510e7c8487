import Agents
import CheckpointFormat
import Foundation
import Gym
import HDF5
import MarketGym
import SeededRandom
import Testing
import TestSupport

/// The agents train through the `VectorEnvironment` protocol: on `MarketVectorEnv` (the batch
/// stepper the lab uses for market specs) they produce the same bits as on a `SyncVectorEnvironment`
/// of `MarketEnv`s, and resume exactly from a checkpointed state.
@Suite struct AgentsOnVectorEnvTests {
    static func template(scheme: ActionSchemeKind = .sizing) throws -> MarketEnv {
        var rng = Xoshiro256(seed: 2)
        var c = SyntheticMarket.Config()
        c.assets = 5
        c.bars = 300
        let market = SyntheticMarket(config: c, rng: &rng)
        var config = MarketEnvConfig()
        config.splits.train = DateRange(from: "2000-01-01", to: "2099-12-31")
        config.episode.split = "train"
        config.episode.horizon = 40
        config.observation.window = 5
        config.observation.volatilityWindow = 10
        config.constraints.betaWindow = 20
        config.action.scheme = scheme
        return try MarketEnv(data: market.data, features: market.features, benchmark: market.benchmark, config: config)
    }

    static func bits(_ agent: any TrainableAgent) -> [[UInt32]] { agent.policyParameters().map { $0.values.map(\.bitPattern) } }

    /// Trains `a` and `b` to `until` and returns both logs (tag, value bits, step).
    static func train(_ agents: [any TrainableAgent], until: Int) throws -> [[String]] {
        try agents.map { agent in
            var log: [String] = []
            try agent.train(untilStep: until, shouldStop: { false }, log: { log.append("\($0) \($1.bitPattern) \($2)") })
            return log
        }
    }

    @Test(arguments: [(PolicyGradientAlgorithm.ppo, ActionSchemeKind.sizing), (.a2c, .perAsset), (.reinforce, .sizing), (.ppo, .weights)])
    func policyGradientOnTheBatchEnvEqualsTheSyncVectorAndResumes(algorithm: PolicyGradientAlgorithm, scheme: ActionSchemeKind) throws {
        let template = try Self.template(scheme: scheme)
        var c = PolicyGradientConfig()
        c.algorithm = algorithm
        c.numEnvs = 4
        c.nSteps = 16
        c.batchSize = 32
        c.nEpochs = 2
        c.network.hidden = [16]
        func batch() throws -> PolicyGradientAgent<MarketVectorEnv> {
            try PolicyGradientAgent(config: c, seed: 3, totalSteps: 640, environments: MarketVectorEnv(count: 4, template: template))
        }
        let a = try batch()
        let b = try PolicyGradientAgent(config: c, seed: 3, totalSteps: 640) { i in template.reseeded(UInt64(i)) }
        let first = try Self.train([a, b], until: 320)
        #expect(first[0] == first[1] && first[0].contains { $0.hasPrefix("train/episode_return") }, "\(algorithm): logs differ or no episode ended")
        #expect(Self.bits(a) == Self.bits(b))
        let resumed = try batch()
        try resumed.restore(policy: a.policyParameters(), training: a.trainingState())
        let second = try Self.train([a, resumed, b], until: 640)
        #expect(second[0] == second[1] && second[0] == second[2])
        #expect(Self.bits(a) == Self.bits(resumed) && Self.bits(a) == Self.bits(b))
    }

    @Test func dqnOnTheBatchEnvEqualsTheSyncVectorAndResumes() throws {
        let template = try Self.template()
        var c = DQNConfig()
        c.numEnvs = 4
        c.learningStarts = 40
        c.batchSize = 16
        c.targetUpdateInterval = 50
        c.replay.capacity = 2_000
        c.network.hidden = [16]
        func batch() throws -> DQNAgent<MarketVectorEnv> {
            try DQNAgent(config: c, seed: 5, totalSteps: 800, environments: MarketVectorEnv(count: 4, template: template))
        }
        let a = try batch()
        let b = try DQNAgent(config: c, seed: 5, totalSteps: 800) { i in template.reseeded(UInt64(i)) }
        let first = try Self.train([a, b], until: 400)
        #expect(first[0] == first[1] && first[0].contains { $0.hasPrefix("train/loss") })
        // Through a checkpoint file, replay included (as the lab resumes).
        let resumed = try batch()
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ckpt.h5")
        let net = a.policyNetwork
        let spec = PolicySpec(algorithm: "dqn", environment: "test", observationNames: template.observationNames, actionKind: .discrete,
                              actionShape: a.layout.branches, network: net.kind, hidden: net.hidden, activation: net.activation, dueling: net.dueling)
        let checkpoint = Checkpoint(algorithm: "dqn", step: a.step, episodes: a.episodes, configYAML: "{}",
                                    policy: spec, policyParameters: a.policyParameters(), training: a.trainingState())
        try checkpoint.write(to: url, extra: { file in try a.writeReplay(to: file) })
        let loaded = try Checkpoint.read(from: url)
        try resumed.restore(policy: loaded.policyParameters, training: try #require(loaded.training))
        let file = try HDF5File.open(url)
        defer { try? file.close() }
        try resumed.readReplay(from: file)
        let second = try Self.train([a, resumed, b], until: 800)
        #expect(second[0] == second[1] && second[0] == second[2])
        #expect(Self.bits(a) == Self.bits(resumed) && Self.bits(a) == Self.bits(b))
    }
}
