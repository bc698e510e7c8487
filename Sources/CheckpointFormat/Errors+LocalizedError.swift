#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Every error type of CheckpointFormat is a LocalizedError whose message is its description, so library
// callers that print `localizedDescription` get the same file, place and fix as the CLI.

extension PerAssetLayout.LayoutError: LocalizedError {
    public var errorDescription: String? { description }
}

extension CheckpointError: LocalizedError {
    public var errorDescription: String? { description }
}

extension PolicyForwardError: LocalizedError {
    public var errorDescription: String? { description }
}
