import Foundation
import Testing
import TestSupport
import Agents
@testable import Lab

@Suite struct SpecLoaderTests {
    let loader = SpecLoader(root: repositoryRoot())

    @Test func everyShippedExperimentResolves() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot().appendingPathComponent("Experiments").path)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        #expect(names == ["cartpole-dqn", "cartpole-ppo", "crypto-quickstart", "dqn-sizing", "ppo-weights", "quickstart", "signal-injection"])
        for name in names {
            let (spec, tree, _) = try loader.experiment(name)
            #expect(spec.name == name)
            // The resolved tree decodes back to the same spec (what --resume relies on). A seed list
            // (crypto-quickstart's) is never part of a run's resolved config: each seed's run has one seed.
            var single = spec
            single.seeds = []
            #expect(try ExperimentSpec.decode(tree, file: "config.yaml") == single)
        }
    }

    @Test func presetsAndOverridesCompose() throws {
        let (spec, _, _) = try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: "env.reward.turnoverPenalty=0.002")])
        #expect(spec.env.kind == .market)
        #expect(spec.env.market.reward.turnoverPenalty == 0.002)
        #expect(spec.env.market.action.signalFeature == "pred_h5")
        guard case .dqn(let dqn) = spec.agent else { Issue.record("expected DQN"); return }
        #expect(dqn.batchSize == 64)
        #expect(dqn.maxGradNorm == 10)  // untouched SB3 default
        let ppo = try loader.experiment("ppo-weights").spec
        #expect(ppo.env.market.action.scheme == .weights)
        #expect(ppo.agent.algorithm == "ppo")
        guard case .policyGradient(let cp) = try loader.experiment("cartpole-ppo").spec.agent else { Issue.record("expected PPO"); return }
        #expect(cp.learningRate.kind == .linear && cp.nSteps == 32 && cp.numEnvs == 8)
        let perAssetFile = try loader.file(for: "ppo-weights-per-asset", folder: "Agents")
        guard case .policyGradient(let pa) = try AgentSpec.decode(try loader.tree(at: perAssetFile), file: perAssetFile.path) else { Issue.record("expected PPO"); return }
        #expect(pa.actorArchitecture == .perAsset && pa.network.activation == .relu && pa.continuousBound == .squash && pa.normalizeObservations)
    }

    @Test func typosInOverridesNameThePathAndSuggestAFix() throws {
        let e1 = #expect(throws: SpecError.self) {
            try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: "env.reward.turnoverPenalti=0.1")])
        }
        #expect(e1?.description.contains("env.reward.turnoverPenalti") == true, "\(String(describing: e1))")
        #expect(e1?.description.contains("turnoverPenalty") == true)
        let e2 = #expect(throws: SpecError.self) {
            try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: "agent.batchSize=big")])
        }
        #expect(e2?.description.contains("agent.batchSize") == true)
        #expect(throws: SpecError.self) { try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: "agent.algorithm=sarsa")]) }
        #expect(throws: SpecError.self) { try loader.experiment("quickstart", overrides: [try SpecOverride(parsing: "training.totalSteps=0")]) }
        #expect(throws: SpecError.self) { try loader.experiment("no-such-experiment") }
    }

    @Test func sweepPresetParses() throws {
        let url = repositoryRoot().appendingPathComponent("Experiments/sweeps/reward-shaping.yaml")
        let sweep = try SweepSpec.parse(try loader.tree(at: url), file: url.path)
        #expect(sweep.configurations().count == 8)
        #expect(sweep.trialCount == 16)
        #expect(sweep.seeds == [0, 1])
        #expect(sweep.slurm.throttle == 16 && sweep.slurm.time == "01:00:00")
        let ashaURL = repositoryRoot().appendingPathComponent("Experiments/sweeps/reward-shaping-asha.yaml")
        let asha = try SweepSpec.parse(try loader.tree(at: ashaURL), file: ashaURL.path)
        #expect(asha.method == .asha && asha.asha?.rungs == [5000, 15000, 45000])
        #expect(asha.configurations().count == 8)
    }
}
