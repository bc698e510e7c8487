/// Turns configurations into trees and back, in one file format: YAML for Lab's specs
/// (`SpecDecoder`), JSON for config JSON in checkpoints (`JSONConfigCoder`).
public protocol ConfigTreeCoder {
    /// The tree `value` encodes to (fields in declaration order where the format keeps order).
    func encode<T: Encodable>(_ value: T) throws -> ConfigValue
    /// Decodes `type` from `tree` with the type's own (usually synthesized) `init(from:)`.
    func decode<T: Decodable>(_ type: T.Type, from tree: ConfigValue) throws -> T
}

/// A configuration holding lists of mappings whose elements have defaults of their own.
///
/// A list in a user's tree replaces the default list whole, so its elements are not merged over
/// anything; the type names, by key path from itself, the default element each list's elements are
/// merged over, and `StrictDefaultsDecoding.decode` applies them whoever decodes the type or a
/// configuration holding it (nested configs are found by their field names):
///
/// ```swift
/// extension MarketDataSpec: ConfigListElementDefaults {
///     public static var listElementDefaults: [String: any Encodable] { ["sources": PredictionSourceSpec()] }
/// }
/// ```
public protocol ConfigListElementDefaults {
    /// The default element of each list of mappings, by key path inside this type (`sources`, `action.signals`).
    static var listElementDefaults: [String: any Encodable] { get }
}

/// Why `StrictDefaultsDecoding.decode` refused a tree; callers turn it into their own error
/// (`SpecError` in Lab, `ConfigError` for JSON).
public enum StrictDecodingFailure: Error, CustomStringConvertible {
    /// A key that no field has. `path` is the key path of the mapping holding it (`costs`,
    /// `sources[1]`, empty at the root); `allowed` lists that mapping's keys in declaration order.
    case unknownKey(path: String, key: String, suggestion: String?, allowed: [String])
    /// The merged tree does not decode (wrong type, bad enum value); `tree` is that merged tree.
    case decoding(DecodingError, tree: ConfigValue)
    /// The coder failed otherwise (the defaults did not encode, a format error).
    case coder(any Error)

    /// The problem and the fix (callers with a file name give better messages: `SpecError`).
    public var description: String {
        switch self {
        case let .unknownKey(path, key, suggestion, allowed):
            let guess = suggestion.map { " Did you mean '\($0)'?" } ?? ""
            return "unknown config key '\(StrictDefaultsDecoding.join(path, key))'.\(guess) Allowed here: \(allowed.joined(separator: ", ")). Fix the spelling or remove the key."
        case let .decoding(error, _):
            return "config value does not decode: \(error)"
        case let .coder(error):
            return "config does not encode or decode: \(error)"
        }
    }
}

/// Strict decoding with defaults, for every configuration struct: the one mechanism behind Lab's
/// YAML specs and the config JSON stored in checkpoints.
///
/// Every configuration is a `Codable` struct whose fields all have defaults, and keeps its
/// synthesized `init(from:)`. Decoding merges the user's tree over the encoded defaults (so a
/// missing key takes its default: a partial preset, a config written by an older version), decodes
/// the merged tree, re-encodes the value, and checks that every key the user wrote exists in it:
/// a typo is an error naming the key path, the nearest valid key and the keys allowed there, never
/// silently ignored (plain Codable ignores unknown keys, a classic source of "why did my setting not
/// apply" in experiment configs). Range checks stay in each config's `validate()`.
///
/// ```swift
/// let config = try StrictDefaultsDecoding.decodeJSON(MarketEnvConfig.self, from: json, defaults: MarketEnvConfig())
/// ```
public enum StrictDefaultsDecoding {
    /// Decodes `T` from `tree`, every missing key taken from `defaults`.
    /// - Parameters:
    ///   - tree: the user's values (may be partial).
    ///   - defaults: the configuration every missing key is taken from.
    ///   - listElementDefaults: for lists of mappings, by key path inside `T` (`sources`), the encoded
    ///     default element each list element is merged over (a list replaces its default whole, so its
    ///     elements get their defaults here), besides those `T` declares (`ConfigListElementDefaults`).
    ///   - coder: the format's encoder and decoder.
    /// - Throws: `StrictDecodingFailure`.
    public static func decode<T: Codable, C: ConfigTreeCoder>(_ type: T.Type, from tree: ConfigValue, defaults: T,
                                                               listElementDefaults: [String: ConfigValue] = [:], coder: C) throws(StrictDecodingFailure) -> T {
        let defaultTree: ConfigValue
        do { defaultTree = try coder.encode(defaults) } catch { throw .coder(error) }
        var elements = listElementDefaults
        for (path, element) in declaredListElementDefaults(of: defaults) where elements[path] == nil {
            do { elements[path] = try coder.encode(element) } catch { throw .coder(error) }
        }
        var user = tree
        for (path, element) in elements {
            user = user.updating(path.split(separator: ".").map(String.init)) { node in
                guard case .array(let items) = node else { return node }
                return .array(items.map { item in if case .mapping = item { return element.merging(item) }; return item })
            }
        }
        let merged = defaultTree.merging(user)
        let value: T
        do { value = try coder.decode(T.self, from: merged) } catch let error as DecodingError {
            throw .decoding(error, tree: merged)
        } catch { throw .coder(error) }
        // Every key the type reads, unset optionals included: what the user's keys are checked against.
        let back: ConfigValue
        do { back = try ConfigTreeEncoder(listingNilOptionals: true).encode(value) } catch { throw .coder(error) }
        try checkKnownKeys(tree, against: back, path: "")
        return value
    }

    /// The list element defaults `value`'s type declares (`ConfigListElementDefaults`) and those its
    /// nested configs declare, under their field names (`action.signals` from `ActionConfig`'s `signals`).
    static func declaredListElementDefaults(of value: Any, at prefix: String = "") -> [String: any Encodable] {
        var found: [String: any Encodable] = [:]
        if let declaring = type(of: value) as? any ConfigListElementDefaults.Type {
            for (path, element) in declaring.listElementDefaults { found[join(prefix, path)] = element }
        }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .struct else { return found }
        for child in mirror.children {
            guard let label = child.label, Mirror(reflecting: child.value).displayStyle == .struct else { continue }
            found.merge(declaredListElementDefaults(of: child.value, at: join(prefix, label))) { outer, _ in outer }
        }
        return found
    }

    /// Throws for the first key in `user` that `known` (the re-encoded value) does not have, at any
    /// depth, list elements included. Null values are skipped: an optional set to null encodes as absent.
    static func checkKnownKeys(_ user: ConfigValue, against known: ConfigValue, path: String) throws(StrictDecodingFailure) {
        switch (user, known) {
        case (.mapping(let pairs), _):
            for (key, sub) in pairs {
                guard let knownSub = known[key] else {
                    if sub == .null { continue }
                    throw .unknownKey(path: path, key: key, suggestion: nearestKey(key, in: known.keys), allowed: known.keys)
                }
                try checkKnownKeys(sub, against: knownSub, path: join(path, key))
            }
        case (.array(let items), .array(let knownItems)) where items.count == knownItems.count:
            for (i, item) in items.enumerated() { try checkKnownKeys(item, against: knownItems[i], path: "\(path)[\(i)]") }
        default:
            return
        }
    }

    /// `prefix.key`; `key` at the root, `prefix` for an empty key.
    public static func join(_ prefix: String, _ key: String) -> String { prefix.isEmpty ? key : (key.isEmpty ? prefix : "\(prefix).\(key)") }

    /// A decoding error's coding path as a key path (`sources[1].name`), under `prefix`.
    public static func pathText(_ codingPath: [any CodingKey], prefix: String = "") -> String {
        let p = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .reduce("") { acc, part in part.hasPrefix("[") ? acc + part : join(acc, part) }
        return p.isEmpty ? prefix : (prefix.isEmpty ? p : (p.hasPrefix("[") ? prefix + p : "\(prefix).\(p)"))
    }

    /// The allowed key nearest to `key` by edit distance (case-insensitive), when it is plausibly a
    /// typo: at most max(2, a third of its length) edits away.
    public static func nearestKey(_ key: String, in allowed: [String]) -> String? {
        let scored = allowed.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance (insertions, deletions, substitutions), O(|a|·|b|).
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

extension ConfigValue {
    /// A copy with `transform` applied to the node at `path` (mapping keys), when it exists.
    func updating(_ path: [String], _ transform: (ConfigValue) -> ConfigValue) -> ConfigValue {
        guard let first = path.first else { return transform(self) }
        guard let sub = self[first] else { return self }
        return setting(first, to: sub.updating(Array(path.dropFirst()), transform))
    }
}
