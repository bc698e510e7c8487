import Foundation
@testable import MarketGym
import Testing
import TestSupport

/// Inputs the fuzz harnesses found (Fuzz/, docs/reliability.md "Crashes the harnesses found"), each
/// fixed; the input itself is in the harness's seed corpus.
@Suite("Fuzz findings")
struct FuzzFindingsTests {
    /// FuzzBarSource, Fuzz/Corpora/bar-source/comma-in-file-name.txt: a file named `AAA.cs-01-01,1`
    /// gave an asset name with a comma; the panel's long CSV (`data load --out`) then had 4 cells in a
    /// 3-column row and did not load back. Names a CSV cell cannot hold are refused where they arise.
    @Test("an asset name a CSV cell cannot hold is refused, naming its origin and the fix", arguments: [
        ("AAA.cs-01-01,1", nil, [:], "holds a comma", "the file name"),
        ("x.csv", "S\"P", [:], "holds a double quote", "the spec's asset"),
        ("x.csv", " SPY", [:], "starts or ends with a blank", "the spec's asset"),
        ("x.csv", "", [:], "is empty", "the spec's asset"),
        ("x.csv", nil, ["BTC/USDT": "BTC\n"], "holds a control character", "column 2 after rename"),
        // Fuzz/Corpora/bar-source/comma-with-combining-mark.txt: a comma followed by a combining mark
        // (U+07FD) is one Character that is not ",": the check runs on Unicode scalars now.
        ("x.csv", "X\u{FFFD},\u{07FD}=", [:], "holds a comma", "the spec's asset"),
        ("x.csv", "A\u{00A0}", [:], "starts or ends with a blank", "the spec's asset"),
    ] as [(String, String?, [String: String], String, String)])
    func unwritableAssetNames(_ name: String, _ asset: String?, _ rename: [String: String], _ problem: String, _ origin: String) {
        var spec = BarSourceSpec()
        spec.asset = asset
        spec.rename = rename
        let text = rename.isEmpty ? "timestamp,close\n2020-01-01,1\n" : "timestamp,symbol,close\n2020-01-01,BTC/USDT,1\n"
        do {
            _ = try BarSource.load(spec, contents: [(name: name, bytes: Array(text.utf8))])
            Issue.record("accepted \(name) / \(String(describing: asset)) / \(rename)")
        } catch {
            guard case let .badSpec(key, found, expected) = error else { Issue.record("got \(error)"); return }
            #expect(key == "asset")
            #expect(found.contains(problem) && found.contains(origin) && found.contains("\(name):2"), "\(found)")
            #expect(expected.contains("rename"))
        }
    }

    @Test("a panel loaded through a spec is written as a long CSV that loads back to the same closes")
    func panelsRoundTripThroughLongCSV() throws {
        var spec = BarSourceSpec()
        spec.rename = ["BTC/USDT": "BTC-USD (spot)"]
        let text = "timestamp,symbol,close\n2020-01-01,BTC/USDT,1.5\n2020-01-02,BTC/USDT,2.25\n2020-01-02,ETH,3\n"
        let loaded = try BarSource.load(spec, contents: [(name: "x.csv", bytes: Array(text.utf8))]).data
        let again = try MarketData.parseCSV(loaded.longCSVBytes())
        #expect(again.assets == ["BTC-USD (spot)", "ETH"] && loaded.assets == again.assets)
        #expect(again.close.map(\.bitPattern) == loaded.close.map(\.bitPattern))
    }

    /// FuzzBarSource, Fuzz/Corpora/bar-source/open-tail-only-4h.txt: hourly bars resampled to 4h that
    /// all lie in the still-open last interval gave a panel of 0 bars, accepted silently; its long
    /// CSV then had no rows. A spec load now refuses a result without a single close.
    @Test("a resampling whose bars all fall in the still-open interval is refused with the fix")
    func resampleToNothing() {
        var spec = BarSourceSpec()
        spec.timeframe = "4h"
        let text = "timestamp,close\n2020-01-01T01:00:00Z,1\n2020-01-01T02:00:00Z,2\n2020-01-01T03:00:00Z,3\n"
        do {
            let r = try BarSource.load(spec, contents: [(name: "x.csv", bytes: Array(text.utf8))])
            Issue.record("accepted \(r.data.barCount) bars")
        } catch {
            guard case let .badTimeframe(found, reason, fix) = error else { Issue.record("got \(error)"); return }
            #expect(found == "4h" && reason.contains("3 bars are in the still-open last interval") && fix.contains("shorter timeframe"), "\(error)")
        }
        // One more bar closes the interval: accepted, one 4h bar.
        let closed = text + "2020-01-01T04:00:00Z,4\n"
        #expect((try? BarSource.load(spec, contents: [(name: "x.csv", bytes: Array(closed.utf8))]))?.data.close == [4])
    }

    @Test("a file whose close cells are all empty is refused, not loaded as a panel without a tradable bar")
    func noCloseAtAll() {
        let text = "timestamp,open,close\n2020-01-01,1,\n2020-01-02,2,\n"
        do {
            let r = try BarSource.load(BarSourceSpec(), contents: [(name: "x.csv", bytes: Array(text.utf8))])
            Issue.record("accepted \(r.data.barCount) bars")
        } catch {
            guard case let .badSpec(key, found, expected) = error else { Issue.record("got \(error)"); return }
            #expect(key == "columns.close" && found.contains("every row of x.csv") && expected.contains("columns.close"), "\(error)")
        }
    }

    /// FuzzPredictionsCSV, Fuzz/Corpora/predictions-csv/cr-in-feature-name.csv: the header
    /// `timestamp,asset,d,2\r\r\r` gave a feature named "2\r\r" (a line loses one CR); written back
    /// and read again it was "2\r". Names in the bars and predictions readers go through the same
    /// check as names from a spec (`ByteCSV.nameProblem`).
    @Test("a feature or asset name a CSV cell cannot hold is refused by the CSV readers, naming line and column")
    func unwritableNamesInCSVFiles() {
        let cases: [(String, Bool, Int, Int)] = [  // text, predictions?, line, column
            ("timestamp,asset,d,2\r\r\r\n20,A,1,2\n", true, 1, 4),
            ("timestamp,asset,pred\n2020-01-02,\"A\u{01}\",1\n", true, 2, 2),
            ("timestamp,asset,pred\n2020-01-02,\" A\",1\n", true, 2, 2),
            ("timestamp,asset,close\n2020-01-02,\"A\u{7F}\",1\n", false, 2, 2),
            ("date,\"X\u{1B}\"\n2020-01-02,1\n", false, 1, 2),
            ("date,A\u{85}:close\n2020-01-02,1\n", false, 1, 2),
        ]
        for (text, isPredictions, line, column) in cases {
            let bytes = Array(text.utf8)
            let error: DataFileError?
            do {
                if isPredictions { _ = try PredictionTable.parseCSV(bytes, source: "f.csv") } else { _ = try MarketData.parseCSV(bytes, source: "f.csv") }
                error = nil
            } catch let e { error = e as? DataFileError }
            guard case let .badName(file, l, c, _, problem)? = error else { Issue.record("\(text.debugDescription): got \(String(describing: error))"); continue }
            #expect(file == "f.csv" && l == line && c == column && !problem.isEmpty, "\(text.debugDescription): \(String(describing: error))")
        }
    }
}

/// FuzzPredictionsCSV, Fuzz/Corpora/predictions-csv/epoch-seconds-in-year-27077.csv: a timestamp cell
/// `792320000002` read as epoch seconds (year 27077) was accepted by the predictions reader, which the
/// bars reader refuses; the table then wrote an ISO stamp with a five-digit year that did not read back.
/// Every reader now refuses stamps outside `DataLimits.years`: the predictions CSV like the bars CSV,
/// and the HDF5 loaders of bars and predictions.
@Suite("Fuzz findings: timestamps outside the years")
struct TimestampYearFindingsTests {
    @Test("the predictions CSV reader refuses a stamp outside 1800-9999, naming line, column and the likely unit mistake")
    func predictionsCSV() {
        let text = "timestamp,asset,e0\n2,AAA,1\n792320000002,AAB,1\n"
        do {
            _ = try PredictionTable.parseCSV(Array(text.utf8), source: "p.csv")
            Issue.record("accepted")
        } catch {
            guard case let .valueOutOfRange(file, line, column, name, value, range) = error else { Issue.record("\(error)"); return }
            #expect(file == "p.csv" && line == 3 && column == 1 && name == "timestamp" && value == "792320000002")
            #expect(range.contains("1800-9999") && range.contains("milliseconds"), "\(range)")
        }
        // The fuzz input itself (the first byte picks the automatic format in the harness).
        let fuzzInput = "timestamp,asset,e0,\u{FF}2157\n792320000002,AAA,Na,\n02,AAEA,Na,\n01,AA,Na,\n"
        #expect(throws: DataFileError.self) { try PredictionTable.parseCSV(Array(fuzzInput.utf8), source: "p.csv") }
    }

    @Test("the HDF5 loaders refuse bars and predictions stamped outside 1800-9999, naming the dataset element")
    func hdf5() throws {
        let dir = try makeTemporaryDirectory()
        let stamps: [Int64] = [86_400, 792_320_000_002]
        let bars = try MarketData(assets: ["A", "B"], timestamps: stamps, close: [1, 2, 1, 2])
        let table = PredictionTable(featureNames: ["p"], assets: ["A"], timestamps: stamps, assetIndex: [0, 0], values: [1, 2])
        let barsURL = dir.appendingPathComponent("bars.h5"), predictionsURL = dir.appendingPathComponent("predictions.h5")
        try MarketDataHDF5.write(bars: bars, to: barsURL)
        try MarketDataHDF5.write(bars: nil, predictions: table, to: predictionsURL)
        for (load, path) in [({ () throws(DataFileError) in _ = try MarketData.load(contentsOf: barsURL) }, "/bars/timestamps[1]"),
                             ({ () throws(DataFileError) in _ = try PredictionTable.load(contentsOf: predictionsURL) }, "/predictions/timestamps[1]")] {
            do {
                try load()
                Issue.record("\(path): accepted")
            } catch {
                guard case let .badLayout(_, p, expected, found) = error else { Issue.record("\(path): \(error)"); continue }
                #expect(p == path && expected.contains("1800-9999") && found.contains("27077"), "\(error)")
            }
        }
    }
}
