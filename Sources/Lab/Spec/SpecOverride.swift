import Foundation

/// One `--set path.to.key=value` override.
///
/// The value is read as YAML, so `0.002`, `true`, `[64, 64]` and `dqn` mean what they would in a
/// preset file. Overrides apply after presets are merged, in command-line order.
public struct SpecOverride: Sendable, Equatable, CustomStringConvertible {
    /// Dot-separated key path, e.g. `env.reward.turnoverPenalty`.
    public let path: [String]
    /// The parsed value.
    public let value: SpecValue

    /// Parses `path.to.key=value`.
    /// - Throws: `SpecError.badOverride` when there is no `=`, or the path is empty or has an empty
    ///   part; the YAML reader's `SpecError` (naming `--set <argument>`) when the value does not read.
    public init(parsing argument: String) throws(SpecError) {
        guard let eq = argument.firstIndex(of: "=") else { throw .badOverride(argument) }
        let key = argument[..<eq].trimmingCharacters(in: .whitespaces)
        let raw = String(argument[argument.index(after: eq)...])
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { throw .badOverride(argument) }
        // A value that is not YAML this reader takes gets the reader's own error, which names the
        // argument and says why ("integer out of range: ..."), not the usage hint for a bad path.
        let parsed = try SpecValue.parse(yaml: "v: \(raw.isEmpty ? "\"\"" : raw)", source: "--set \(argument)")
        let value = parsed["v"] ?? .null
        // The path nests the value that many mappings deeper in the config.
        try value.refuseDepth(beyond: SpecValue.maxDepth, source: "--set \(SpecError.excerpt(argument))", extra: parts.count)
        self.path = parts
        self.value = value
    }

    /// An override from parts already split and a parsed value.
    init(path: [String], value: SpecValue) {
        self.path = path
        self.value = value
    }

    public var description: String { "\(path.joined(separator: "."))=\(SpecValue.scalarText(value))" }

    /// Applies this override to `tree`, creating intermediate mappings as needed.
    public func apply(to tree: SpecValue) -> SpecValue {
        func set(_ node: SpecValue, _ rest: ArraySlice<String>) -> SpecValue {
            guard let head = rest.first else { return value }
            let child = node[head] ?? .mapping([])
            return node.setting(head, to: set(child, rest.dropFirst()))
        }
        return set(tree, path[...])
    }
}

