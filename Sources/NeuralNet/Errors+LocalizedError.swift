#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Every error type of NeuralNet is a LocalizedError whose message is its description, so library
// callers that print `localizedDescription` get the same file, place and fix as the CLI.

extension OptimizerStateError: LocalizedError {
    public var errorDescription: String? { description }
}
