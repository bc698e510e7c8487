import CheckpointFormat
import Foundation
import HDF5
import MarketGym
import PolicyRuntime
import Testing
import TestSupport

/// Inputs that do not match the policy are refused with an error naming them — never reordered,
/// never zero-filled; files that are not a usable policy are refused at load.
@Suite struct SchemaTests {
    let dir: URL
    let policy: Policy

    init() throws {
        dir = try makeTemporaryDirectory()
        policy = try PolicyFixtures.smallPolicy(in: dir).0
    }

    @Test func loadExposesTheSpec() throws {
        #expect(policy.spec.assets == ["AAA", "BBB", "CCC", "DDD"])
        #expect(policy.featureNames == ["alpha", "beta_hat"])
        #expect(policy.spec.observationNames.count == 4 * (5 + 2 + 4) + 5)
        #expect(policy.spec.actionScheme == "sizing")
        #expect(policy.spec.trainDataStart == "2019-01-02" && policy.spec.trainDataEnd == "2022-12-28")
        #expect(policy.spec.provenance["experiment"] == "runtime-test")
        #expect(policy.requiredHistory == 11)
        #expect(policy.version.hasPrefix("dqn-step1000-") && policy.version.count == "dqn-step1000-".count + 16)
        // Same parameters, same version; other parameters, another version.
        let again = try PolicyFixtures.smallPolicy(in: dir, name: "again.h5").0
        let other = try PolicyFixtures.smallPolicy(in: dir, seed: 4, name: "other.h5").0
        #expect(again.version == policy.version)
        #expect(other.version != policy.version)
    }

    private func expectAssetMismatch(_ assets: [String], missing: [String], extra: [String]) {
        var s = PolicyFixtures.syntheticSnapshot(for: policy, seed: 1)
        s.assets = assets
        #expect {
            _ = try policy.targetWeights(for: s)
        } throws: { error in
            guard case let .assetMismatch(_, found, m, e) = error as? PolicyRuntimeError else { return false }
            let text = "\(error)"
            return found == assets && m == missing && e == extra && extra.allSatisfy(text.contains) && missing.allSatisfy(text.contains)
        }
    }

    @Test func assetsMissingExtraOrReorderedAreRefused() {
        expectAssetMismatch(["AAA", "BBB", "CCC"], missing: ["DDD"], extra: [])
        expectAssetMismatch(["AAA", "BBB", "CCC", "DDD", "EEE"], missing: [], extra: ["EEE"])
        expectAssetMismatch(["BBB", "AAA", "CCC", "DDD"], missing: [], extra: [])
        expectAssetMismatch(["AAA", "BBB", "CCC", "XXX"], missing: ["DDD"], extra: ["XXX"])
    }

    @Test func featuresMissingExtraOrReorderedAreRefused() {
        for (features, missing, extra) in [(["alpha"], ["beta_hat"], [String]()), (["beta_hat", "alpha"], [], []),
                                           (["alpha", "beta_hat", "gamma"], [], ["gamma"])] {
            var s = PolicyFixtures.syntheticSnapshot(for: policy, seed: 1)
            s.features = features
            #expect {
                _ = try policy.targetWeights(for: s)
            } throws: { error in
                guard case let .featureMismatch(_, found, m, e) = error as? PolicyRuntimeError else { return false }
                return found == features && m == missing && e == extra && "\(error)".contains("in the policy's order")
            }
        }
    }

    @Test func malformedShapesAreRefused() {
        var short = PolicyFixtures.syntheticSnapshot(for: policy, seed: 1)
        short.closes = Array(short.closes.suffix(policy.requiredHistory - 1))
        #expect(throws: PolicyRuntimeError.malformedSnapshot(field: "closes", expected: "at least 11 bars (window, volatility window + the decision bar)", found: "10")) {
            try policy.targetWeights(for: short)
        }
        var ragged = PolicyFixtures.syntheticSnapshot(for: policy, seed: 1)
        ragged.closes[ragged.closes.count - 1].removeLast()
        #expect(throws: PolicyRuntimeError.self) { try policy.targetWeights(for: ragged) }
        var predictions = PolicyFixtures.syntheticSnapshot(for: policy, seed: 1)
        predictions.predictions[2] = [0.1]
        #expect {
            _ = try policy.targetWeights(for: predictions)
        } throws: { "\($0)".contains("predictions[2] (CCC)") }
        var weights = PolicyFixtures.syntheticSnapshot(for: policy, seed: 1)
        weights.weights = [0, 0]
        #expect(throws: PolicyRuntimeError.malformedSnapshot(field: "weights", expected: "4 values", found: "2")) { try policy.targetWeights(for: weights) }
    }

    @Test func observationsOfTheWrongLengthOrNamesAreRefused() throws {
        #expect(throws: PolicyRuntimeError.self) { try policy.act(observation: [Float](repeating: 0, count: 10)) }
        var names = policy.spec.observationNames
        names.swapAt(0, 1)
        #expect {
            _ = try policy.act(observation: [Float](repeating: 0, count: names.count), names: names)
        } throws: { "\($0)".contains("at element 0") && "\($0)".contains("another order") }
        var obs = [Float](repeating: 0, count: policy.observationSize)
        obs[3] = .nan
        #expect {
            _ = try policy.act(observation: obs)
        } throws: { "\($0)".contains("observation[3] (\(policy.spec.observationNames[3]))") }
    }

    @Test func nonFiniteInputsFollowTheOption() throws {
        var s = PolicyFixtures.syntheticSnapshot(for: policy, seed: 2)
        s.predictions[1][0] = .nan
        // Default: reject, naming the field and the asset.
        #expect(throws: PolicyRuntimeError.nonFiniteInput(field: "predictions.alpha", asset: "BBB", bar: nil)) { try policy.targetWeights(for: s) }
        // Flat: all weights zero, and the reason.
        let flatPolicy = try PolicyFixtures.smallPolicy(in: dir, name: "flat.h5", options: Policy.Options(nonFinite: .flat)).0
        let flat = try flatPolicy.targetWeights(for: s)
        #expect(flat.weights == [0, 0, 0, 0] && flat.action.isEmpty)
        #expect(flat.fallback?.contains("BBB") == true)
        // As missing: the env's meaning (BBB has no valid prediction), so BBB's pred_ok is 0 and it gets no sizing weight.
        let lenient = try PolicyFixtures.smallPolicy(in: dir, name: "lenient.h5", options: Policy.Options(nonFinite: .asMissing)).0
        let obs = try lenient.observation(for: s)
        let predOk = lenient.spec.observationNames.firstIndex(of: "BBB.pred_ok") ?? -1
        #expect(obs[predOk] == 0)
        // Gross 0.5 keeps every weight under the 0.25 cap, so the projection moves nothing onto BBB.
        let book = try lenient.targetWeights(for: s, action: .discrete(1))
        #expect(abs(book.weights[1]) < 1e-12 && book.weights.contains { abs($0) > 1e-3 })
        // A missing close at the decision bar makes the asset untradable: zero weight.
        var gap = PolicyFixtures.syntheticSnapshot(for: policy, seed: 2)
        gap.closes[gap.closes.count - 1][3] = .nan
        #expect(throws: PolicyRuntimeError.nonFiniteInput(field: "closes", asset: "DDD", bar: gap.closes.count - 1)) { try policy.targetWeights(for: gap) }
        let untradable = try lenient.targetWeights(for: gap, action: .discrete(4))
        #expect(untradable.weights[3] == 0 && abs(untradable.weights.reduce(0, +)) < 1e-12)
        // The portfolio's own numbers must be finite under every option but flat.
        var held = PolicyFixtures.syntheticSnapshot(for: policy, seed: 2)
        held.weights = [0.1, .infinity, 0, -0.1]
        #expect(throws: PolicyRuntimeError.nonFiniteInput(field: "weights", asset: "BBB", bar: nil)) { try lenient.targetWeights(for: held) }
    }

    @Test func foreignIncompleteAndOtherVersionFilesAreRefused() throws {
        let other = dir.appendingPathComponent("v2.h5")
        try HDF5File.atomicSave(to: other) { file in
            try file.setAttribute("format", .string(Checkpoint.formatName))
            try file.setAttribute("formatVersion", .int(2))
            try file.setAttribute("complete", .int(1))
        }
        #expect(throws: PolicyRuntimeError.checkpoint(.versionMismatch(file: other.path, found: 2, supported: 1))) { try Policy.load(contentsOf: other) }
        let incomplete = dir.appendingPathComponent("incomplete.h5")
        try HDF5File.atomicSave(to: incomplete) { file in
            try file.setAttribute("format", .string(Checkpoint.formatName))
            try file.setAttribute("formatVersion", .int(1))
        }
        #expect(throws: PolicyRuntimeError.checkpoint(.incomplete(file: incomplete.path))) { try Policy.load(contentsOf: incomplete) }
        let garbage = dir.appendingPathComponent("garbage.h5")
        try Data("not an HDF5 file at all".utf8).write(to: garbage)
        #expect {
            _ = try Policy.load(contentsOf: garbage)
        } throws: { error in
            guard case .checkpoint(.storage) = error as? PolicyRuntimeError else { return false }
            return "\(error)".contains(garbage.path)
        }
    }

    @Test func missingOrMisshapedParametersAreNamed() throws {
        let env = try PolicyFixtures.smallEnv()
        let spec = try PolicyFixtures.spec(env: env, network: .qValues, hidden: [16, 8])
        var params = PolicyFixtures.parameters(for: spec, seed: 1)
        params.removeAll { $0.name == "q.head.0.bias" }
        let url = dir.appendingPathComponent("missing.h5")
        try Checkpoint(algorithm: "dqn", step: 1, episodes: 1, configYAML: "{}", policy: spec, policyParameters: params).write(to: url)
        #expect(throws: PolicyRuntimeError.invalidPolicy(file: url.path, detail: "missing parameter q.head.0.bias")) { try Policy.load(contentsOf: url) }
        var wrong = PolicyFixtures.parameters(for: spec, seed: 1)
        wrong[2] = NamedTensor(name: "q.trunk.layers.2.weight", shape: [8, 15], values: [Float](repeating: 0, count: 120))
        let url2 = dir.appendingPathComponent("shape.h5")
        try Checkpoint(algorithm: "dqn", step: 1, episodes: 1, configYAML: "{}", policy: spec, policyParameters: wrong).write(to: url2)
        #expect {
            _ = try Policy.load(contentsOf: url2)
        } throws: { "\($0)".contains("q.trunk.layers.2.weight has shape [8, 15], expected [8, 16]") }
        var renamed = spec
        renamed.observationNames[0] = "AAA.something_else"
        let url3 = dir.appendingPathComponent("names.h5")
        try Checkpoint(algorithm: "dqn", step: 1, episodes: 1, configYAML: "{}", policy: renamed,
                       policyParameters: PolicyFixtures.parameters(for: renamed, seed: 1)).write(to: url3)
        #expect {
            _ = try Policy.load(contentsOf: url3)
        } throws: { "\($0)".contains("element 0") }
    }
}
