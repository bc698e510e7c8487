import Foundation
import Testing
import CheckpointFormat
import Gym
import HDF5
import TestSupport
@testable import Agents

/// Exact resume at the agent level: 2N steps straight equal N steps, a real checkpoint file
/// (Checkpoint.write/read with the replay buffer in it), a fresh agent, restore, N more steps —
/// bit-identical weights and identical logged metrics.
@Suite struct DQNResumeTests {
    struct Logged: Equatable { var tag: String; var value: Double; var step: Int }

    static func spec<V: VectorEnvironment>(_ agent: DQNAgent<V>) -> PolicySpec {
        let net = agent.policyNetwork
        return PolicySpec(algorithm: "dqn", environment: "test", observationNames: agent.environments.observationNames,
                          actionKind: agent.layout.isMultiDiscrete ? .multiDiscrete : .discrete, actionShape: agent.layout.branches,
                          network: net.kind, hidden: net.hidden, activation: net.activation, dueling: net.dueling)
    }

    /// Saves policy, training state and replay into one checkpoint file and reads them back into `fresh`.
    static func roundTrip<V: VectorEnvironment>(_ agent: DQNAgent<V>, into fresh: DQNAgent<V>, directory: URL) throws {
        let url = directory.appendingPathComponent("ckpt.h5")
        let checkpoint = Checkpoint(algorithm: "dqn", step: agent.step, episodes: agent.episodes, configYAML: "{}",
                                    policy: spec(agent), policyParameters: agent.policyParameters(), training: agent.trainingState())
        try checkpoint.write(to: url, extra: { file in try agent.writeReplay(to: file) })
        let loaded = try Checkpoint.read(from: url)
        let training = try #require(loaded.training)
        try fresh.restore(policy: loaded.policyParameters, training: training)
        let file = try HDF5File.open(url)
        defer { try? file.close() }
        try fresh.readReplay(from: file)
    }

    private func check<E: Environment>(config: DQNConfig, n: Int, make: @escaping (Int) -> E) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var straightLog: [Logged] = []
        let straight = try DQNAgent(config: config, seed: 21, totalSteps: 2 * n, makeEnvironment: make)
        try straight.train(untilStep: n, shouldStop: { false }) { _, _, _ in }
        try straight.train(untilStep: 2 * n, shouldStop: { false }) { straightLog.append(Logged(tag: $0, value: $1, step: $2)) }

        let first = try DQNAgent(config: config, seed: 21, totalSteps: 2 * n, makeEnvironment: make)
        try first.train(untilStep: n, shouldStop: { false }) { _, _, _ in }
        // A fresh agent with the same config: its own initial weights and environments are replaced by the checkpoint's.
        let resumed = try DQNAgent(config: config, seed: 21, totalSteps: 2 * n, makeEnvironment: make)
        try Self.roundTrip(first, into: resumed, directory: dir)
        var resumedLog: [Logged] = []
        try resumed.train(untilStep: 2 * n, shouldStop: { false }) { resumedLog.append(Logged(tag: $0, value: $1, step: $2)) }

        #expect(resumed.step == straight.step && resumed.episodes == straight.episodes)
        #expect(resumed.policyParameters() == straight.policyParameters())
        #expect(resumed.trainingState().networks == straight.trainingState().networks)
        #expect(resumed.trainingState().optimizer == straight.trainingState().optimizer)
        #expect(!straightLog.isEmpty && resumedLog == straightLog)
        #expect(resumedLog.contains { $0.tag == "train/loss" })
    }

    @Test func resumeIsBitExactUniformReplay() throws {
        var c = DQNAgentTests.smallConfig()
        c.trainFrequency = 4
        c.gradientSteps = 2
        c.targetUpdateInterval = 50
        try check(config: c, n: 600) { i in CartPole.v1(seed: UInt64(i)) }
    }

    /// Prioritized replay, 3-step returns (pending transitions mid-window), dueling, Polyak τ, two env copies.
    @Test func resumeIsBitExactPrioritizedNStepDuelingVector() throws {
        var c = DQNAgentTests.smallConfig()
        c.replay.prioritized = true
        c.replay.nStep = 3
        c.dueling = true
        c.tau = 0.5
        c.numEnvs = 2
        c.targetUpdateInterval = 20
        try check(config: c, n: 700) { i in RecordEpisodeStatistics(CartPole.v1(seed: UInt64(i))) }
    }

    /// Branching heads on a multi-discrete env.
    @Test func resumeIsBitExactBranching() throws {
        try check(config: DQNAgentTests.smallConfig(), n: 500) { i in MultiDiscreteIdentityEnvironment(nvec: [3, 2], episodeLength: 37, seed: UInt64(i)) }
    }

    /// Importing an exported state makes two copies step identically (mid-episode, through TimeLimit).
    @Test func vectorEnvironmentStateRoundTrip() throws {
        var a = SyncVectorEnvironment(count: 3) { i in CartPole.v1(seed: UInt64(i)) }
        try a.reset(seed: 4)
        for t in 0..<30 { try a.step((0..<3).map { .discrete(($0 + t) % 2) }) }
        var b = SyncVectorEnvironment(count: 3) { _ in CartPole.v1(seed: 99) }
        let state = a.exportState()
        try b.importState(state)
        for t in 0..<700 {
            let act: [Action] = (0..<3).map { .discrete(($0 * t / 7) % 2) }
            try a.step(act)
            try b.step(act)
            #expect(a.observations == b.observations && a.rewards == b.rewards && a.ended == b.ended && a.truncated == b.truncated)
        }
        #expect(a.exportState() == b.exportState())
    }
}
