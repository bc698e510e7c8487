import Foundation
import Agents
import MarketGym
import Yams

/// Decodes spec trees into typed configurations, strictly: the YAML front of MarketGym's
/// `StrictDefaultsDecoding`, with messages naming the file.
///
/// Every typed configuration is a `Codable` struct (synthesized) whose fields all have defaults.
/// Decoding a spec merges the user's tree over the encoded defaults, decodes the result, then
/// re-encodes the decoded value and checks that every key the user wrote exists in it: a typo is an
/// error naming the key path, the nearest valid key and the keys allowed there, never silently
/// ignored (the usual Codable behaviour, and a classic source of "why did my setting not apply" in
/// RL experiment configs). Wrong types and enum values name the path, what was found and what is allowed.
public enum SpecDecoder {
    /// Decodes `tree` into `T`, starting from `defaults` (list elements from the defaults `T`
    /// declares as `ConfigListElementDefaults`).
    /// - Parameters:
    ///   - tree: the user's values (may be partial).
    ///   - defaults: the configuration every missing key is taken from.
    ///   - file: the source file, for messages.
    ///   - path: the key path of `tree` inside its file (e.g. `env`), for messages.
    /// - Throws: `SpecError.unknownKey`, `.badValue`, `.missingKey`.
    public static func decode<T: Codable>(_ type: T.Type, from tree: SpecValue, defaults: T, file: String, path: String = "") throws(SpecError) -> T {
        do {
            return try StrictDefaultsDecoding.decode(T.self, from: tree, defaults: defaults, coder: YAMLConfigCoder())
        } catch {
            switch error {
            case let .unknownKey(at, key, suggestion, allowed):
                throw .unknownKey(file: file, path: StrictDefaultsDecoding.join(StrictDefaultsDecoding.join(path, at), key), suggestion: suggestion, allowed: allowed)
            case let .decoding(e, merged):
                throw describe(e, in: merged, file: file, prefix: path)
            case let .coder(e as SpecError):
                throw e
            case let .coder(e):
                throw .badValue(file: file, path: path, found: "\(e)", expected: "a valid \(T.self)")
            }
        }
    }

    /// Encodes a configuration into a spec tree (field order as declared).
    public static func encode<T: Encodable>(_ value: T, file: String = "<config>") throws(SpecError) -> SpecValue {
        do {
            return try YAMLConfigCoder().encode(value)
        } catch let e as SpecError {
            throw e
        } catch {
            throw .badValue(file: file, path: "", found: "\(error)", expected: "an encodable configuration")
        }
    }

    /// A range check's `ConfigError` (from a config's `validate()`) as a spec error at `prefix`.
    static func describe(_ error: ConfigError, file: String, prefix: String) -> SpecError {
        switch error {
        case let .unknownKey(at, key, known):
            let allowed = known.sorted()
            return .unknownKey(file: file, path: StrictDefaultsDecoding.join(StrictDefaultsDecoding.join(prefix, at), key),
                               suggestion: StrictDefaultsDecoding.nearestKey(key, in: allowed), allowed: allowed)
        case let .invalidValue(at, found, expected):
            return .badValue(file: file, path: StrictDefaultsDecoding.join(prefix, at), found: found, expected: expected)
        }
    }

    static func describe(_ error: DecodingError, in tree: SpecValue, file: String, prefix: String) -> SpecError {
        func join(_ path: [any CodingKey]) -> String { StrictDefaultsDecoding.pathText(path, prefix: prefix) }
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

    /// The allowed key nearest to `key` (`StrictDefaultsDecoding.nearestKey`), for the sections
    /// Lab checks key by key (experiment top level, sweep settings).
    static func closest(_ key: String, in allowed: [String]) -> String? { StrictDefaultsDecoding.nearestKey(key, in: allowed) }
}
