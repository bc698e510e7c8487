import Foundation
import Testing
@testable import MarketGym
import TestSupport

@Suite("Data validation and info")
struct DataValidationTests {
    @Test("validate collects every hard error, in file order, without stopping at the first")
    func collectsErrors() throws {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("bad.csv")
        try Data(csv("Date,A,B",
                     "2020-01-02,1,2",
                     "2020-01-03,x,2",
                     "2020-01-06,1",
                     "bad-date,1,2",
                     "2020-01-07,1,-3",
                     "2020-01-02,5,5")).write(to: url)
        let report = MarketData.validate(contentsOf: url)
        #expect(!report.isValid)
        #expect(report.errorCount == 5)
        #expect(report.errors == [
            .unparseableValue(file: url.path, line: 3, column: 2, columnName: "A", value: "x"),
            .raggedRow(file: url.path, line: 4, expected: 3, found: 2),
            .unparseableTimestamp(file: url.path, line: 5, column: 1, value: "bad-date", format: .automatic),
            .nonPositivePrice(file: url.path, line: 6, column: 3, columnName: "B", value: "-3"),
            .duplicateTimestamp(file: url.path, line: 7, firstLine: 2, timestamp: "2020-01-02", asset: nil),
        ])
        #expect(report.description.contains("INVALID: 5 errors"))
        // Loading the same file throws the first of them.
        #expect(dataError { _ = try MarketData.load(contentsOf: url) } == report.errors.first)
    }

    @Test("soft problems are counted warnings: gaps, extreme returns, interior holes, OHLC")
    func warnings() throws {
        let dir = try makeTemporaryDirectory()
        let url = dir.appendingPathComponent("soft.csv")
        // Daily bars with one 10-day gap; A jumps +100% then -60%; B has one interior hole.
        try Data(csv("timestamp,A:close,A:high,A:low,B:close",
                     "2020-01-01,10,11,9,5",
                     "2020-01-02,10,11,9,",
                     "2020-01-03,20,21,19,5",
                     "2020-01-04,8,9,10,5",
                     "2020-01-14,8,9,7,5",
                     "2020-01-15,8,9,7,5")).write(to: url)
        let report = MarketData.validate(contentsOf: url, options: BarLoadOptions(extremeReturnThreshold: 0.5, gapFactor: 5))
        #expect(report.isValid)
        let byKind = Dictionary(uniqueKeysWithValues: report.warnings.map { ($0.kind, $0.count) })
        #expect(byKind[.gap] == 1)
        #expect(byKind[.extremeReturn] == 2)
        #expect(byKind[.interiorMissing] == 1)
        #expect(byKind[.ohlcInconsistent] == 1)
        // A looser threshold counts fewer extreme returns.
        let loose = MarketData.validate(contentsOf: url, options: BarLoadOptions(extremeReturnThreshold: 0.7))
        #expect(loose.warnings.first { $0.kind == .extremeReturn }?.count == 1)
        let b = try #require(report.coverage.first { $0.asset == "B" })
        #expect(b.validBars == 5 && b.interiorMissing == 1 && b.firstBar == 0 && b.lastBar == 5)
    }

    @Test("an unreadable or empty file is a report error, not a crash")
    func unreadable() throws {
        let report = MarketData.validate(contentsOf: URL(fileURLWithPath: "/nonexistent.csv"))
        #expect(report.errors == [.unreadable(file: "/nonexistent.csv", reason: "no such file")])
        let dir = try makeTemporaryDirectory()
        let empty = dir.appendingPathComponent("empty.csv")
        try Data().write(to: empty)
        #expect(MarketData.validate(contentsOf: empty).errors == [.emptyFile(file: empty.path)])
    }

    @Test("info summarizes assets, range, bars, spacing and coverage")
    func info() throws {
        let info = try MarketData.info(contentsOf: bundledBarsURL())
        #expect(info.assets.count == 20 && info.barCount == 8313)
        #expect(info.typicalSpacing == 86_400)
        #expect(info.coverage.allSatisfy { $0.fraction == 1 })
        let text = info.description
        #expect(text.contains("1990-01-02 to 2022-12-28"))
        #expect(text.contains("bars:     8313, typical spacing 1 day(s)"))
        #expect(text.contains("AAPL   100.0%  8313 bars, 1990-01-02 to 2022-12-28, 0 holes"))
    }
}
