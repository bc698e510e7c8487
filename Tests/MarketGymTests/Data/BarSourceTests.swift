import Foundation
import Testing
@testable import MarketGym
import TestSupport

@Suite("Bar-source specs: vendor files")
struct BarSourceTests {
    /// Counts measured independently with Python's csv module over the raw files
    /// (unique hours per pair, overlapping hours, spacings > 1h), see the folder's README.
    @Test("the four raw crypto files load as they are: banner/units/newest-first/duplicates/stamps/gaps reported")
    func bundledCrypto() throws {
        let loaded = try BarSource.load(cryptoSpec(), base: cryptoFolder())
        let d = loaded.data, r = loaded.report
        #expect(d.assets == ["ADA", "BNB", "BTC", "ETH"])
        #expect(d.barCount == 33_413)
        // First BTC row: 1502942400.0 (epoch seconds with .0), stamped at its open: known at 05:00.
        #expect(d.timestamps.first == Int64(1_502_946_000))
        #expect(d.timestamps.last == Int64(1_623_286_800))
        let btc = try #require(d.assetIndex("BTC")), ada = try #require(d.assetIndex("ADA"))
        #expect(d.close[btc] == 4308.83)
        #expect(d.open?[btc] == 16199.91)
        // ADA starts 2020-08-01 23:00 (open stamp): untradable before its first bar.
        let adaFirst = try #require(d.timestamps.firstIndex(of: 1_596_322_800 + 3600))
        #expect(!d.tradable[(adaFirst - 1) * 4 + ada] && d.tradable[adaFirst * 4 + ada])
        #expect(r.duplicatesMerged == 2 * 2649)
        #expect(r.disagreementsAccepted == 6)
        #expect(r.gaps == 8)
        #expect(r.stamps == .open && r.stampsStated)
        let btcFile = try #require(r.files.first { $0.file.hasSuffix("BTCUSDT_1h.csv.gz") })
        #expect(btcFile.rows == 36_062 && btcFile.epochUnits == [28_584, 7478, 0])
        // Newest first: every step goes back in time except the 2,649 where an hour's second copy
        // follows its first (the two copies are adjacent in the file).
        #expect(btcFile.descendingSteps == btcFile.rows - 1 - 2649)
        #expect(r.description.contains("newest first"))
        #expect(r.description.contains("stamps: bar open, moved to the close (+1h)"))
        // The one `nan` volume cell of ETH (line 16580) stays missing, counted.
        let ethFile = try #require(r.files.first { $0.file.hasSuffix("ETHUSDT_1h.csv.gz") })
        #expect(ethFile.missingCells == 1)
    }

    @Test("without the accepted times, the disagreeing duplicate is an error naming both lines and the field")
    func cryptoDisagreementRefused() throws {
        var spec = cryptoSpec()
        spec.duplicates.acceptDisagreementAt = []
        spec.files = ["Binance_ETHUSDT_1h.csv.gz"]
        let e = sourceError { _ = try BarSource.load(spec, base: cryptoFolder()) }
        guard case let .disagreeingCopies(asset, time, first, second, field, _, _, _) = e else {
            Issue.record("expected disagreeingCopies, got \(String(describing: e))"); return
        }
        #expect(asset == "ETH" && time == "2020-10-27T06:00:00Z" && field == "volume")
        #expect(first.hasSuffix(":5985") && second.hasSuffix(":5986"))
    }

    @Test("a Yahoo single-asset file is never read as 5-6 assets: refused with the fix, read as one asset by a spec")
    func yahooSingleAsset() throws {
        let text = """
        Date,Open,High,Low,Close,Adj Close,Volume
        2020-01-02,324.87,324.89,322.53,324.87,308.6,59151200
        2020-01-03,321.16,323.64,321.10,322.41,306.3,77709700
        """
        let e = dataError { _ = try MarketData.parseCSV(Array(text.utf8), source: "SPY.csv") }
        guard case let .fieldNamesAsAssets(file, line, columns) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(file == "SPY.csv" && line == 1 && columns == ["Open", "High", "Low", "Close", "Adj Close", "Volume"])
        #expect(e?.description.contains("--asset NAME") == true)

        let path = try temporaryFile("SPY.csv", text + "\n")
        var spec = BarSourceSpec()
        spec.columns.close = "Adj Close"
        spec.ignore = ["Close"]
        let d = try BarSource.load(spec, files: [path]).data
        #expect(d.assets == ["SPY"])
        #expect(d.barCount == 2 && d.close == [308.6, 306.3] && d.open == [324.87, 321.16] && d.volume == [59_151_200, 77_709_700])
        spec.asset = "S&P"
        #expect(try BarSource.load(spec, files: [path]).data.assets == ["S&P"])
    }

    @Test("a banner is detected and skipped; skipLines overrides; a column without a role is named")
    func bannerAndRoles() throws {
        let path = try temporaryFile("x.csv", "https://www.CryptoDataDownload.com\ntimestamp,open,close,extra\n2020-01-01,1,2,9\n")
        var spec = BarSourceSpec()
        let e = sourceError { _ = try BarSource.load(spec, files: [path]) }
        #expect(e == .unknownColumn(file: path, line: 2, column: 4, name: "extra"))
        spec.ignore = ["ext*"]
        let r = try BarSource.load(spec, files: [path])
        #expect(r.report.files[0].skippedLines == 1 && r.report.files[0].bannerDetected)
        #expect(r.data.close == [2] && r.data.open == [1] && r.data.assets == ["x"])
        spec.skipLines = 0
        #expect(sourceError { _ = try BarSource.load(spec, files: [path]) } != nil)
        spec.columns.close = "Close Price"
        spec.skipLines = nil
        let missing = sourceError { _ = try BarSource.load(spec, files: [path]) }
        guard case .missingRole(_, 2, "close", "Close Price", _) = missing else { Issue.record("got \(String(describing: missing))"); return }
    }

    @Test("epoch numbers: seconds, .0 seconds, milliseconds, microseconds detected per value; a wrong explicit unit is refused")
    func epochUnits() throws {
        let path = try temporaryFile("e.csv", "timestamp,close\n1577923200,1\n1578009600.0,2\n1578096000000,3\n1578182400000000,4\n")
        let r = try BarSource.load(BarSourceSpec(), files: [path])
        #expect(r.data.timestamps == [1_577_923_200, 1_578_009_600, 1_578_096_000, 1_578_182_400])
        #expect(r.report.files[0].epochUnits == [2, 1, 1])
        let ms = try temporaryFile("m.csv", "timestamp,close\n1578096000000,3\n")
        var spec = BarSourceSpec()
        spec.timestampUnit = .seconds
        let e = sourceError { _ = try BarSource.load(spec, files: [ms]) }
        guard case let .timestampOutOfRange(_, 2, 1, _, year) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect((year ?? 0) > 9999)
        #expect(e?.description.contains("timestampUnit: milliseconds") == true)
    }

    @Test("12-hour clocks, separate date and time columns, day-first dates")
    func clocksAndDates() throws {
        let twelve = try temporaryFile("t.csv", "date,close\n2017-08-17 12-AM,1\n2017-08-17 04-AM,2\n2017-08-17 12-PM,3\n2017-08-17 04-PM,4\n")
        var spec = BarSourceSpec()
        spec.timestampFormat = "%Y-%m-%d %I-%p"
        let base = Timestamp.parse("2017-08-17T00:00:00Z") ?? 0
        #expect(try BarSource.load(spec, files: [twelve]).data.timestamps == [base, base + 4 * 3600, base + 12 * 3600, base + 16 * 3600])

        let compact = try temporaryFile("c.csv", "Date,close\n20200102,1\n")
        spec.timestampFormat = "%Y%m%d"
        #expect(try BarSource.load(spec, files: [compact]).data.timestamps == [Timestamp.parse("2020-01-02")].compactMap { $0 })

        let split = try temporaryFile("s.csv", "Day,Clock,close\n31/12/2020,23:00,1\n01/01/2021,01:30:00,2\n02/01/2021,2:15 PM,3\n")
        var s2 = BarSourceSpec()
        s2.columns.date = "Day"
        s2.columns.time = "Clock"
        let e = sourceError { _ = try BarSource.load(s2, files: [split]) }
        #expect(e == .ambiguousDate(file: split, line: 2, column: 1, value: "31/12/2020 23:00"))
        s2.dayFirst = true
        let d = try BarSource.load(s2, files: [split]).data
        #expect(d.timestamps == [Timestamp.parse("2020-12-31T23:00:00Z"), Timestamp.parse("2021-01-01T01:30:00Z"), Timestamp.parse("2021-01-02T14:15:00Z")].compactMap { $0 })
    }

    @Test("duplicates: refused naming both lines; keepFirst/keepLast on agreeing copies; disagreement names the field")
    func duplicates() throws {
        let path = try temporaryFile("d.csv", "timestamp,open,close\n2020-01-02,10,11\n2020-01-01,5,6\n2020-01-02,10.000001,11\n")
        var spec = BarSourceSpec()
        #expect(sourceError { _ = try BarSource.load(spec, files: [path]) } == .duplicateRow(asset: "d", time: "2020-01-02T00:00:00Z", first: "\(path):2", second: "\(path):4"))
        spec.duplicates.policy = .keepFirst
        let e = sourceError { _ = try BarSource.load(spec, files: [path]) }
        guard case .disagreeingCopies(_, _, _, _, "open", 10, 10.000001, 1e-9) = e else { Issue.record("got \(String(describing: e))"); return }
        spec.duplicates.tolerance = 1e-6
        let first = try BarSource.load(spec, files: [path])
        #expect(first.data.open == [5, 10] && first.report.duplicatesMerged == 1)
        spec.duplicates.policy = .keepLast
        #expect(try BarSource.load(spec, files: [path]).data.open == [5, 10.000001])
    }

    @Test("stamps: open moves bars to the close; an unstated convention is printed as assumed")
    func stamps() throws {
        let path = try temporaryFile("h.csv", "timestamp,close\n2020-01-01T02:00:00Z,3\n2020-01-01T01:00:00Z,2\n2020-01-01T00:00:00Z,1\n")
        let plain = try BarSource.load(BarSourceSpec(), files: [path])
        let t0 = Timestamp.parse("2020-01-01T00:00:00Z") ?? 0
        #expect(plain.data.timestamps == [t0, t0 + 3600, t0 + 7200] && plain.data.close == [1, 2, 3])
        #expect(plain.report.description.contains("bar close, kept (assumed: the spec does not say"))
        var spec = BarSourceSpec()
        spec.stamps = .open
        let shifted = try BarSource.load(spec, files: [path])
        #expect(shifted.data.timestamps == [t0 + 3600, t0 + 7200, t0 + 10_800])
        #expect(shifted.report.barLength == 3600 && !shifted.report.description.contains("assumed"))
    }

    @Test("panels from many files: union timeline, untradable outside each asset's range; case-only names refused")
    func panels() throws {
        let dir = try makeTemporaryDirectory()
        try "timestamp,close\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n".write(to: dir.appendingPathComponent("AAA.csv"), atomically: true, encoding: .utf8)
        try "timestamp,close\n2020-01-02,20\n2020-01-04,40\n".write(to: dir.appendingPathComponent("BBB.csv"), atomically: true, encoding: .utf8)
        let d = try BarSource.load(BarSourceSpec(), files: ["*.csv"], base: dir).data
        #expect(d.assets == ["AAA", "BBB"] && d.barCount == 4)
        #expect(d.tradable == [true, false, true, true, true, false, false, true])
        try "timestamp,close\n2020-01-05,50\n".write(to: dir.appendingPathComponent("bbb.csv"), atomically: true, encoding: .utf8)
        #expect(sourceError { _ = try BarSource.load(BarSourceSpec(), files: ["*.csv"], base: dir) } == .caseOnlyAssetNames("BBB", "bbb"))
        #expect(sourceError { _ = try BarSource.load(BarSourceSpec(), files: ["none*.csv"], base: dir) } == .noFiles(pattern: "none*.csv"))
        // Two files for one asset that disagree: an error naming both.
        let other = try makeTemporaryDirectory()
        try "timestamp,asset,close\n2020-01-01,X,1\n".write(to: other.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try "timestamp,asset,close\n2020-01-01,X,2\n".write(to: other.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        var spec = BarSourceSpec()
        spec.duplicates.policy = .keepFirst
        let e = sourceError { _ = try BarSource.load(spec, files: ["*.csv"], base: other) }
        guard case let .disagreeingCopies("X", _, first, second, "close", 1, 2, _) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(first.hasSuffix("a.csv:2") && second.hasSuffix("b.csv:2"))
    }
}
