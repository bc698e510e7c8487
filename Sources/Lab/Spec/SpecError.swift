import Foundation

/// A problem with an experiment, preset or sweep spec, or with a `--set` override.
///
/// Every case names where (file and key path), what was found and what is allowed, so the message
/// alone tells the user what to fix.
public enum SpecError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file is not valid YAML.
    case yamlSyntax(file: String, detail: String)
    /// A key the configuration does not have.
    case unknownKey(file: String, path: String, suggestion: String?, allowed: [String])
    /// A value of the wrong kind or out of range.
    case badValue(file: String, path: String, found: String, expected: String)
    /// A required key is missing.
    case missingKey(file: String, path: String, expected: String)
    /// A `--set` argument that is not `path.to.key=value`.
    case badOverride(String)
    /// A spec or preset file that does not exist or cannot be read.
    case unreadable(file: String, detail: String)

    public var description: String {
        switch self {
        case let .yamlSyntax(file, detail):
            return "\(file): not valid YAML: \(Self.excerpt(detail, limit: 600))"
        case let .unknownKey(file, path, suggestion, allowed):
            var s = "\(file): unknown key '\(path)'."
            if let suggestion { s += " Did you mean '\(suggestion)'?" }
            if !allowed.isEmpty { s += " Allowed here: \(allowed.joined(separator: ", "))." }
            return s
        case let .badValue(file, path, found, expected):
            return "\(file): bad value at '\(path)': found \(Self.excerpt(found)); expected \(expected)."
        case let .missingKey(file, path, expected):
            return "\(file): missing key '\(path)' (\(expected))."
        case let .badOverride(arg):
            return "bad override '\(arg)': write --set path.to.key=value, e.g. --set env.reward.turnoverPenalty=0.002"
        case let .unreadable(file, detail):
            return "\(file): cannot read: \(detail)"
        }
    }

    public var errorDescription: String? { description }

    /// At most the first line of `text` and `limit` characters of it, marked when cut: a value
    /// echoed in a message (a whole file read as one string, a 200 MB field) stays one short line.
    public static func excerpt(_ text: String, limit: Int = 200) -> String {
        var line = Substring(text)
        var cut = false
        if let nl = line.firstIndex(where: { $0 == "\n" || $0 == "\r" }) {
            line = line[..<nl]
            cut = true
        }
        if line.count > limit {
            line = line.prefix(limit)
            cut = true
        }
        return cut ? "\(line)… (\(text.count) characters in all)" : String(line)
    }
}
