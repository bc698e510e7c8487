import Foundation
import Testing
import Yams
import Agents
import MarketGym
@testable import Lab

/// `YAMLConfigCoder` works on trees, not text: it decodes from the node Yams would compose from
/// the written text (`SpecValue.yamlNode()`) instead of writing the tree as YAML and parsing it
/// back, and encodes with `ConfigTreeEncoder` instead of Yams' encoder and our parser. Decoding
/// must agree with the text path on every tree: same value, or the same error (key path, what was
/// found, what was expected). Every key of every configuration's sample tree gets, in turn, half of a list of hostile
/// values (strings YAML would resolve as numbers, booleans or null, non-finite numbers, lists and
/// mappings where scalars belong, and the other way round) and both paths decode the result.
@Suite struct YAMLNodeDecodingTests {
    static let hostile: [SpecValue] = [
        .null, .bool(true), .int(3), .int(-7), .int(Int.max), .double(3), .double(0.5), .double(-1e300),
        .double(.infinity), .double(.nan), .string("3"), .string("yes"), .string("Off"), .string("null"),
        .string("~"), .string(""), .string("1e3"), .string("0x1F"), .string("1_000"), .string("12:30"),
        .string(".inf"), .string(" padded "), .string("a: b"), .string("exp"), .string("\u{85}x"),
        .array([]), .array([.int(1), .string("x")]), .mapping([]), .mapping([("k", .int(1))]),
    ]

    /// Every key path of a leaf (scalar, empty list or mapping) in `tree`, and of every list and mapping.
    static func paths(_ tree: SpecValue, prefix: [StrictDecodingTests.Step] = []) -> [[StrictDecodingTests.Step]] {
        switch tree {
        case .mapping(let pairs):
            return (prefix.isEmpty ? [] : [prefix]) + pairs.flatMap { paths($0.value, prefix: prefix + [.key($0.key)]) }
        case .array(let items):
            return [prefix] + items.enumerated().flatMap { paths($0.element, prefix: prefix + [.index($0.offset)]) }
        default:
            return [prefix]
        }
    }

    /// What decoding `tree` into `T` gives, as text: the value written back, or the spec error.
    static func outcome<T: Codable>(_ type: T.Type, _ tree: SpecValue, throughText: Bool) -> String {
        do {
            let value = throughText ? try YAMLDecoder(encoding: .utf8).decode(T.self, from: tree.yamlString())
                                    : try YAMLConfigCoder().decode(T.self, from: tree)
            return "value\n" + (try SpecDecoder.encode(value)).yamlString()
        } catch let error as DecodingError {
            return "decoding error: \(SpecDecoder.describe(error, in: tree, file: "spec.yaml", prefix: ""))"
        } catch {
            return "other error: \(error)"
        }
    }

    static func check<T: Codable>(_ type: T.Type, sample: T) throws -> (trees: Int, errors: Int) {
        let base = try SpecDecoder.encode(sample)
        var trees = 0, errors = 0
        // Half the pairs (every value at every other key, alternating), to keep the test under 15 s in debug.
        for (i, path) in paths(base).enumerated() {
            for (j, value) in hostile.enumerated() where (i + j) % 2 == 0 {
                let tree = StrictDecodingTests.changing(base, path) { _ in value }
                let viaText = outcome(T.self, tree, throughText: true)
                let viaNode = outcome(T.self, tree, throughText: false)
                #expect(viaText == viaNode, "\(T.self) at \(path) = \(value)")
                trees += 1
                if viaText.hasPrefix("decoding error") { errors += 1 }
            }
        }
        return (trees, errors)
    }

    @Test func decodingFromTheNodeAgreesWithDecodingTheWrittenText() throws {
        var env = MarketEnvConfig()
        env.universe = ["AAPL", "MSFT"]
        var bars = BarSourceSpec()
        bars.files = ["a.csv"]
        bars.stamps = .close
        bars.timeframe = "2h"
        var source = PredictionSourceSpec()
        source.name = "h1"
        source.maxAgeDays = 0.5
        var data = MarketDataSpec()
        data.sources = [source]
        var total = (trees: 0, errors: 0)
        for result in [
            try Self.check(MarketEnvConfig.self, sample: env), try Self.check(DQNConfig.self, sample: DQNConfig()),
            try Self.check(PolicyGradientConfig.self, sample: PolicyGradientConfig()),
            try Self.check(TrainingConfig.self, sample: TrainingConfig()), try Self.check(EvaluationConfig.self, sample: EvaluationConfig()),
            try Self.check(SyntheticSpec.self, sample: SyntheticSpec()), try Self.check(CartPoleSpec.self, sample: CartPoleSpec()),
            try Self.check(BarSourceSpec.self, sample: bars), try Self.check(MarketDataSpec.self, sample: data),
        ] {
            total.trees += result.trees
            total.errors += result.errors
        }
        // Both outcomes are exercised: most hostile values are refused, some decode (3 for a Double).
        #expect(total.errors > total.trees / 3)
        #expect(total.errors < total.trees)
    }

    /// Every configuration's defaults and sample encode to the same tree as through Yams' encoder
    /// and our parser (the text path before 2026-12-04), so `config.yaml` files and their hashes
    /// are unchanged; where Yams' encoder rounded a double to 15 significant digits, the tree is exact.
    @Test func encodingStraightToTheTreeAgreesWithTheTextPathAndKeepsEveryDigit() throws {
        func throughText<T: Encodable>(_ value: T) throws -> SpecValue {
            try SpecValue.parse(yaml: YAMLEncoder().encode(value), source: "<config>")
        }
        func same<T: Encodable>(_ value: T) throws {
            #expect(try YAMLConfigCoder().encode(value) == throughText(value), "\(T.self)")
        }
        var env = MarketEnvConfig()
        env.universe = ["AAPL", "MSFT"]
        try same(env); try same(MarketEnvConfig()); try same(DQNConfig()); try same(PolicyGradientConfig())
        try same(TrainingConfig()); try same(EvaluationConfig()); try same(SyntheticSpec()); try same(CartPoleSpec())
        try same(BarSourceSpec()); try same(MarketDataSpec()); try same(PredictionSourceSpec())
        for sample in try StrictDecodingTests.cases() { #expect(try sample.decode(sample.sample) == sample.sample, "\(sample.name)") }

        var evaluation = EvaluationConfig()
        evaluation.baselineGross = 0.1 + 0.2
        let tree = try YAMLConfigCoder().encode(evaluation)
        #expect(tree["baselineGross"] == .double(0.30000000000000004))
        #expect(try throughText(evaluation)["baselineGross"] == .double(0.3))   // what Yams' encoder wrote
        #expect(try SpecDecoder.decode(EvaluationConfig.self, from: tree, defaults: EvaluationConfig(), file: "x") == evaluation)
    }

    /// A value with 16-17 significant digits (as random search draws) keeps every digit through
    /// `config.yaml`: Yams' encoder wrote 15, so `train` ran with the exact value and `--resume`,
    /// which decodes `config.yaml`, with the rounded one (not bit-exact).
    @Test func aDrawnValueKeepsEveryDigitThroughConfigYAML() throws {
        let text = "name: q\nagent:\n  algorithm: dqn\n  gamma: 0.98765432109876543\n  tau: 0.0031234567890123457\n"
        let spec = try ExperimentSpec.decode(try SpecValue.parse(yaml: text, source: "q.yaml"), file: "q.yaml")
        let tree = try spec.tree()
        #expect(tree["agent"]?["gamma"] == .double(0.98765432109876543))
        #expect(tree["agent"]?["tau"] == .double(0.0031234567890123457))
        let back = try ExperimentSpec.decode(try SpecValue.parse(yaml: tree.yamlString(), source: "config.yaml"), file: "config.yaml")
        #expect(try back.tree() == tree)
    }
}

