/// A config file (or decoded dictionary) does not match the config schema.
///
/// Thrown by the `init(from:)` of every MarketGym config, so a YAML preset with a typo fails loudly
/// instead of silently running with a default.
public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A key that the config type does not define.
    case unknownKey(path: String, key: String, known: [String])
    /// A value that decodes but is out of its allowed range.
    case invalidValue(path: String, found: String, expected: String)

    /// The problem, the key path and the fix.
    public var description: String {
        switch self {
        case let .unknownKey(path, key, known):
            let at = path.isEmpty ? key : "\(path).\(key)"
            return "unknown config key '\(at)'. Known keys here: \(known.sorted().joined(separator: ", ")). Fix the spelling or remove the key."
        case let .invalidValue(path, found, expected):
            return "config value '\(path)' is \(found); expected \(expected)."
        }
    }
}

/// A coding key that accepts any string, used to list the keys a container actually holds.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension Decoder {
    /// Throws `ConfigError.unknownKey` when the keyed container holds a key outside `Keys`.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let all = try container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        for k in all.allKeys where !known.contains(k.stringValue) {
            let path = codingPath.map(\.stringValue).joined(separator: ".")
            throw ConfigError.unknownKey(path: path, key: k.stringValue, known: Array(known))
        }
    }
}

extension KeyedDecodingContainer {
    /// The value under `key`, or `fallback` when the key is absent.
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}
