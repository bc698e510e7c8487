import Foundation
import Testing
import MarketGym

@Suite struct MarketEnvConfigTests {
    static func decode(_ json: String) throws -> MarketEnvConfig {
        try StrictDefaultsDecoding.decodeJSON(MarketEnvConfig.self, from: Data(json.utf8), defaults: MarketEnvConfig())
    }

    @Test func missingKeysTakeDefaults() throws {
        let json = #"{"costs": {"feeBps": 0.5}, "constraints": {"betaNeutral": true}, "episode": {}}"#
        let c = try Self.decode(json)
        var expected = MarketEnvConfig()
        expected.costs.feeBps = 0.5
        expected.constraints.betaNeutral = true
        #expect(c == expected)
        #expect(try Self.decode("{}") == MarketEnvConfig())
    }

    @Test func roundTripsThroughJSON() throws {
        var c = MarketEnvConfig()
        c.action.scheme = .perAsset
        c.costs.execution = .nextOpen
        c.splits.walkForwardTestYear = 2019
        c.reward.differentialSharpeWeight = 0.1
        let back = try StrictDefaultsDecoding.decodeJSON(MarketEnvConfig.self, from: JSONEncoder().encode(c), defaults: MarketEnvConfig())
        #expect(back == c)
    }

    @Test func unknownKeysAreRejectedWithTheirPath() {
        let json = #"{"costs": {"feeBsp": 0.5}}"#
        do {
            _ = try Self.decode(json)
            Issue.record("decoding should fail")
        } catch let e as ConfigError {
            guard case let .unknownKey(path, key, known) = e else { Issue.record("wrong error \(e)"); return }
            #expect(path == "costs" && key == "feeBsp" && known.contains("feeBps"))
            #expect(e.description.contains("costs.feeBsp") && e.description.contains("Did you mean 'feeBps'?"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: ConfigError.unknownKey(path: "splits.train", key: "form", known: ["from", "to"])) { _ = try Self.decode(#"{"splits": {"train": {"form": "2000-01-01"}}}"#) }
        #expect(throws: ConfigError.self) { _ = try Self.decode(#"{"rewards": {}}"#) }
        // Plain Codable would drop these keys silently; a wrong type names its path.
        #expect(throws: ConfigError.self) { _ = try Self.decode(#"{"costs": {"feeBps": "cheap"}}"#) }
        #expect(throws: ConfigError.self) { _ = try Self.decode("not json") }
    }

    @Test func badValuesAreTypedErrors() throws {
        let m = Fixtures.synthetic()
        var c = Fixtures.config()
        c.constraints.betaNeutral = true
        #expect(throws: MarketEnvError.self) { _ = try MarketEnv(data: m.data, features: m.features, config: c) }
        c = Fixtures.config()
        c.action.signalFeature = "nope"
        #expect(throws: MarketEnvError.self) { _ = try MarketEnv(data: m.data, features: m.features, config: c) }
        c = Fixtures.config()
        c.universe = ["S1", "ZZZ"]
        #expect(throws: MarketEnvError.self) { _ = try MarketEnv(data: m.data, features: m.features, config: c) }
        c = Fixtures.config()
        c.costs.feeBps = -1
        #expect(throws: MarketEnvError.self) { _ = try MarketEnv(data: m.data, features: m.features, config: c) }
        c = Fixtures.config()
        c.splits.test = DateRange(from: "1990-01-01", to: "1990-12-31")
        c.episode.split = "test"
        #expect(throws: MarketEnvError.self) { _ = try MarketEnv(data: m.data, features: m.features, config: c) }
        c.splits.test = DateRange(from: "2000-13-01", to: "2000-12-31")
        #expect(throws: MarketEnvError.self) { _ = try MarketEnv(data: m.data, features: m.features, config: c) }
        // A universe subset selects columns by name.
        c = Fixtures.config()
        c.universe = ["S3", "S1"]
        let env = try MarketEnv(data: m.data, features: m.features, config: c)
        #expect(env.panel.assets == ["S3", "S1"])
        #expect(env.panel.close[1] == m.data.close[1])
    }
}
