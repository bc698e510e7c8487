import Foundation
import Testing
@testable import MarketGym
import TestSupport

@Suite("Crypto calendars")
struct CryptoCalendarTests {
    /// Hours per year counted with Python over the raw files (unique close stamps, open + 1h):
    /// 2017: 3,279, 2018: 8,760, 2019: 8,760, 2020: 8,779 (leap year, 5 hours missing), 2021: 3,835.
    @Test("year-by-year walk-forward folds 2018-2021 on the bundled hourly data")
    func folds() throws {
        let timestamps = try BarSource.load(cryptoSpec(), base: cryptoFolder()).data.timestamps
        let perYear = [2017: 3279, 2018: 8760, 2019: 8760, 2020: 8779, 2021: 3835]
        // validYears 0: every fold trains on all earlier bars (2018 has no full year before it).
        let folds = try DataSplit.walkForward(timestamps: timestamps, testYears: 2018...2021, validYears: 0)
        var before = perYear[2017] ?? 0
        for fold in folds {
            #expect(fold.test.bars.count == perYear[fold.testYear])
            #expect(fold.train.bars == 0..<before && fold.valid.bars.isEmpty && fold.test.bars.lowerBound == before)
            #expect(Timestamp.year(of: timestamps[fold.test.bars.lowerBound]) == fold.testYear)
            before += perYear[fold.testYear] ?? 0
        }
        // validYears 1 works from 2019; 2018 says why it cannot (no bars before 2017).
        let later = try DataSplit.walkForward(timestamps: timestamps, testYears: 2019...2021, validYears: 1)
        #expect(later.map(\.valid.bars.count) == [8760, 8760, 8779])
        #expect(throws: SplitError.self) { _ = try DataSplit.walkForwardFold(testYear: 2018, validYears: 1, timestamps: timestamps) }
    }

    @Test("24/7 hourly bars: the real spacing is one hour, 8,760 bars in a full year")
    func spacing() throws {
        let d = try BarSource.load(cryptoSpec(), base: cryptoFolder()).data
        #expect(BarSource.mostCommonSpacing(d.timestamps, assets: [Int32](repeating: 0, count: d.barCount)) == 3600)
    }
}

@Suite("Bundled crypto files")
struct CryptoBundleTests {
    /// The SHA-256 published in Experiments/data/crypto-hourly/README.md: the raw files are untouched.
    @Test("the four raw files are present and unchanged")
    func hashes() throws {
        let expected = [
            "Binance_BTCUSDT_1h.csv.gz": "17580af37e3ca299ab4fc324b8316c3d902ac4c65148d3fbc3b25c78f10652bc",
            "Binance_ETHUSDT_1h.csv.gz": "578462155c58c1c7a41de63c0ff95adb35c97def197be2ad64ed4e7f0ee966fa",
            "Binance_ADAUSDT_1h.csv.gz": "4c5a521069269323c8fde98a69650593a44845aae2bea635ff91eb91d658da9a",
            "Binance_BNBUSDT_1h.csv.gz": "b9ac8517cd83e52604010150063244c07858f140139aa0dab23361adfbd7edb7",
        ]
        let script = "import hashlib, sys\nfor p in sys.argv[1:]: print(p.rsplit('/', 1)[-1], hashlib.sha256(open(p, 'rb').read()).hexdigest())"
        let result = try runPython(script: script, arguments: expected.keys.sorted().map { cryptoFolder().appendingPathComponent($0).path })
        #expect(result.status == 0, "\(result.stderr)")
        var found: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 { found[String(parts[0])] = String(parts[1]) }
        }
        #expect(found == expected)
    }
}
