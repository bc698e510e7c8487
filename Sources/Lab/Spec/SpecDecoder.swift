import Foundation
import Agents
import MarketGym
import Yams

/// Decodes spec trees into typed configurations, strictly.
///
/// Every typed configuration in MarketGym is a `Codable` struct whose fields all have defaults.
/// Decoding a spec merges the user's tree over the encoded defaults, decodes the result, then
/// re-encodes the decoded value and checks that every key the user wrote exists in it: a typo is an
/// error naming the key path and the nearest valid key, never silently ignored (the usual Codable
/// behaviour, and a classic source of "why did my setting not apply" in RL experiment configs).
public enum SpecDecoder {
    /// Decodes `tree` into `T`, starting from `defaults`.
    /// - Parameters:
    ///   - tree: the user's values (may be partial).
    ///   - defaults: the configuration every missing key is taken from.
    ///   - file: the source file, for messages.
    ///   - path: the key path of `tree` inside its file (e.g. `env`), for messages.
    /// - Throws: `SpecError.unknownKey`, `.badValue`, `.missingKey`.
    public static func decode<T: Codable>(_ type: T.Type, from tree: SpecValue, defaults: T, file: String, path: String = "") throws(SpecError) -> T {
        let defaultTree = try encode(defaults, file: file)
        let merged = defaultTree.merging(tree)
        let value: T
        do {
            value = try YAMLDecoder().decode(T.self, from: merged.yamlString())
        } catch let error as DecodingError {
            // Yams wraps errors thrown by a config's own init(from:) as "not valid YAML".
            if case .dataCorrupted(let ctx) = error, let config = ctx.underlyingError as? ConfigError {
                throw describe(config, file: file, prefix: path)
            }
            throw describe(error, in: merged, file: file, prefix: path)
        } catch let error as ConfigError {
            throw describe(error, file: file, prefix: path)
        } catch {
            throw .badValue(file: file, path: path, found: "\(error)", expected: "a valid \(T.self)")
        }
        let back = try encode(value, file: file)
        try checkKnownKeys(tree, against: back, file: file, prefix: path)
        return value
    }

    /// Encodes a configuration into a spec tree (field order as declared).
    public static func encode<T: Encodable>(_ value: T, file: String = "<config>") throws(SpecError) -> SpecValue {
        do {
            return try SpecValue.parse(yaml: YAMLEncoder().encode(value), source: file)
        } catch let e as SpecError {
            throw e
        } catch {
            throw .badValue(file: file, path: "", found: "\(error)", expected: "an encodable configuration")
        }
    }

    /// Throws for the first key in `user` that `known` does not have (null values are skipped:
    /// an optional set to null encodes as absent).
    static func checkKnownKeys(_ user: SpecValue, against known: SpecValue, file: String, prefix: String) throws(SpecError) {
        guard case .mapping(let pairs) = user else { return }
        for (key, value) in pairs {
            let full = prefix.isEmpty ? key : "\(prefix).\(key)"
            guard let sub = known[key] else {
                if value == .null { continue }
                let allowed = known.keys
                throw .unknownKey(file: file, path: full, suggestion: closest(key, in: allowed), allowed: allowed)
            }
            if case .mapping = sub { try checkKnownKeys(value, against: sub, file: file, prefix: full) }
        }
    }

    /// MarketGym's configs check their own keys and ranges while decoding.
    static func describe(_ error: ConfigError, file: String, prefix: String) -> SpecError {
        let join = { (p: String) in prefix.isEmpty ? p : (p.isEmpty ? prefix : "\(prefix).\(p)") }
        switch error {
        case let .unknownKey(at, key, known):
            let allowed = known.sorted()
            return .unknownKey(file: file, path: join(at.isEmpty ? key : "\(at).\(key)"), suggestion: closest(key, in: allowed), allowed: allowed)
        case let .invalidValue(at, found, expected):
            return .badValue(file: file, path: join(at), found: found, expected: expected)
        }
    }

    static func describe(_ error: DecodingError, in tree: SpecValue, file: String, prefix: String) -> SpecError {
        func join(_ path: [any CodingKey]) -> String {
            let parts = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            let p = parts.reduce("") { acc, part in part.hasPrefix("[") ? acc + part : (acc.isEmpty ? part : acc + "." + part) }
            return prefix.isEmpty ? p : (p.isEmpty ? prefix : "\(prefix).\(p)")
        }
        func found(_ path: [any CodingKey]) -> String {
            var node: SpecValue? = tree
            for key in path {
                if let i = key.intValue, case .array(let a)? = node { node = i < a.count ? a[i] : nil } else { node = node?[key.stringValue] }
            }
            guard let node else { return "nothing" }
            return "\(node.kindName) `\(SpecValue.scalarText(node))`"
        }
        switch error {
        case let .typeMismatch(type, ctx):
            return .badValue(file: file, path: join(ctx.codingPath), found: found(ctx.codingPath), expected: expectedName(type))
        case let .valueNotFound(type, ctx):
            return .badValue(file: file, path: join(ctx.codingPath), found: "null", expected: expectedName(type))
        case let .keyNotFound(key, ctx):
            return .missingKey(file: file, path: join(ctx.codingPath + [key]), expected: "required by this configuration")
        case let .dataCorrupted(ctx):
            return .badValue(file: file, path: join(ctx.codingPath), found: found(ctx.codingPath), expected: expectedValues(ctx.debugDescription))
        @unknown default:
            return .badValue(file: file, path: prefix, found: "\(error)", expected: "a valid value")
        }
    }

    /// The allowed values of every string enum a configuration holds, by type name: Swift's
    /// decoding error names only the type ("Cannot initialize Kind from invalid String value exp").
    static let enumValues: [String: [String]] = {
        func entry<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> (String, [String]) where E.RawValue == String {
            (String(describing: type), type.allCases.map(\.rawValue))
        }
        return Dictionary([
            entry(ScheduleConfig.Kind.self), entry(ActivationKind.self), entry(PolicyGradientAlgorithm.self),
            entry(ContinuousActionBound.self), entry(ActorArchitecture.self), entry(ExecutionTiming.self),
            entry(ActionSchemeKind.self), entry(EnvironmentKind.self),
        ], uniquingKeysWith: { a, b in a + b })
    }()

    /// "one of a, b, c" for an enum decoding failure; the decoder's own text otherwise.
    static func expectedValues(_ debugDescription: String) -> String {
        let prefix = "Cannot initialize "
        guard debugDescription.hasPrefix(prefix), let from = debugDescription.range(of: " from invalid ") else { return debugDescription }
        let type = String(debugDescription[debugDescription.index(debugDescription.startIndex, offsetBy: prefix.count)..<from.lowerBound])
        guard let values = enumValues[type] else { return debugDescription }
        return "one of \(values.joined(separator: ", "))"
    }

    /// Throws unless `tree` is a mapping (an empty file, read as null, counts as an empty mapping).
    /// A preset or inline section must hold keys; a file that parses as one long string (any
    /// text file that is not YAML, e.g. `/etc/passwd`, whose lines YAML folds into one) is refused
    /// quoting at most its first 40 characters.
    static func requireMapping(_ tree: SpecValue, file: String, path: String) throws(SpecError) {
        switch tree {
        case .mapping, .null: return
        case .string(let text):
            let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            throw .badValue(file: file, path: path, found: "a text that is not a YAML mapping (starting '\(SpecError.excerpt(first, limit: 40))')",
                            expected: "a mapping of keys such as `kind: market` or `algorithm: dqn`. Check that the preset names a YAML file")
        default:
            throw .badValue(file: file, path: path, found: tree.kindName, expected: "a mapping of keys such as `kind: market` or `algorithm: dqn`")
        }
    }

    static func expectedName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "a string"
        default:
            // Yams names its node kinds (`Mapping`, `Sequence`) when a struct or a list was expected.
            switch "\(type)" {
            case "Mapping": return "a mapping of keys"
            case "Sequence": return "a list"
            default: return "\(type)"
            }
        }
    }

    /// The allowed key nearest to `key` by edit distance, when it is plausibly a typo.
    static func closest(_ key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
