import Foundation
import Testing
@testable import MarketGym
@testable import Predictors
import TestSupport

@Suite("Rank IC")
struct ICReportTests {
    @Test("Spearman matches known values (scipy.stats.spearmanr), ties averaged")
    func spearmanKnown() throws {
        #expect(isClose(try #require(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])), 0.8, relative: 1e-12))
        #expect(isClose(try #require(spearman([1, 2, 2, 3], [1, 2, 3, 4])), 0.9486832980505138, relative: 1e-12))
        #expect(isClose(try #require(spearman([10, 20, 30], [3, 2, 1])), -1, relative: 1e-12))
        #expect(spearman([1, 1, 1], [1, 2, 3]) == nil)
    }

    @Test("perfect foresight gives IC 1, its negation -1; per-year means and counts add up")
    func perfectForesight() throws {
        let t = 30, n = 5
        var close = [Double](repeating: 0, count: t * n)
        for b in 0..<t { for i in 0..<n { close[b * n + i] = 100 * (1 + 0.01 * Double((b * 7 + i * 13) % 11)) } }
        let ts = (0..<t).map { Int64(1_703_980_800) + Int64($0) * 86_400 }  // from 2023-12-31
        let bars = try MarketData(assets: ["A", "B", "C", "D", "E"], timestamps: ts, close: close)
        var stamps: [Int64] = [], assets: [Int32] = [], values: [Float] = []
        for b in 0..<(t - 1) {
            for i in 0..<n {
                stamps.append(ts[b]); assets.append(Int32(i))
                let r = Float(log(close[(b + 1) * n + i] / close[b * n + i]))
                values.append(contentsOf: [r, -r])
            }
        }
        let table = PredictionTable(featureNames: ["good", "bad"], assets: bars.assets, timestamps: stamps, assetIndex: assets, values: values)
        let report = ICReport(predictions: table, bars: bars, horizons: [1, 1])
        #expect(report.horizons[0].bars == t - 1)
        #expect(isClose(report.horizons[0].meanIC, 1, relative: 1e-12))
        #expect(isClose(report.horizons[1].meanIC, -1, relative: 1e-12))
        #expect(report.horizons[0].hitRate == 1)
        #expect(report.horizons[0].perYear.map(\.year) == [2023, 2024])
        #expect(report.horizons[0].perYear.map(\.bars) == [1, t - 2])
        #expect(report.description.contains("| 1 | good | 29 | 1.0000 |"))
    }
}
