import Foundation
@testable import MarketGym
import TestSupport

/// Bytes of a CSV given as lines.
func csv(_ lines: String...) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n").utf8) }

/// The bundled S&P 500 file.
func bundledBarsURL() -> URL {
    repositoryRoot().appendingPathComponent("Experiments/data/sp500-20-daily.csv.gz")
}

/// The error a throwing closure threw, as `DataFileError`, or nil.
func dataError(_ body: () throws -> Void) -> DataFileError? {
    do { try body(); return nil } catch { return error as? DataFileError }
}

/// 2020-01-02 00:00:00 UTC plus `days`.
func day(_ days: Int) -> Int64 { 1_577_923_200 + Int64(days) * 86_400 }
