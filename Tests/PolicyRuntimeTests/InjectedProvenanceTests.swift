import CheckpointFormat
import Foundation
import MarketGym
import PolicyRuntime
import Testing
import TestSupport

/// A policy trained on injected predictions (signal-injection study, built from future returns) is
/// never served.
@Suite struct InjectedProvenanceTests {
    @Test func aPolicyTrainedOnInjectedPredictionsIsRefusedAtLoad() throws {
        let dir = try makeTemporaryDirectory()
        let env = try PolicyFixtures.smallEnv()
        var spec = try PolicyFixtures.spec(env: env, network: .qValues, hidden: [16, 8])
        let honest = dir.appendingPathComponent("honest.h5")
        try PolicyFixtures.writeCheckpoint(spec, seed: 1, to: honest)
        #expect(throws: Never.self) { try Policy.load(contentsOf: honest) }
        spec.provenance["lookahead"] = "injected"
        let injected = dir.appendingPathComponent("injected.h5")
        try PolicyFixtures.writeCheckpoint(spec, seed: 1, to: injected)
        do {
            _ = try Policy.load(contentsOf: injected)
            Issue.record("an injected policy loaded")
        } catch {
            guard case .invalidPolicy(let file, let detail) = error else { Issue.record("wrong error \(error)"); return }
            #expect(file == injected.path)
            #expect(detail.contains("lookahead: injected") && detail.contains("never served"))
        }
    }
}
