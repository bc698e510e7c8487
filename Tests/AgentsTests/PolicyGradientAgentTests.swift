import CheckpointFormat
import Foundation
import Gym
import Testing
import TestSupport
@testable import Agents

/// Learning on tasks with a known optimum (SB3's identity envs), and bit-exact resume through a
/// real checkpoint file.
@Suite struct PolicyGradientAgentTests {
    struct LogEntry: Equatable { var tag: String; var value: Double; var step: Int }

    static func smallConfig(_ algorithm: PolicyGradientAlgorithm) -> PolicyGradientConfig {
        var c: PolicyGradientConfig
        switch algorithm {
        case .ppo: c = PolicyGradientConfig()
        case .a2c: c = .a2c()
        case .reinforce: c = .reinforce()
        }
        c.network = NetworkConfig(hidden: [32, 32], activation: .tanh)
        c.numEnvs = 4
        c.nSteps = algorithm == .a2c ? 8 : 32
        c.batchSize = 64
        c.nEpochs = algorithm == .ppo ? 4 : 1
        c.learningRate = .constant(algorithm == .ppo ? 3e-3 : 5e-3)
        c.gamma = 0.9
        return c
    }

    /// Mean reward per step of the deterministic policy over `steps` steps of a fresh env.
    static func evaluate<V: VectorEnvironment, E: Environment>(_ agent: PolicyGradientAgent<V>, env: E, steps: Int) throws -> Double {
        var env = env
        var (obs, _) = try env.reset(seed: 999)
        var total = 0.0
        for _ in 0..<steps {
            let r = try env.step(agent.act(obs))
            total += r.reward
            obs = r.isDone ? try env.reset().observation : r.observation
        }
        return total / Double(steps)
    }

    // MARK: Learning (known optimum: reward 1 per step)

    @Test(arguments: [PolicyGradientAlgorithm.ppo, .a2c, .reinforce])
    func learnsDiscreteIdentity(_ algorithm: PolicyGradientAlgorithm) throws {
        let config = Self.smallConfig(algorithm)
        let budget = 8_192
        let agent = try PolicyGradientAgent(config: config, seed: 1, totalSteps: budget) { i in
            IdentityEnvironment(n: 4, episodeLength: 20, seed: UInt64(i))
        }
        try agent.train(untilStep: budget, shouldStop: { false }, log: { _, _, _ in })
        let score = try Self.evaluate(agent, env: IdentityEnvironment(n: 4, episodeLength: 20), steps: 400)
        // Optimal 1.0; a random policy earns 0.25.
        #expect(score >= 0.95, "\(algorithm) deterministic accuracy \(score)")
    }

    @Test func ppoLearnsMultiDiscreteIdentity() throws {
        var config = Self.smallConfig(.ppo)
        config.entCoef = 0.0
        let budget = 8_192
        let agent = try PolicyGradientAgent(config: config, seed: 2, totalSteps: budget) { i in
            MultiDiscreteIdentityEnvironment(nvec: [3, 4], episodeLength: 20, seed: UInt64(i))
        }
        try agent.train(untilStep: budget, shouldStop: { false }, log: { _, _, _ in })
        let score = try Self.evaluate(agent, env: MultiDiscreteIdentityEnvironment(nvec: [3, 4], episodeLength: 20), steps: 400)
        // Optimal 1.0; random 1/12.
        #expect(score >= 0.9, "factorized categorical accuracy \(score)")
    }

    @Test func ppoGaussianLearnsContinuousTarget() throws {
        var config = Self.smallConfig(.ppo)
        config.gamma = 0
        let budget = 8_192
        let agent = try PolicyGradientAgent(config: config, seed: 3, totalSteps: budget) { i in
            StatefulBoxTargetEnvironment(episodeLength: 10, seed: UInt64(i))
        }
        let before = try Self.evaluate(agent, env: StatefulBoxTargetEnvironment(), steps: 300)
        try agent.train(untilStep: budget, shouldStop: { false }, log: { _, _, _ in })
        let after = try Self.evaluate(agent, env: StatefulBoxTargetEnvironment(), steps: 300)
        // Reward 1 − |a − target|: optimum 1; the initial policy (mean ≈ 0) earns ≈ 0.5.
        #expect(after >= 0.9, "Gaussian policy reward \(after) (before \(before))")
    }

    // MARK: Exact resume

    func resumeIsBitExact<E: StatefulEnvironment>(_ config: PolicyGradientConfig, make: @escaping (Int) -> E) throws {
        let perRollout = config.nSteps * config.numEnvs
        let half = 3 * perRollout, total = 2 * half
        var straightLog: [LogEntry] = []
        let straight = try PolicyGradientAgent(config: config, seed: 11, totalSteps: total, makeEnvironment: make)
        try straight.train(untilStep: total, shouldStop: { false }) { straightLog.append(LogEntry(tag: $0, value: $1, step: $2)) }

        var resumedLog: [LogEntry] = []
        let first = try PolicyGradientAgent(config: config, seed: 11, totalSteps: total, makeEnvironment: make)
        try first.train(untilStep: half, shouldStop: { false }) { resumedLog.append(LogEntry(tag: $0, value: $1, step: $2)) }
        #expect(first.step == half)

        let folder = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("pg.h5")
        let network = first.policyNetwork
        let spec = PolicySpec(algorithm: first.algorithm, environment: "toy", observationNames: (0..<first.observationCount).map { "x\($0)" },
                              actionKind: .discrete, actionShape: [1], network: network.kind, hidden: network.hidden,
                              activation: network.activation)
        try Checkpoint(algorithm: first.algorithm, step: first.step, episodes: first.episodes, configYAML: "", policy: spec,
                       policyParameters: first.policyParameters(), training: first.trainingState()).write(to: url)
        let read = try Checkpoint.read(from: url)

        let resumed = try PolicyGradientAgent(config: config, seed: 11, totalSteps: total, makeEnvironment: make)
        try resumed.restore(policy: read.policyParameters, training: try #require(read.training))
        #expect(resumed.step == half && resumed.episodes == first.episodes)
        try resumed.train(untilStep: total, shouldStop: { false }) { resumedLog.append(LogEntry(tag: $0, value: $1, step: $2)) }

        #expect(resumed.policyParameters() == straight.policyParameters())
        #expect(resumed.trainingState() == straight.trainingState())
        #expect(resumedLog == straightLog)
        #expect(straightLog.contains { $0.tag == "train/episode_return" } && straightLog.contains { $0.tag == "train/loss" })
    }

    @Test(arguments: [PolicyGradientAlgorithm.ppo, .a2c, .reinforce])
    func resumeThroughCheckpointFileIsBitExact(_ algorithm: PolicyGradientAlgorithm) throws {
        var config = Self.smallConfig(algorithm)
        config.nSteps = 8
        config.batchSize = 16
        config.targetKL = algorithm == .ppo ? 0.05 : nil
        config.learningRate = .linear(3e-3)
        config.clipRange = .linear(0.2)
        try resumeIsBitExact(config) { i in StatefulIdentityEnvironment(seed: UInt64(100 + i)) }
    }

    @Test func gaussianResumeThroughCheckpointFileIsBitExact() throws {
        var config = Self.smallConfig(.ppo)
        config.nSteps = 8
        config.batchSize = 16
        config.clipRangeVf = 0.2
        config.entCoef = 0.01
        try resumeIsBitExact(config) { i in StatefulBoxTargetEnvironment(seed: UInt64(200 + i)) }
    }

    /// CartPole-v1 (TimeLimit<CartPole>, both StatefulEnvironment): episodes end mid-rollout with
    /// terminations and the resume point falls mid-episode.
    @Test func cartPoleResumeThroughCheckpointFileIsBitExact() throws {
        var config = Self.smallConfig(.ppo)
        config.nSteps = 16
        config.batchSize = 32
        config.learningRate = .linear(1e-3)
        config.clipRange = .linear(0.2)
        try resumeIsBitExact(config) { _ in CartPole.v1() }
    }

    @Test func normalizedObservationsResumeBitExact() throws {
        var config = Self.smallConfig(.ppo)
        config.nSteps = 8
        config.batchSize = 16
        config.normalizeObservations = true
        try resumeIsBitExact(config) { i in StatefulBoxTargetEnvironment(seed: UInt64(300 + i)) }
    }

    /// Every observation acted on is merged once: count = prior 1e-4 + steps; the targets are
    /// uniform on [-1, 1], so the mean is near 0 and the variance near 1/3.
    @Test func observationStatisticsTrackWhatTheAgentSaw() throws {
        var config = Self.smallConfig(.ppo)
        config.normalizeObservations = true
        let agent = try PolicyGradientAgent(config: config, seed: 0, totalSteps: 4096) { i in StatefulBoxTargetEnvironment(seed: UInt64(i)) }
        #expect(agent.observationNormalization?.count == 1e-4)
        try agent.train(untilStep: 4096, shouldStop: { false }, log: { _, _, _ in })
        let stats = try #require(agent.observationNormalization)
        #expect(abs(stats.count - (1e-4 + 4096)) < 1e-6)
        #expect(abs(stats.mean[0]) < 0.05 && abs(stats.variance[0] - 1.0 / 3) < 0.03, "mean \(stats.mean), variance \(stats.variance)")
        #expect(stats.clip == 10 && stats.epsilon == 1e-8)
        let plain = try PolicyGradientAgent(config: Self.smallConfig(.ppo), seed: 0, totalSteps: 10) { i in StatefulBoxTargetEnvironment(seed: UInt64(i)) }
        #expect(plain.observationNormalization == nil)
    }

    @Test func restoreRefusesAnotherAlgorithmOrNetwork() throws {
        let make = { (i: Int) in StatefulIdentityEnvironment(seed: UInt64(i)) }
        let ppo = try PolicyGradientAgent(config: Self.smallConfig(.ppo), seed: 0, totalSteps: 100, makeEnvironment: make)
        let a2c = try PolicyGradientAgent(config: Self.smallConfig(.a2c), seed: 0, totalSteps: 100, makeEnvironment: make)
        #expect(throws: AgentError.self) { try a2c.restore(policy: ppo.policyParameters(), training: ppo.trainingState()) }
        var wide = Self.smallConfig(.ppo)
        wide.network.hidden = [16]
        let other = try PolicyGradientAgent(config: wide, seed: 0, totalSteps: 100, makeEnvironment: make)
        #expect(throws: AgentError.self) { try other.restore(policy: ppo.policyParameters(), training: ppo.trainingState()) }
    }

    @Test func invalidConfigThrowsNamingTheField() {
        var c = PolicyGradientConfig()
        c.gaeLambda = 1.5
        #expect(throws: AgentError.invalidConfig(path: "gaeLambda", found: "1.5", expected: "in [0, 1]")) {
            _ = try PolicyGradientAgent(config: c, seed: 0, totalSteps: 10) { _ in StatefulIdentityEnvironment() }
        }
    }

    @Test func sameSeedSameBitsDifferentSeedDifferentBits() throws {
        let config = Self.smallConfig(.ppo)
        func run(_ seed: UInt64) throws -> [NamedTensor] {
            let a = try PolicyGradientAgent(config: config, seed: seed, totalSteps: 512) { i in StatefulIdentityEnvironment(seed: UInt64(i)) }
            try a.train(untilStep: 256, shouldStop: { false }, log: { _, _, _ in })
            return a.policyParameters()
        }
        #expect(try run(4) == run(4))
        #expect(try run(4) != run(5))
    }
}
