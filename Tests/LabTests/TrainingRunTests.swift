import Foundation
import Testing
import TestSupport
import CheckpointFormat
@testable import Lab

/// A stand-in agent that exercises the lab's plumbing: its "training" draws from a seeded generator
/// and moves a weight vector; its policy is the classic CartPole angle heuristic.
final class FakeAgent: TrainableAgent {
    let algorithm = "dqn"
    private(set) var step = 0
    private(set) var episodes = 0
    let totalSteps: Int
    var rng: Xoshiro256
    var weights: [Float] = [0, 0, 0, 0]

    init(seed: UInt64, totalSteps: Int) {
        rng = Xoshiro256(seed: seed)
        self.totalSteps = totalSteps
    }

    func train(untilStep: Int, shouldStop: () -> Bool, log: (String, Double, Int) -> Void) throws {
        while step < untilStep && !shouldStop() {
            for i in weights.indices { weights[i] += Float(rng.normal()) * 0.01 }
            step += 1
            if step % 100 == 0 {
                episodes += 1
                log("train/episode_return", Double(weights.reduce(0, +)), step)
                log("train/loss", Double(weights[0] * weights[0]), step)
            }
        }
    }

    func act(_ observation: [Float]) -> Action { .discrete(observation[2] + 0.5 * observation[3] > 0 ? 1 : 0) }
    func policyParameters() -> [NamedTensor] { [NamedTensor(name: "fake.weight", shape: [4], values: weights)] }
    var policyNetwork: (kind: PolicySpec.NetworkKind, hidden: [Int], activation: String, dueling: Bool) { (.qValues, [], "relu", false) }
    var observationNormalization: PolicySpec.Normalization? { nil }

    func trainingState() -> TrainingState {
        var s = TrainingState()
        s.rng["agent"] = rng.state
        s.counters = ["step": Int64(step), "episodes": Int64(episodes)]
        return s
    }

    func restore(policy: [NamedTensor], training: TrainingState) throws {
        guard let w = policy.first(where: { $0.name == "fake.weight" }), let words = training.rng["agent"] else {
            throw AgentError.incompatibleCheckpoint("missing fake.weight or rng")
        }
        weights = w.values
        rng = try Xoshiro256(state: words)
        step = Int(training.counters["step"] ?? 0)
        episodes = Int(training.counters["episodes"] ?? 0)
    }
}

@Suite struct TrainingRunTests {
    func cartpoleSpec(total: Int = 1000, every: Int = 300) throws -> (ExperimentSpec, SpecValue) {
        var spec = ExperimentSpec()
        spec.name = "fake"
        spec.env.kind = .cartpole
        spec.training.totalSteps = total
        spec.training.checkpointEvery = every
        spec.training.keepLast = 2
        spec.evaluation.episodes = 3
        spec.evaluation.selectMetric = "meanReturn"
        return (spec, try spec.tree())
    }

    @Test func runFolderHasConfigFirstCheckpointsMetricsAndSummary() throws {
        let parent = try makeTemporaryDirectory()
        let (spec, tree) = try cartpoleSpec()
        let run = try TrainingRun.create(spec: spec, tree: tree, root: repositoryRoot(), parent: parent, runName: "r")
        #expect(FileManager.default.fileExists(atPath: run.configURL.path))
        #expect(!FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("metrics.csv").path))
        let outcome = try run.train(context: .cartpole(spec.env.cartpole), makeAgent: { FakeAgent(seed: 1, totalSteps: 1000) },
                                    resume: false, shouldStop: { false }, log: { _ in })
        #expect(outcome.status == .completed && outcome.step == 1000)
        // Checkpoints at 300, 600, 900, 1000; the last two kept, plus best.h5.
        #expect(run.store.stepFiles().map(\.step) == [900, 1000])
        #expect(FileManager.default.fileExists(atPath: run.store.bestURL.path))
        let final = try Checkpoint.read(from: run.store.url(step: 1000))
        #expect(final.step == 1000 && final.policy.environment == "cartpole")
        #expect(final.policy.observationNames.count == 4)
        #expect(final.configYAML.contains("totalSteps: 1000"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: run.summaryURL)) as? [String: Any]
        let episodes = (summary?["evaluation"] as? [String: Any])?["episodes"] as? [String: Any]
        #expect((episodes?["meanReturn"] as? Double ?? 0) > 100)  // the angle heuristic balances for a while
        #expect(summary?["checkpoint"] as? String == "checkpoints/step-000000001000.h5")
        // Same folder again without --resume is refused, naming the fix.
        let again = #expect(throws: LabError.self) { try TrainingRun.create(spec: spec, tree: tree, root: repositoryRoot(), parent: parent, runName: "r") }
        #expect(again?.description.contains("--resume") == true)
    }

    /// Interrupt mid-way (as Ctrl-C does), resume, finish: same weights and same metrics as straight through.
    @Test func interruptAndResumeMatchesStraightRun() throws {
        let (spec, tree) = try cartpoleSpec()
        let straightDir = try makeTemporaryDirectory()
        let straight = try TrainingRun.create(spec: spec, tree: tree, root: repositoryRoot(), parent: straightDir, runName: "s")
        _ = try straight.train(context: .cartpole(spec.env.cartpole), makeAgent: { FakeAgent(seed: 7, totalSteps: 1000) }, resume: false, shouldStop: { false }, log: { _ in })

        let dir = try makeTemporaryDirectory()
        let run = try TrainingRun.create(spec: spec, tree: tree, root: repositoryRoot(), parent: dir, runName: "i")
        var agent: FakeAgent?
        let first = try run.train(context: .cartpole(spec.env.cartpole), makeAgent: { let a = FakeAgent(seed: 7, totalSteps: 1000); agent = a; return a },
                                  resume: false, shouldStop: { (agent?.step ?? 0) >= 450 }, log: { _ in })
        #expect(first.status == .interrupted && first.step == 450)
        let resumed = try TrainingRun.open(run.directory)
        let second = try resumed.train(context: .cartpole(spec.env.cartpole), makeAgent: { FakeAgent(seed: 7, totalSteps: 1000) }, resume: true, shouldStop: { false }, log: { _ in })
        #expect(second.status == .completed && second.step == 1000)
        let a = try Checkpoint.read(from: straight.store.url(step: 1000)), b = try Checkpoint.read(from: run.store.url(step: 1000))
        #expect(a.policyParameters == b.policyParameters)
        let m1 = try String(contentsOf: straight.directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let m2 = try String(contentsOf: run.directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(m1 == m2)
    }

    /// A run stopped before its first checkpoint: `--resume` (what `train` into that folder
    /// advises) starts it over from step 0 and ends where an uninterrupted run ends.
    @Test func resumeWithoutCheckpointStartsFromStepZero() throws {
        let (spec, tree) = try cartpoleSpec()
        let parent = try makeTemporaryDirectory()
        let straight = try TrainingRun.create(spec: spec, tree: tree, root: repositoryRoot(), parent: parent, runName: "s")
        _ = try straight.train(context: .cartpole(spec.env.cartpole), makeAgent: { FakeAgent(seed: 1, totalSteps: 1000) }, resume: false, shouldStop: { false }, log: { _ in })
        let run = try TrainingRun.create(spec: spec, tree: tree, root: repositoryRoot(), parent: parent, runName: "x")
        var lines: [String] = []
        let outcome = try run.train(context: .cartpole(spec.env.cartpole), makeAgent: { FakeAgent(seed: 1, totalSteps: 1000) }, resume: true,
                                    shouldStop: { false }, log: { lines.append($0) })
        #expect(outcome.status == .completed && outcome.step == 1000)
        #expect(lines.contains { $0.contains("starting from step 0") })
        let a = try Checkpoint.read(from: straight.store.url(step: 1000)), b = try Checkpoint.read(from: run.store.url(step: 1000))
        #expect(a.policyParameters == b.policyParameters)
    }

    /// Checkpoints that all fail to read back: a clear error, and the files are left as they are.
    @Test func resumeWithOnlyDamagedCheckpointsIsAClearError() throws {
        let (spec, tree) = try cartpoleSpec()
        let run = try TrainingRun.create(spec: spec, tree: tree, root: repositoryRoot(), parent: try makeTemporaryDirectory(), runName: "x")
        let damaged = run.store.url(step: 500)
        try FileManager.default.createDirectory(at: damaged.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("not an HDF5 file".utf8).write(to: damaged)
        let e = #expect(throws: LabError.self) {
            try run.train(context: .cartpole(spec.env.cartpole), makeAgent: { FakeAgent(seed: 1, totalSteps: 1000) }, resume: true, shouldStop: { false }, log: { _ in })
        }
        #expect(e?.description.contains("none of the checkpoints") == true && e?.description.contains("--resume") == true)
        #expect(try Data(contentsOf: damaged) == Data("not an HDF5 file".utf8))
    }
}
