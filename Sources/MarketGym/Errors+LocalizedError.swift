#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Every error type of MarketGym is a LocalizedError whose message is its description, so library
// callers that print `localizedDescription` get the same file, place and fix as the CLI.

extension SplitError: LocalizedError {
    public var errorDescription: String? { description }
}

extension ConfigError: LocalizedError {
    public var errorDescription: String? { description }
}

extension StrictDecodingFailure: LocalizedError {
    public var errorDescription: String? { description }
}

extension MarketEnvError: LocalizedError {
    public var errorDescription: String? { description }
}

extension DataFileError: LocalizedError {
    public var errorDescription: String? { description }
}

extension MarketDataError: LocalizedError {
    public var errorDescription: String? { description }
}

extension BarSourceError: LocalizedError {
    public var errorDescription: String? { description }
}

extension GzipError: LocalizedError {
    public var errorDescription: String? { description }
}
