import Agents
import CheckpointFormat
import Foundation
import MarketGym
import SeededRandom
import Testing

/// Issue 15 item 6: every error type is a `LocalizedError`, so a library caller printing
/// `localizedDescription` reads the same message (file, place, fix) as the CLI instead of
/// Foundation's "The operation couldn't be completed".
@Suite struct LocalizedErrorTests {
    @Test func localizedDescriptionIsTheMessage() {
        let errors: [any Error & CustomStringConvertible] = [
            GzipError.tooLarge(limit: 1024),
            SplitError.yearOutOfRange(testYear: 100_000_000_000_000, validYears: 1),
            MarketDataError.duplicateAsset(source: "bars.csv", asset: "AAA"),
            AgentError.incompatibleCheckpoint("network shape [4, 64] vs [4, 32]"),
            SeededRandomError.invalidState("all-zero state"),
            CheckpointError.incomplete(file: "step-100.h5"),
        ]
        for e in errors {
            #expect((e as Error).localizedDescription == e.description, "\(type(of: e))")
            #expect(!e.description.isEmpty)
        }
    }
}
