#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Every error type of Gym is a LocalizedError whose message is its description, so library
// callers that print `localizedDescription` get the same file, place and fix as the CLI.

extension NormalizationError: LocalizedError {
    public var errorDescription: String? { description }
}

extension EnvironmentError: LocalizedError {
    public var errorDescription: String? { description }
}

extension EnvironmentCheckError: LocalizedError {
    public var errorDescription: String? { description }
}
