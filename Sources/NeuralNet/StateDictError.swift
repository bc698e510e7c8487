import Foundation

/// A PyTorch `state_dict` that does not fit the layer it is loaded into. Each case names the
/// source (the file or what the caller passed as `source`), the key, what was expected, what was
/// found, and the fix. Nothing is changed when loading fails.
public enum StateDictError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// A parameter of the layer has no entry.
    case missingKey(source: String, key: String, expectedShape: [Int])
    /// An entry has another shape than the layer's parameter.
    case wrongShape(source: String, key: String, expected: [Int], found: [Int])
    /// An entry names no parameter of the layer.
    case unexpectedKey(source: String, key: String, known: [String])

    public var description: String {
        switch self {
        case let .missingKey(source, key, shape):
            return "\(source): no entry '\(key)' (expected shape \(shape)). Export the whole module's state_dict(), "
                + "with the layer's own keys (strip any prefix such as 'lstm.')."
        case let .wrongShape(source, key, expected, found):
            return "\(source): '\(key)' has shape \(found), expected \(expected). Build the layer with the sizes the "
                + "PyTorch module was created with (input_size, hidden_size, num_layers, bidirectional)."
        case let .unexpectedKey(source, key, known):
            return "\(source): '\(key)' is not a parameter of this layer (it has \(known.joined(separator: ", "))). "
                + "Check num_layers, bidirectional and bias, or drop the entry."
        }
    }

    public var errorDescription: String? { description }
}

extension Layer {
    /// Loads parameter values from a PyTorch-style `state_dict` (name → tensor), all or nothing:
    /// every key and shape is checked before any value changes.
    /// - Parameters:
    ///   - stateDict: values by the names of ``namedParameters``.
    ///   - source: where the values came from, for error messages (a file name).
    /// - Throws: ``StateDictError`` for a missing key, a wrong shape or an unknown key.
    public func load(stateDict: [String: Tensor], source: String = "state_dict") throws {
        let named = namedParameters
        for p in named {
            guard let t = stateDict[p.name] else {
                throw StateDictError.missingKey(source: source, key: p.name, expectedShape: p.parameter.value.shape)
            }
            guard t.shape == p.parameter.value.shape else {
                throw StateDictError.wrongShape(source: source, key: p.name, expected: p.parameter.value.shape, found: t.shape)
            }
        }
        let known = Set(named.map(\.name))
        if let extra = stateDict.keys.sorted().first(where: { !known.contains($0) }) {
            throw StateDictError.unexpectedKey(source: source, key: extra, known: named.map(\.name))
        }
        for p in named { p.parameter.value.assign(stateDict[p.name] ?? p.parameter.value) }
    }
}
