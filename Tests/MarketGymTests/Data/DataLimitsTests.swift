import Foundation
import Testing
@testable import MarketGym
import TestSupport

/// Regression tests for issue 13's parser items (docs/reliability.md, "Data files").
@Suite("Data file limits and misleading files")
struct DataLimitsTests {
    @Test("report formatting never traps on extreme values", arguments: [1e39, 1e308, 9e18, 1e17, 1e-320, -1e20, .infinity, .nan])
    func format1NeverTraps(x: Double) {
        #expect(!format1(x).isEmpty)
    }

    @Test("format1 keeps one decimal and the sign")
    func format1Digits() {
        #expect(format1(12.34) == "12.3" && format1(-0.46) == "-0.5" && format1(0) == "0.0")
    }

    @Test("extreme prices are refused on the load path (train/backtest), with the limit", arguments: ["1e39", "1e308", "9e18", "1e17", "1e-320"])
    func extremePricesRefused(value: String) {
        let e = dataError { _ = try MarketData.parseCSV(csv("Date,A", "2020-01-02,1", "2020-01-03,\(value)"), source: "x.csv") }
        guard case let .valueOutOfRange(file, line, column, _, found, _) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(file == "x.csv" && line == 3 && column == 2 && found == value)
        #expect(e?.description.contains("1e-12") == true)
        // And validation reports it rather than trapping.
        var sink = IssueSink(collect: true)
        let got = try? MarketData.read(csv("Date,A", "2020-01-02,\(value)"), file: "x.csv", options: BarLoadOptions(), sink: &sink)
        #expect(got == nil && sink.errorCount == 1)
    }

    @Test("prediction features beyond Float's range are refused by name")
    func predictionsBeyondFloat() {
        let e = dataError { _ = try PredictionTable.parseCSV(csv("timestamp,asset,pred", "2020-01-02,A,1e39"), source: "p.csv") }
        guard case let .valueOutOfRange(_, 2, 3, "pred", "1e39", _) = e else { Issue.record("got \(String(describing: e))"); return }
    }

    @Test("epoch milliseconds in a plain file are not read as seconds (year ~53000)")
    func epochMillisecondsPlain() {
        let e = dataError { _ = try MarketData.parseCSV(csv("timestamp,A", "999999999999,1"), source: "ms.csv") }
        guard case .valueOutOfRange(_, 2, 1, "timestamp", _, _) = e else { Issue.record("got \(String(describing: e))"); return }
    }

    @Test("a decompressed file is capped, the error names the limit and how to raise it")
    func decompressionCap() throws {
        let big = Gzip.compress([UInt8](repeating: 65, count: 1 << 20))
        #expect(throws: GzipError.tooLarge(limit: 1 << 16)) { _ = try Gzip.decompress(big, limit: 1 << 16) }
        #expect(GzipError.tooLarge(limit: 1 << 20).description.contains(DataLimits.decompressedLimitVariable))
        #expect(try Gzip.decompress(big, limit: 1 << 20).count == 1 << 20)
    }

    @Test("buffers grow with the rows read: a file longer than the first allocation loads every row")
    func buffersGrow() throws {
        var lines = ["Date,A,B"]
        for k in 0..<10_000 { lines.append("\(1_577_923_200 + k * 60),\(k + 1),\(2 * k + 1)") }
        let d = try MarketData.parseCSV(Array((lines.joined(separator: "\n") + "\n").utf8))
        #expect(d.barCount == 10_000 && d.close[2 * 9_999] == 10_000 && d.close[2 * 9_999 + 1] == 19_999)
    }

    @Test("issue 13 crash 2: a gzip of blank lines under a 100-asset header is a clear error, not lines x assets of memory")
    func blankLinesUnderAWideHeader() throws {
        let header = "Date," + (0..<100).map { "A\($0)" }.joined(separator: ",") + "\n"
        let gz = Gzip.compress(Array(header.utf8) + [UInt8](repeating: UInt8(ascii: "\n"), count: 2_000_000))
        #expect(gz.count < 20_000)
        let e = dataError { _ = try MarketData.parseCSV(gz, source: "blank.csv.gz") }
        #expect(e == .noRows(file: "blank.csv.gz"))
    }

    @Test("a long file whose rows are all new assets at new times is refused before allocating rows x rows cells")
    func panelCap() {
        var lines = ["timestamp,asset,close"]
        for k in 0..<15_000 { lines.append("\(1_577_923_200 + k * 60),A\(k),1") }
        let e = dataError { _ = try MarketData.parseCSV(Array((lines.joined(separator: "\n") + "\n").utf8), source: "l.csv") }
        #expect(e == .panelTooLarge(file: "l.csv", bars: 15_000, assets: 15_000, limit: DataLimits.maxPanelCells))
    }

    @Test("misleading files say what they are", arguments: [
        ("folder", "it is a folder"), ("devnull", "device"), ("utf16", "UTF-16"), ("cr", "CR-only line ends"),
        ("semicolon", "separated by ';'"), ("nul", "NUL byte"),
    ])
    func misleadingFiles(kind: String, expected: String) throws {
        let dir = try makeTemporaryDirectory()
        var url = dir.appendingPathComponent("bars.csv")
        switch kind {
        case "folder": url = dir
        case "devnull": url = URL(fileURLWithPath: "/dev/null")
        case "utf16": try Data([0xFF, 0xFE] + Array("Date,A\n".utf8).flatMap { [$0, 0] }).write(to: url)
        case "cr": try Data("Date,A\r2020-01-02,1\r".utf8).write(to: url)
        case "semicolon": try Data("Date;A\n2020-01-02;1,5\n".utf8).write(to: url)
        default: try Data(Array("Date,A\n2020-01-02,1\n".utf8) + [0, 0]).write(to: url)
        }
        let e = dataError { _ = try MarketData.load(contentsOf: url) }
        #expect(e?.description.contains(expected) == true, "\(String(describing: e))")
        let report = MarketData.validate(contentsOf: url)
        #expect(!report.isValid)
    }

    @Test("a huge field is echoed as a bounded excerpt")
    func boundedExcerpt() {
        let field = String(repeating: "x", count: 1_000_000)
        let e = dataError { _ = try MarketData.parseCSV(csv("Date,A", "2020-01-02,\(field)"), source: "big.csv") }
        let text = e?.description ?? ""
        #expect(text.contains("(1000000 bytes)") && text.utf8.count < 600)
    }
}

@Suite("Asset names differing only in case")
struct CaseOnlyAssetTests {
    @Test("a long file with BTC and btc is refused, naming both", arguments: [
        ["timestamp,asset,close", "2020-01-02,BTC,1", "2020-01-02,btc,2"],
        ["Date,BTC,btc", "2020-01-02,1,2"],
    ])
    func refused(lines: [String]) {
        let e = dataError { _ = try MarketData.parseCSV(Array((lines.joined(separator: "\n") + "\n").utf8), source: "c.csv") }
        #expect(e == .caseOnlyAssetNames(file: "c.csv", first: "BTC", second: "btc"))
    }
}
