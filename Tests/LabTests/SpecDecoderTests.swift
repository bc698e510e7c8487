import Foundation
import Testing
@testable import Lab
import SeededRandom

/// A toy configuration shaped like the real ones: nested structs, enums, optionals, arrays.
private struct ToyReward: Codable, Equatable {
    var turnoverPenalty: Double = 0.0
    var drawdownPenalty: Double = 0.5
}

private enum ToyScheme: String, Codable { case sizing, perAsset, weights }

private struct ToyEnv: Codable, Equatable {
    var assets: [String] = ["AAPL", "MSFT"]
    var window: Int = 10
    var scheme: ToyScheme = .sizing
    var benchmark: String? = nil
    var reward = ToyReward()
    var levels: [Double] = [0, 0.5, 1.0]
}

@Suite struct SpecDecoderTests {
    @Test func partialTreeTakesDefaults() throws {
        let tree = try SpecValue.parse(yaml: "window: 20\nreward:\n  turnoverPenalty: 0.002\n", source: "env.yaml")
        let env = try SpecDecoder.decode(ToyEnv.self, from: tree, defaults: ToyEnv(), file: "env.yaml")
        #expect(env.window == 20)
        #expect(env.reward.turnoverPenalty == 0.002)
        #expect(env.reward.drawdownPenalty == 0.5)
        #expect(env.assets == ["AAPL", "MSFT"])
    }

    @Test func unknownKeyNamesPathAndSuggestion() throws {
        let tree = try SpecValue.parse(yaml: "reward:\n  turnoverPenalti: 0.1\n", source: "env.yaml")
        #expect(throws: SpecError.unknownKey(file: "env.yaml", path: "env.reward.turnoverPenalti", suggestion: "turnoverPenalty",
                                           allowed: ["turnoverPenalty", "drawdownPenalty"])) {
            try SpecDecoder.decode(ToyEnv.self, from: tree, defaults: ToyEnv(), file: "env.yaml", path: "env")
        }
    }

    @Test func wrongTypeNamesPathFoundAndExpected() throws {
        let tree = try SpecValue.parse(yaml: "window: ten\n", source: "env.yaml")
        let error = #expect(throws: SpecError.self) {
            try SpecDecoder.decode(ToyEnv.self, from: tree, defaults: ToyEnv(), file: "env.yaml", path: "env")
        }
        guard case let .badValue(file, path, found, expected)? = error else { Issue.record("wrong case \(String(describing: error))"); return }
        #expect(file == "env.yaml")
        #expect(path == "env.window")
        #expect(found.contains("ten"))
        #expect(expected == "an integer")
    }

    @Test func badEnumValueIsAnError() throws {
        let tree = try SpecValue.parse(yaml: "scheme: sizng\n", source: "env.yaml")
        #expect(throws: SpecError.self) { try SpecDecoder.decode(ToyEnv.self, from: tree, defaults: ToyEnv(), file: "env.yaml") }
    }

    @Test func optionalCanBeSetAndNullIsAccepted() throws {
        let set = try SpecDecoder.decode(ToyEnv.self, from: try SpecValue.parse(yaml: "benchmark: SP500\n", source: "x"), defaults: ToyEnv(), file: "x")
        #expect(set.benchmark == "SP500")
        let null = try SpecDecoder.decode(ToyEnv.self, from: try SpecValue.parse(yaml: "benchmark: null\n", source: "x"), defaults: ToyEnv(), file: "x")
        #expect(null.benchmark == nil)
    }

    @Test func overridesParseAsYAMLAndApplyAtPath() throws {
        var tree = try SpecValue.parse(yaml: "env:\n  window: 10\n", source: "x")
        for arg in ["env.reward.turnoverPenalty=0.002", "env.levels=[0, 1, 2]", "env.scheme=weights"] {
            tree = try SpecOverride(parsing: arg).apply(to: tree)
        }
        let env = try SpecDecoder.decode(ToyEnv.self, from: tree["env"] ?? .null, defaults: ToyEnv(), file: "x", path: "env")
        #expect(env.reward.turnoverPenalty == 0.002)
        #expect(env.levels == [0, 1, 2])
        #expect(env.scheme == .weights)
        #expect(env.window == 10)
        #expect(throws: SpecError.badOverride("env.window")) { try SpecOverride(parsing: "env.window") }
        #expect(throws: SpecError.badOverride("env..window=3")) { try SpecOverride(parsing: "env..window=3") }
    }

    @Test func resolvedYAMLIsReadableAndRoundTrips() throws {
        var env = ToyEnv()
        env.reward.turnoverPenalty = 0.99
        env.levels = [1e-5, 2.5, 100]
        let tree = try SpecDecoder.encode(env)
        let text = tree.yamlString()
        #expect(text.contains("turnoverPenalty: 0.99"))
        #expect(!text.contains("9.9e-1"))
        let back = try SpecDecoder.decode(ToyEnv.self, from: try SpecValue.parse(yaml: text, source: "r"), defaults: ToyEnv(), file: "r")
        #expect(back == env)
    }

    @Test func awkwardStringsAreQuoted() throws {
        for s in ["yes", "1.5", "a: b", "- x", "#c", "", "null", "true", " lead", "x\ny"] {
            let text = SpecValue.mapping([("k", .string(s))]).yamlString()
            #expect(try SpecValue.parse(yaml: text, source: "q")["k"] == .string(s), "\(s) -> \(text)")
        }
    }

    /// The writer's shortcut for identifier-like text gives the text asking the parser gives: the
    /// bool and null words in every case, near misses, and 20,000 seeded strings over identifier
    /// characters with a few that are not.
    @Test func plainIdentifierShortcutAgreesWithTheParser() {
        var samples = ["yes", "Yes", "YES", "yEs", "no", "NO", "true", "True", "FALSE", "on", "On", "off", "OFF",
                       "null", "Null", "NULL", "nULL", "y", "n", "Y", "N", "~", "inf", "nan", "e5", "x1e5", "a.inf",
                       "learningRate", "dqn-sizing", "h2.pred_h20", "Experiments/data/x.csv", "a-", "a.", "a/", "yes1", "nulls",
                       "0x1F", "1e3", ".inf", "-a", "_a", "<<", "=", "a b", "a:b", "a#b", "é", "aé", "2021-01-01"]
        let alphabet = Array("abnoleuyrsNOLEUYRS0159_-./ :#é\t")
        var rng = Xoshiro256(seed: 7)
        for _ in 0..<20_000 {
            let n = 1 + rng.uniformInt(below: 8)
            samples.append(String((0..<n).map { _ in alphabet[rng.uniformInt(below: alphabet.count)] }))
        }
        var shortcut = 0
        for s in samples {
            #expect(SpecValue.quoteIfNeeded(s) == SpecValue.quoteByParsing(s), "\(s)")
            if SpecValue.isPlainIdentifier(s) {
                shortcut += 1
                #expect(SpecValue.quoteByParsing(s) == s, "\(s) is quoted by the parser")
            }
        }
        #expect(shortcut > 1_000)
    }

    @Test func duplicateKeysAndSyntaxErrorsAreReported() {
        #expect(throws: SpecError.self) { try SpecValue.parse(yaml: "a: 1\na: 2\n", source: "d.yaml") }
        #expect(throws: SpecError.self) { try SpecValue.parse(yaml: "a: [1, 2\n", source: "d.yaml") }
    }
}
