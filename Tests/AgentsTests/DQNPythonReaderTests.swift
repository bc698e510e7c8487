import Foundation
import Testing
import CheckpointFormat
import Gym
import SeededRandom
import TestSupport
@testable import Agents

/// scripts/read_checkpoint.py (h5py + numpy, no MarketGym) reproduces the Swift greedy actions.
@Suite struct DQNPythonReaderTests {
    /// Runs scripts/read_checkpoint.py on a checkpoint and an observations CSV.
    private func runReader(_ checkpoint: URL, _ csv: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let script = repositoryRoot().appendingPathComponent("scripts/read_checkpoint.py").path
        return try runPython(script: "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                             arguments: [script, checkpoint.path, csv.path])
    }

    private func check<V: VectorEnvironment>(_ agent: DQNAgent<V>, observations: [[Float]]) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("policy.h5")
        let checkpoint = Checkpoint(algorithm: "dqn", step: agent.step, episodes: agent.episodes, configYAML: "{}",
                                    policy: DQNResumeTests.spec(agent), policyParameters: agent.policyParameters())
        try checkpoint.write(to: url)
        let csv = dir.appendingPathComponent("obs.csv")
        try observations.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let out = try runReader(url, csv)
        #expect(out.status == 0, "\(out.stderr)")
        let python = out.stdout.split(separator: "\n").map { $0.split(separator: " ").compactMap { Int($0) } }
        let swift = agent.greedyActions(observations.flatMap { $0 }, rows: observations.count)
        #expect(python.count == observations.count)
        #expect(python == swift)
    }

    @Test func reproducesCartPoleGreedyActions() throws {
        var c = DQNAgentTests.smallConfig()
        c.network = NetworkConfig(hidden: [64, 64])
        let agent = try DQNAgent(config: c, seed: 2, totalSteps: 600) { i in CartPole.v1(seed: UInt64(i)) }
        try agent.train(untilStep: 600, shouldStop: { false }) { _, _, _ in }
        var rng = Xoshiro256(seed: 8)
        let obs = (0..<100).map { _ in (0..<4).map { _ in rng.normalFloat(std: 0.5) } }
        try check(agent, observations: obs)
    }

    @Test func reproducesBranchingDuelingTanhGreedyActions() throws {
        var c = DQNAgentTests.smallConfig()
        c.dueling = true
        c.network = NetworkConfig(hidden: [16, 8], activation: .tanh)
        let agent = try DQNAgent(config: c, seed: 4, totalSteps: 400) { i in MultiDiscreteIdentityEnvironment(nvec: [3, 4, 2], seed: UInt64(i)) }
        try agent.train(untilStep: 400, shouldStop: { false }) { _, _, _ in }
        var rng = Xoshiro256(seed: 9)
        let obs = (0..<100).map { _ in (0..<9).map { _ in rng.uniformFloat() } }
        try check(agent, observations: obs)
    }

    /// The reader implements the Q-networks only: a per-asset PPO checkpoint is refused with an error naming its kind.
    @Test func refusesPerAssetGaussianPolicies() throws {
        let agent = try PolicyGradientAgent(config: PolicyGradientAgentTests.perAssetConfig(), seed: 0, totalSteps: 10) { i in
            StatefulAssetTargetEnvironment(seed: UInt64(i))
        }
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("policy.h5")
        let spec = PolicySpec(algorithm: "ppo", environment: "toy", observationNames: StatefulAssetTargetEnvironment().observationNames, actionKind: .box,
                              actionShape: [StatefulAssetTargetEnvironment.assets], actionLow: [-1, -1, -1], actionHigh: [1, 1, 1],
                              continuousBound: "squash", network: agent.policyNetwork.kind, hidden: [16], activation: "tanh")
        try Checkpoint(algorithm: "ppo", step: 0, episodes: 0, configYAML: "{}", policy: spec, policyParameters: agent.policyParameters()).write(to: url)
        let csv = dir.appendingPathComponent("obs.csv")
        try "0,0,0,0,0,0,0".write(to: csv, atomically: true, encoding: .utf8)
        let out = try runReader(url, csv)
        #expect(out.status == 1)
        #expect(out.stderr.contains("perAssetGaussian"), "\(out.stderr)")
    }
}
