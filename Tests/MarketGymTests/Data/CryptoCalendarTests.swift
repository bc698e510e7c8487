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

    @Test("24/7 hourly bars: one-hour spacing; a 2019 backtest annualizes with 8,766 steps a year (8,760 hours over 365.25-day years)")
    func spacing() throws {
        let d = try BarSource.load(cryptoSpec(), base: cryptoFolder()).data
        #expect(BarSource.mostCommonSpacing(d.timestamps, assets: [Int32](repeating: 0, count: d.barCount)) == 3600)
        let fold = try DataSplit.walkForwardFold(testYear: 2019, validYears: 1, timestamps: d.timestamps)
        var record = BacktestRecord()
        record.startTimestamp = d.timestamps[fold.test.bars.lowerBound - 1]
        record.timestamps = Array(d.timestamps[fold.test.bars])
        let zeros = [Double](repeating: 0, count: record.timestamps.count)
        (record.netReturns, record.grossReturns, record.costs, record.turnover, record.gross, record.net) = (zeros, zeros, zeros, zeros, zeros, zeros)
        let m = BacktestMetrics(record)
        #expect(m.steps == 8760)
        #expect(abs(m.periodsPerYear - 8766) < 1e-6)
    }
}

