import CheckpointFormat
import Foundation
import MarketGym
import PolicyRuntime
import Testing
import TestSupport

/// The `environmentConfig` JSON a checkpoint carries is decoded strictly (`StrictDefaultsDecoding`):
/// a checkpoint written by an older version, whose config lacks keys added since, loads with their
/// defaults; a key no config defines is refused at load, naming its path and the nearest key.
@Suite struct EnvironmentConfigDecodingTests {
    /// `spec` with its environment config JSON changed by `edit` (sections as JSON objects).
    private static func editing(_ spec: PolicySpec, _ edit: (inout [String: [String: Any]]) -> Void) throws -> PolicySpec {
        let object = try JSONSerialization.jsonObject(with: Data(spec.environmentConfig.utf8))
        var sections: [String: [String: Any]] = [:]
        var rest: [String: Any] = [:]
        for (k, v) in try #require(object as? [String: Any]) {
            if let section = v as? [String: Any] { sections[k] = section } else { rest[k] = v }
        }
        edit(&sections)
        for (k, v) in sections { rest[k] = v }
        var out = spec
        out.environmentConfig = String(decoding: try JSONSerialization.data(withJSONObject: rest), as: UTF8.self)
        return out
    }

    @Test func anOlderConfigWithoutNewerKeysLoadsWithTheirDefaults() throws {
        let dir = try makeTemporaryDirectory()
        let env = try PolicyFixtures.smallEnv()
        let full = try PolicyFixtures.spec(env: env, network: .qValues, hidden: [16, 8])
        // Keys added after the first checkpoints were written, each at its default in this env.
        let older = try Self.editing(full) { s in
            s["costs"]?["slippageScalesWithVolatility"] = nil
            s["costs"]?["fundingAnnualBps"] = nil
            s["constraints"]?["thresholdScalesWithConfidence"] = nil
            s["splits"]?["walkForwardValidYears"] = nil
            s["reward"]?["varianceDecay"] = nil
            s["reward"]?["differentialSharpeDecay"] = nil
        }
        #expect(older.environmentConfig.count < full.environmentConfig.count)
        #expect(!older.environmentConfig.contains("walkForwardValidYears"))
        let url = dir.appendingPathComponent("older.h5")
        try PolicyFixtures.writeCheckpoint(older, seed: 3, to: url)
        let policy = try Policy.load(contentsOf: url)
        #expect(policy.environmentConfig == env.config)
    }

    @Test func anUnknownKeyIsRefusedAtLoadNamingPathAndNearestKey() throws {
        let dir = try makeTemporaryDirectory()
        let env = try PolicyFixtures.smallEnv()
        let full = try PolicyFixtures.spec(env: env, network: .qValues, hidden: [16, 8])
        let typo = try Self.editing(full) { s in s["costs"]?["feeBsp"] = 0.5 }
        let url = dir.appendingPathComponent("typo.h5")
        try PolicyFixtures.writeCheckpoint(typo, seed: 3, to: url)
        #expect {
            _ = try Policy.load(contentsOf: url)
        } throws: { error in
            let text = "\(error)"
            return error is PolicyRuntimeError && text.contains("costs.feeBsp") && text.contains("Did you mean 'feeBps'?") && text.contains("typo.h5")
        }
    }
}
