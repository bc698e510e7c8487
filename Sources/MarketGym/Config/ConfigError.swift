/// A config file (or decoded dictionary) does not match the config schema.
///
/// Thrown by `StrictDefaultsDecoding.decodeJSON` (config JSON in checkpoints) and by the
/// `validate()` range checks, so a config with a typo fails loudly instead of silently running
/// with a default.
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
            let guess = StrictDefaultsDecoding.nearestKey(key, in: known).map { " Did you mean '\($0)'?" } ?? ""
            return "unknown config key '\(at)'.\(guess) Known keys here: \(known.sorted().joined(separator: ", ")). Fix the spelling or remove the key."
        case let .invalidValue(path, found, expected):
            return "config value '\(path)' is \(found); expected \(expected)."
        }
    }
}
