import Foundation

/// Configurations as JSON (the `environmentConfig` a checkpoint carries), through Foundation's
/// `JSONEncoder` / `JSONDecoder`.
public struct JSONConfigCoder: ConfigTreeCoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> ConfigValue {
        try JSONDecoder().decode(ConfigValue.self, from: JSONEncoder().encode(value))
    }

    public func decode<T: Decodable>(_ type: T.Type, from tree: ConfigValue) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(tree))
    }
}

extension StrictDefaultsDecoding {
    /// Decodes a configuration from JSON strictly: missing keys take `defaults`' values (configs
    /// written by older versions load), an unknown key at any depth is refused.
    /// - Throws: `ConfigError.unknownKey` naming the key path and the keys allowed there;
    ///   `ConfigError.invalidValue` for text that is not JSON or a value of the wrong type.
    public static func decodeJSON<T: Codable>(_ type: T.Type, from data: Data, defaults: T) throws(ConfigError) -> T {
        let tree: ConfigValue
        do { tree = try JSONDecoder().decode(ConfigValue.self, from: data) } catch {
            throw .invalidValue(path: "", found: "text that is not JSON (\(error))", expected: "a JSON object of \(T.self) keys")
        }
        do {
            return try decode(T.self, from: tree, defaults: defaults, coder: JSONConfigCoder())
        } catch {
            switch error {
            case let .unknownKey(path, key, _, allowed):
                throw .unknownKey(path: path, key: key, known: allowed)
            case let .decoding(e, _):
                switch e {
                case let .keyNotFound(key, ctx):
                    throw .invalidValue(path: pathText(ctx.codingPath + [key]), found: "nothing", expected: "a value (required)")
                case let .typeMismatch(_, ctx), let .valueNotFound(_, ctx), let .dataCorrupted(ctx):
                    throw .invalidValue(path: pathText(ctx.codingPath), found: "a value that does not decode (\(ctx.debugDescription))", expected: "a valid \(T.self) value")
                @unknown default:
                    throw .invalidValue(path: "", found: "\(e)", expected: "a valid \(T.self)")
                }
            case let .coder(e):
                throw .invalidValue(path: "", found: "\(e)", expected: "a valid \(T.self)")
            }
        }
    }
}
