import CheckpointFormat

/// Why a policy cannot be loaded or cannot act on an input. Each case names what was expected,
/// what was found, and what to do.
public enum PolicyRuntimeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checkpoint file cannot be read (not a checkpoint, other version, incomplete, damaged).
    case checkpoint(CheckpointError)
    /// The checkpoint's policy part is inconsistent (missing or mis-shaped parameter, unknown kind).
    case invalidPolicy(file: String, detail: String)
    /// The snapshot's assets differ from the policy's: missing, extra, or in another order.
    case assetMismatch(expected: [String], found: [String], missing: [String], extra: [String])
    /// The snapshot's prediction features differ from the policy's.
    case featureMismatch(expected: [String], found: [String], missing: [String], extra: [String])
    /// An observation vector of the wrong length, or named differently from the policy's.
    case observationMismatch(detail: String)
    /// The snapshot's arrays have inconsistent shapes.
    case malformedSnapshot(field: String, expected: String, found: String)
    /// A non-finite input value (NaN or infinity) under `NonFiniteInputPolicy.reject`.
    case nonFiniteInput(field: String, asset: String?, bar: Int?)
    /// An action of the wrong kind or out of range for the policy's action scheme.
    case invalidAction(String)
    /// Another failure building the observation or the book (bad environment config in the checkpoint).
    case environment(String)

    public var description: String {
        switch self {
        case .checkpoint(let e):
            return e.description
        case let .invalidPolicy(file, detail):
            return "\(file): the policy cannot be rebuilt: \(detail). Re-export the checkpoint with `marketgym train`."
        case let .assetMismatch(expected, found, missing, extra):
            return "snapshot assets do not match the policy: expected \(expected), found \(found)"
                + (missing.isEmpty ? "" : "; missing \(missing)") + (extra.isEmpty ? "" : "; extra \(extra)")
                + (missing.isEmpty && extra.isEmpty ? "; same names in another order" : "")
                + ". Send exactly the policy's assets in the policy's order (Policy.spec.assets); nothing is reordered or zero-filled."
        case let .featureMismatch(expected, found, missing, extra):
            return "snapshot prediction features do not match the policy: expected \(expected), found \(found)"
                + (missing.isEmpty ? "" : "; missing \(missing)") + (extra.isEmpty ? "" : "; extra \(extra)")
                + (missing.isEmpty && extra.isEmpty ? "; same names in another order" : "")
                + ". Send exactly the policy's features in the policy's order (Policy.featureNames)."
        case .observationMismatch(let detail):
            return "observation does not match the policy: \(detail)"
        case let .malformedSnapshot(field, expected, found):
            return "snapshot field '\(field)': expected \(expected), found \(found)"
        case let .nonFiniteInput(field, asset, bar):
            let place = [asset.map { "asset \($0)" }, bar.map { "history row \($0)" }].compactMap { $0 }.joined(separator: ", ")
            return "snapshot field '\(field)' holds a non-finite value (NaN, null or infinity)\(place.isEmpty ? "" : " at \(place)"). "
                + "Fix the feed, or load the policy with nonFinite: .asMissing (treat as missing, as the env does) or .flat (return a flat book)."
        case .invalidAction(let detail):
            return "invalid action: \(detail)"
        case .environment(let detail):
            return "environment: \(detail)"
        }
    }
}
