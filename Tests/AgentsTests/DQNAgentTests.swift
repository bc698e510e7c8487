import Foundation
import Testing
import Gym
import TestSupport
import TensorCore
@testable import Agents

/// Short learning runs on tasks with a known optimum (SB3's identity environments) and
/// configuration checks.
@Suite struct DQNAgentTests {
    static func smallConfig() -> DQNConfig {
        var c = DQNConfig()
        c.learningRate = .constant(1e-3)
        c.replay.capacity = 5_000
        c.learningStarts = 300
        c.batchSize = 32
        c.trainFrequency = 1
        c.gradientSteps = 1
        c.targetUpdateInterval = 100
        c.explorationFraction = 0.4
        c.explorationFinalEps = 0.02
        c.network = NetworkConfig(hidden: [32])
        c.gamma = 0.5
        return c
    }

    private func evaluate<E: Environment>(_ agent: DQNAgent<SyncVectorEnvironment<E>>, _ make: () -> E, episodes: Int) throws -> Double {
        var total = 0.0
        for e in 0..<episodes {
            var env = make()
            var (obs, _) = try env.reset(seed: 10_000 + UInt64(e))
            while true {
                let r = try env.step(agent.act(obs))
                total += r.reward
                obs = r.observation
                if r.isDone { break }
            }
        }
        return total / Double(episodes)
    }

    /// Discrete identity (4 targets, 100-step episodes): optimum 100, random policy ~25.
    @Test func learnsDiscreteIdentity() throws {
        let agent = try DQNAgent(config: Self.smallConfig(), seed: 3, totalSteps: 3_000) { i in IdentityEnvironment(n: 4, episodeLength: 100, seed: UInt64(i)) }
        var returns: [Double] = []
        try agent.train(untilStep: 3_000, shouldStop: { false }) { tag, v, _ in if tag == "train/episode_return" { returns.append(v) } }
        #expect(agent.step == 3_000 && agent.episodes == 30 && returns.count == 30)
        let score = try evaluate(agent, { IdentityEnvironment(n: 4, episodeLength: 100) }, episodes: 3)
        #expect(score >= 95, "greedy return \(score) of optimum 100")
    }

    /// Multi-discrete identity through branching heads (one head per dimension), dueling on.
    @Test func learnsMultiDiscreteIdentityWithBranchingDuelingHeads() throws {
        var c = Self.smallConfig()
        c.dueling = true
        let agent = try DQNAgent(config: c, seed: 5, totalSteps: 4_000) { i in MultiDiscreteIdentityEnvironment(nvec: [3, 4], episodeLength: 100, seed: UInt64(i)) }
        try agent.train(untilStep: 4_000, shouldStop: { false }) { _, _, _ in }
        #expect(agent.policyNetwork.kind == .branchingQValues)
        let score = try evaluate(agent, { MultiDiscreteIdentityEnvironment(nvec: [3, 4], episodeLength: 100) }, episodes: 3)
        // Optimum 100; a random policy earns 100/12 ≈ 8.
        #expect(score >= 85, "greedy return \(score) of optimum 100")
    }

    @Test func boxActionsAreRejected() {
        #expect(throws: AgentError.self) {
            _ = try DQNAgent(config: Self.smallConfig(), seed: 0, totalSteps: 100) { _ in BoxIdentityEnvironment() }
        }
    }

    @Test func invalidConfigNamesTheField() {
        var c = Self.smallConfig()
        c.tau = 0
        do {
            _ = try DQNAgent(config: c, seed: 0, totalSteps: 100) { _ in CartPole.v1() }
            Issue.record("expected an error")
        } catch let e as AgentError {
            #expect("\(e)".contains("agent.tau"))
        } catch { Issue.record("unexpected \(error)") }
    }

    /// Same seed, same bits: two agents trained alike end with identical weights.
    @Test func sameSeedSameWeights() throws {
        func run() throws -> [Float] {
            var c = Self.smallConfig()
            c.replay.prioritized = true
            c.replay.nStep = 3
            let a = try DQNAgent(config: c, seed: 9, totalSteps: 800) { i in CartPole.v1(seed: UInt64(i)) }
            try a.train(untilStep: 800, shouldStop: { false }) { _, _, _ in }
            return a.policyParameters().flatMap(\.values)
        }
        #expect(try run() == run())
    }

    /// Same bits with TensorCore's one or two threads: [4→256→256→2] at batch 32 has products above
    /// `BLAS.splitAtMultiplyAdds`, so the two-thread GEMM split and the split Adam pass are exercised.
    @Test func sameBitsWithOneOrTwoThreads() throws {
        func run(threads: Int) throws -> [Float] {
            let saved = Parallelism.threads
            Parallelism.threads = threads
            defer { Parallelism.threads = saved }
            var c = Self.smallConfig()
            c.network = NetworkConfig(hidden: [256, 256])
            c.doubleQ = false
            let a = try DQNAgent(config: c, seed: 4, totalSteps: 400) { i in CartPole.v1(seed: UInt64(i)) }
            try a.train(untilStep: 400, shouldStop: { false }) { _, _, _ in }
            return a.policyParameters().flatMap(\.values)
        }
        #expect(try run(threads: 1) == run(threads: 2))
    }

    /// shouldStop is honoured between steps.
    @Test func stopsWhenAsked() throws {
        let a = try DQNAgent(config: Self.smallConfig(), seed: 1, totalSteps: 1_000) { _ in CartPole.v1() }
        var polls = 0
        try a.train(untilStep: 1_000, shouldStop: { polls += 1; return polls > 10 }) { _, _, _ in }
        #expect(a.step == 10)
    }
}
