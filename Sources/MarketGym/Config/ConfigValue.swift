import Foundation

/// A parsed configuration tree: what a YAML preset, an experiment file, a `--set` override or a
/// config JSON holds before it is decoded into a typed configuration (Lab calls it `ConfigValue`).
///
/// Mappings keep their key order, so a resolved configuration is written back in the order people
/// wrote it. Numbers keep the integer/real distinction the file gave them. `StrictDefaultsDecoding`
/// merges a user's tree over a configuration's encoded defaults with `merging(_:)`.
public indirect enum ConfigValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([ConfigValue])
    case mapping([(key: String, value: ConfigValue)])

    public static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.mapping(a), .mapping(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value under `key` when this is a mapping.
    public subscript(key: String) -> ConfigValue? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// The mapping's keys, or empty.
    public var keys: [String] {
        guard case .mapping(let pairs) = self else { return [] }
        return pairs.map(\.key)
    }

    /// A short name for the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// Returns a copy with `value` stored at `key` (replacing or appending).
    public func setting(_ key: String, to value: ConfigValue) -> ConfigValue {
        var pairs: [(key: String, value: ConfigValue)]
        if case .mapping(let p) = self { pairs = p } else { pairs = [] }
        if let i = pairs.firstIndex(where: { $0.key == key }) {
            pairs[i].value = value
        } else {
            pairs.append((key, value))
        }
        return .mapping(pairs)
    }

    /// Returns a copy without `key`.
    public func removing(_ key: String) -> ConfigValue {
        guard case .mapping(let p) = self else { return self }
        return .mapping(p.filter { $0.key != key })
    }

    /// Deep merge: mappings merge key by key (`other` wins), everything else is replaced by `other`.
    ///
    /// A single-key mapping replaced by a single-key mapping with a different key is replaced whole,
    /// not merged: that is how an enum case with associated values is encoded (`{walkForward: {...}}`),
    /// and merging two cases would make an invalid value.
    public func merging(_ other: ConfigValue) -> ConfigValue {
        guard case .mapping(let base) = self, case .mapping(let top) = other else { return other }
        if base.count == 1, top.count == 1, base[0].key != top[0].key { return other }
        var result = base
        for (key, value) in top {
            if let i = result.firstIndex(where: { $0.key == key }) {
                result[i].value = result[i].value.merging(value)
            } else {
                result.append((key, value))
            }
        }
        return .mapping(result)
    }
}
