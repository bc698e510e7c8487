import Foundation

/// Input that the research statistics cannot use, with what was found and the fix.
public enum StatisticsError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A series is too short for the stationary block bootstrap at its mean block length.
    case seriesTooShort(what: String, count: Int, minimum: Int, blockLength: Double)
    /// Two series that must be paired bar by bar have different lengths.
    case lengthMismatch(what: String, first: Int, second: Int)
    /// Fewer than two values where a spread or an interval is needed.
    case tooFewValues(what: String, count: Int, minimum: Int)
    /// A value that must be finite is not (NaN or infinite).
    case nonFinite(what: String, index: Int)
    /// A parameter outside its valid range.
    case badParameter(name: String, found: String, expected: String)

    public var description: String {
        switch self {
        case let .seriesTooShort(what, count, minimum, blockLength):
            return "\(what): \(count) returns are too few for the stationary block bootstrap with mean block length \(String(format: "%.1f", blockLength)) bars; need at least \(minimum). Evaluate on a longer split or give a shorter block length."
        case let .lengthMismatch(what, first, second):
            return "\(what): the paired series have \(first) and \(second) bars; they must cover the same bars. Evaluate both policies on the same split."
        case let .tooFewValues(what, count, minimum):
            return "\(what): \(count) value(s); at least \(minimum) are needed. Add seeds or trials."
        case let .nonFinite(what, index):
            return "\(what): value at index \(index) is not finite. Remove NaN/infinite returns before computing statistics."
        case let .badParameter(name, found, expected):
            return "\(name): found \(found), expected \(expected)."
        }
    }

    public var errorDescription: String? { description }
}
