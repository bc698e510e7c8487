import Foundation

/// Problems running experiments that a user can fix.
public enum LabError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A file or folder could not be read or written.
    case io(path: String, detail: String)
    /// A spec problem (see `SpecError`).
    case spec(SpecError)
    /// A run folder that does not hold what a command needs.
    case badRun(path: String, detail: String)

    public var description: String {
        switch self {
        case let .io(path, detail): return "\(path): \(detail)"
        case let .spec(e): return e.description
        case let .badRun(path, detail): return "\(path): \(detail)"
        }
    }

    public var errorDescription: String? { description }
}
