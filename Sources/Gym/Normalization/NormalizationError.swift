/// Statistics that cannot be restored: they do not fit the environment or are not valid numbers.
public enum NormalizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An array has the wrong number of elements.
    case sizeMismatch(what: String, expected: Int, found: Int)
    /// A value is NaN, infinite, or out of its range (negative variance, non-positive count).
    case invalidValue(what: String, value: Double)
    /// The statistics were recorded for differently named observation elements.
    case namesMismatch(index: Int, expected: String, found: String)
    /// A named array the format requires is absent.
    case missingArray(String)

    public var description: String {
        switch self {
        case let .sizeMismatch(what, expected, found):
            return "normalization statistics: '\(what)' has \(found) elements, expected \(expected). Restore statistics saved from an environment with the same observation layout."
        case let .invalidValue(what, value):
            return "normalization statistics: '\(what)' is \(value); means must be finite, variances finite and >= 0, the count finite and > 0. The saved statistics are corrupt: retrain or restore another checkpoint."
        case let .namesMismatch(index, expected, found):
            return "normalization statistics: observation element \(index) is named '\(found)' in the saved statistics but '\(expected)' in the environment. The policy was trained on different inputs: rebuild the environment with the saved spec."
        case let .missingArray(name):
            return "normalization statistics: the array '\(name)' is missing. Expected arrays: \(NormalizationStatistics.arrayNames)."
        }
    }
}
