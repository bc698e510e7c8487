import Foundation
import Testing
import TestSupport

@Suite struct DataCommandTests {
    let bundled = repositoryRoot().appendingPathComponent("Experiments/data/sp500-20-daily.csv.gz").path

    @Test func infoDescribesTheBundledData() throws {
        let r = try runProduct("marketgym", ["data", "info", bundled])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("assets:   20"))
        #expect(r.stdout.contains("1990-01-02 to 2022-12-28"))
        #expect(r.stdout.contains("8313"))
        #expect(r.stdout.contains("stamps:   taken as bar closes (assumed"))
    }

    @Test func validateReportsHardErrorsWithPlaceAndFix() throws {
        let dir = try makeTemporaryDirectory()
        let bad = dir.appendingPathComponent("bad.csv")
        try "Date,A,B\n2020-01-01,1,2\n2020-01-01,x,3\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try runProduct("marketgym", ["data", "validate", bad.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("bad.csv:3:2"))
        #expect(r.stdout.contains("'x' is not a finite number"))
        #expect(r.stdout.contains("already appears on line 2"))
    }

    @Test func missingFileIsAClearErrorNotACrash() throws {
        let r = try runProduct("marketgym", ["data", "info", "/nonexistent/bars.csv"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent/bars.csv"))
    }

    @Test func helpShowsExamples() throws {
        let r = try runProduct("marketgym", ["data", "validate", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Example"))
    }
}

@Suite struct DataSpecCommandTests {
    let spec = repositoryRoot().appendingPathComponent("Experiments/data/crypto-hourly/crypto-hourly.bars.yaml").path

    @Test func loadReadsTheBundledCryptoFilesThroughTheDocumentedSpec() throws {
        let r = try runProduct("marketgym", ["data", "load", "--spec", spec])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("panel: 33413 bars x 4 assets (ADA, BNB, BTC, ETH)"))
        #expect(r.stdout.contains("duplicates: 5298 copies merged, 6 of them disagreeing at accepted times"))
        #expect(r.stdout.contains("stamps: bar open, moved to the close (+1h)"))
        #expect(r.stdout.contains("gaps: 8 spacings longer than 1h"))
        #expect(r.stdout.contains("28584 in epoch seconds, 7478 in epoch milliseconds"))
    }

    @Test func mergeWritesCSVAndHDF5ThatLoadBack() throws {
        let dir = try makeTemporaryDirectory()
        for name in ["crypto-4h.csv.gz", "crypto-4h.h5"] {
            let out = dir.appendingPathComponent(name).path
            let r = try runProduct("marketgym", ["data", "merge", "--spec", spec, "--timeframe", "4h", "-o", out])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("resampled 1h -> 4h"))
            let info = try runProduct("marketgym", ["data", "info", out])
            #expect(info.status == 0, "\(info.stderr)")
            #expect(info.stdout.contains("assets:   4"))
        }
    }

    @Test func resampleRefusesAStepTheBarsCannotMake() throws {
        let out = try makeTemporaryDirectory().appendingPathComponent("x.csv").path
        let r = try runProduct("marketgym", ["data", "resample", "--spec", spec, "--to", "90m", "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("30m or finer"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func flagsAloneReadAYahooFileAsOneAsset() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("SPY.csv")
        try "Date,Open,High,Low,Close,Adj Close,Volume\n2020-01-02,324.87,324.89,322.53,324.87,308.6,59151200\n".write(to: file, atomically: true, encoding: .utf8)
        let refused = try runProduct("marketgym", ["data", "info", file.path])
        #expect(refused.status == 1 && refused.stderr.contains("bar fields, not assets"))
        let r = try runProduct("marketgym", ["data", "load", file.path, "--ignore", "Adj Close", "--stamps", "close"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("panel: 1 bars x 1 assets (SPY)"))
    }

    @Test func resampleAPlainBarFile() throws {
        let dir = try makeTemporaryDirectory()
        let file = dir.appendingPathComponent("h.csv")
        try "timestamp,A\n2021-03-01T01:00:00Z,1\n2021-03-01T02:00:00Z,2\n2021-03-01T03:00:00Z,3\n".write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("h2.csv").path
        let r = try runProduct("marketgym", ["data", "resample", file.path, "--to", "2h", "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("1 intervals, 0 partial asset-intervals (kept, flagged), 1 bars of the still-open last interval left out"))
        #expect(r.stdout.contains("stamps: bar close (assumed"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "timestamp,asset,close\n2021-03-01T02:00:00Z,A,2.0\n")
    }
}
