import Foundation
import Testing
import Agents
import MarketGym
@testable import Lab

/// One generic check over every configuration struct a spec or a checkpoint decodes: at every
/// nesting level (list elements included), an unknown key is refused naming its path, the nearest
/// key and the keys allowed there, and a missing key takes its default. The configurations keep
/// their synthesized `Codable`; `StrictDefaultsDecoding` does both, through YAML (`SpecDecoder`)
/// and JSON (`StrictDefaultsDecoding.decodeJSON`).
@Suite struct StrictDecodingTests {
    /// A configuration type under test: a sample value (every optional set, so every nested mapping
    /// exists), the defaults of the same shape, and how to decode a tree into it and encode it back.
    struct ConfigCase {
        let name: String
        let sample: SpecValue
        let defaults: SpecValue
        let plainDefaults: SpecValue
        let decode: (SpecValue) throws -> SpecValue
        let decodeJSON: ((SpecValue) throws -> SpecValue)?

        static func make<T: Codable & Equatable>(_ sample: T, defaults: T, shapedDefaults: T? = nil, json: Bool = false) throws -> ConfigCase {
            ConfigCase(
                name: "\(T.self)",
                sample: try SpecDecoder.encode(sample), defaults: try SpecDecoder.encode(shapedDefaults ?? defaults),
                plainDefaults: try SpecDecoder.encode(defaults),
                decode: { tree in
                    try SpecDecoder.encode(SpecDecoder.decode(T.self, from: tree, defaults: defaults, file: "spec.yaml", path: "x"))
                },
                decodeJSON: !json ? nil : { tree in
                    try SpecDecoder.encode(StrictDefaultsDecoding.decodeJSON(T.self, from: JSONEncoder().encode(tree), defaults: defaults))
                })
        }
    }

    static func cases() throws -> [ConfigCase] {
        var env = MarketEnvConfig()
        env.universe = ["AAPL", "MSFT"]
        var pg = PolicyGradientConfig()
        pg.clipRangeVf = 0.2
        pg.targetKL = 0.01
        var bars = BarSourceSpec()
        bars.files = ["a.csv"]
        bars.skipLines = 1
        bars.asset = "BTC"
        bars.timestampFormat = "%Y-%m-%d"
        bars.stamps = .close
        bars.barLength = "1h"
        bars.timeframe = "2h"
        bars.columns.timestamp = "time"
        bars.columns.close = "close"
        bars.duplicates.acceptDisagreementAt = ["2020-01-01"]
        var source = PredictionSourceSpec()
        source.name = "h1"
        source.predictions = "p.csv"
        source.timeframe = "1h"
        source.stamps = .close
        source.maxAgeDays = 0.5
        var data = MarketDataSpec()
        data.timeframe = "1h"
        data.sources = [source]
        var dataDefaults = MarketDataSpec()
        dataDefaults.sources = [PredictionSourceSpec()]
        return [
            try .make(env, defaults: MarketEnvConfig(), json: true),
            try .make(DQNConfig(), defaults: DQNConfig(), json: true),
            try .make(pg, defaults: PolicyGradientConfig(), json: true),
            try .make(TrainingConfig(), defaults: TrainingConfig(), json: true),
            try .make(EvaluationConfig(), defaults: EvaluationConfig(), json: true),
            try .make(SyntheticSpec(), defaults: SyntheticSpec(), json: true),
            try .make(CartPoleSpec(), defaults: CartPoleSpec(), json: true),
            try .make(bars, defaults: BarSourceSpec(), json: true),
            try .make(data, defaults: MarketDataSpec(), shapedDefaults: dataDefaults, json: true),
        ]
    }

    /// A step of a key path: a mapping key or a list index.
    enum Step: Equatable { case key(String), index(Int) }

    /// Every mapping in `tree` with its path, the root first.
    static func mappings(_ tree: SpecValue, at path: [Step] = []) -> [(path: [Step], keys: [String])] {
        switch tree {
        case .mapping(let pairs):
            return [(path, pairs.map(\.key))] + pairs.flatMap { mappings($0.value, at: path + [.key($0.key)]) }
        case .array(let items):
            return items.enumerated().flatMap { mappings($0.element, at: path + [.index($0.offset)]) }
        default:
            return []
        }
    }

    static func node(_ tree: SpecValue, _ path: [Step]) -> SpecValue? {
        guard let first = path.first else { return tree }
        switch (first, tree) {
        case (.key(let k), _): return tree[k].flatMap { node($0, Array(path.dropFirst())) }
        case (.index(let i), .array(let items)): return i < items.count ? node(items[i], Array(path.dropFirst())) : nil
        default: return nil
        }
    }

    /// `tree` with the node at `path` replaced by `change(node)`.
    static func changing(_ tree: SpecValue, _ path: [Step], _ change: (SpecValue) -> SpecValue) -> SpecValue {
        guard let first = path.first else { return change(tree) }
        let rest = Array(path.dropFirst())
        switch (first, tree) {
        case (.key(let k), _):
            guard let sub = tree[k] else { return tree }
            return tree.setting(k, to: changing(sub, rest, change))
        case (.index(let i), .array(var items)) where i < items.count:
            items[i] = changing(items[i], rest, change)
            return .array(items)
        default:
            return tree
        }
    }

    static func text(_ path: [Step], under prefix: String) -> String {
        path.reduce(prefix) { acc, step in
            switch step {
            case .key(let k): return acc.isEmpty ? k : "\(acc).\(k)"
            case .index(let i): return "\(acc)[\(i)]"
            }
        }
    }

    /// A plausible typo: first letter's case flipped and the last letter doubled (`feeBps` → `FeeBpss`).
    static func typo(_ key: String) -> String {
        guard let first = key.first, let last = key.last else { return "x" }
        let flipped = first.isUppercase ? first.lowercased() : first.uppercased()
        return flipped + key.dropFirst() + String(last)
    }

    @Test(arguments: try cases().map(\.name))
    func unknownKeyAtEveryLevelNamesPathNearestKeyAndAllowedKeys(_ name: String) throws {
        let c = try #require(try Self.cases().first { $0.name == name })
        let levels = Self.mappings(c.sample)
        #expect(levels.count >= 1)
        var checked = 0
        for (path, keys) in levels {
            for key in keys {
                let wrong = Self.typo(key)
                let value = try #require(Self.node(c.sample, path + [.key(key)]))
                let tree = Self.changing(c.sample, path) { $0.setting(wrong, to: value) }
                do {
                    _ = try c.decode(tree)
                    Issue.record("\(name): '\(Self.text(path + [.key(wrong)], under: "x"))' was accepted")
                } catch let SpecError.unknownKey(file, at, suggestion, allowed) {
                    #expect(file == "spec.yaml")
                    #expect(at == Self.text(path + [.key(wrong)], under: "x"))
                    #expect(suggestion == key, "\(name) \(at): suggested \(suggestion ?? "nothing")")
                    #expect(Set(keys).isSubset(of: Set(allowed)), "\(name) \(at): allowed \(allowed)")
                }
                if let json = c.decodeJSON {
                    do {
                        _ = try json(tree)
                        Issue.record("\(name) (JSON): '\(wrong)' was accepted")
                    } catch let ConfigError.unknownKey(at, k, known) {
                        #expect(at == Self.text(path, under: "") && k == wrong && Set(keys).isSubset(of: Set(known)))
                        #expect(ConfigError.unknownKey(path: at, key: k, known: known).description.contains("Did you mean '\(key)'?"))
                    }
                }
                checked += 1
            }
        }
        #expect(checked >= levels.count)
    }

    @Test(arguments: try cases().map(\.name))
    func missingKeyAtEveryLevelTakesItsDefault(_ name: String) throws {
        let c = try #require(try Self.cases().first { $0.name == name })
        #expect(try c.decode(.mapping([])) == c.plainDefaults)
        for (path, keys) in Self.mappings(c.sample) {
            for key in keys {
                let tree = Self.changing(c.sample, path) { $0.removing(key) }
                // The expected value: the sample, with this key at its default (absent if the default is nil).
                let expected = Self.changing(c.sample, path) { node in
                    // The type's own default where it has one; inside a list element, the element's default.
                    guard let d = Self.node(c.plainDefaults, path + [.key(key)]) ?? Self.node(c.defaults, path + [.key(key)]) else {
                        return node.removing(key)
                    }
                    return node.setting(key, to: d)
                }
                let decoded = try c.decode(tree)
                #expect(Self.node(decoded, path + [.key(key)]) == Self.node(expected, path + [.key(key)]),
                        "\(name): missing '\(Self.text(path + [.key(key)], under: ""))'")
                #expect(decoded == expected)
                if let json = c.decodeJSON { #expect(try json(tree) == decoded) }
            }
        }
    }
}
