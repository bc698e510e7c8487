import Foundation
import Testing
import MarketGym
import SeededRandom
import TestSupport

@Suite struct SyntheticMarketTests {
    /// The analytic optimum (gross ∝ SNR) beats a fixed gross on Sharpe by about √E[s²]/E[s].
    @Test func snrProportionalSizingBeatsFixedGrossAsPredicted() throws {
        let m = Fixtures.synthetic(assets: 20, bars: 12_000, seed: 17, levels: [0, 0.06])
        var c = Fixtures.config()
        c.costs.feeBps = 0
        c.costs.slippageBps = 0
        c.costs.borrowAnnualBps = 0
        c.constraints.maxWeight = 1
        c.action.confidenceFeature = "snr"
        let panel = try MarketPanel(data: m.data, features: m.features, benchmark: m.benchmark, volatilityWindow: 10, betaWindow: 20,
                                    confidenceFeature: "snr")
        let fixed = BacktestMetrics(try Baseline.fixedGross(1).backtest(panel: panel, config: c, split: "train"))
        let optimal = BacktestMetrics(try Baseline.confidenceProportional(baseGross: 1).backtest(panel: panel, config: c, split: "train"))
        let analytic = m.analyticSharpeRatio(bars: 10..<11_999)
        #expect(analytic > 1.3)
        #expect(optimal.sharpe > fixed.sharpe)
        let ratio = optimal.sharpe / fixed.sharpe
        #expect(abs(ratio / analytic - 1) < 0.1, "Sharpe ratio \(ratio) vs analytic \(analytic) (fixed \(fixed.sharpe), optimal \(optimal.sharpe))")
        #expect(isClose(fixed.averageGross, 1, relative: 0.01))
    }

    @Test func walkForwardBaselinesCoverEachTestYear() throws {
        let m = Fixtures.synthetic(assets: 6, bars: 1500, seed: 3)
        var c = Fixtures.config()
        c.action.confidenceFeature = "snr"
        let panel = try MarketPanel(data: m.data, features: m.features, benchmark: m.benchmark, volatilityWindow: 10, betaWindow: 20, confidenceFeature: "snr")
        let rows = try Baseline.walkForwardTable(panel: panel, config: c, testYears: 2002...2003)
        #expect(rows.count == 6 && Set(rows.map(\.split)) == ["test 2002", "test 2003"])
        for r in rows { #expect(r.metrics.perYear.map(\.year).allSatisfy { $0 == Int(r.split.suffix(4)) }) }
        #expect(throws: MarketEnvError.self) { _ = try Baseline.walkForwardTable(panel: panel, config: c, testYears: 2000...2000) }
    }

    @Test func sameSeedSameMarket() {
        let a = Fixtures.synthetic(seed: 5), b = Fixtures.synthetic(seed: 5), c = Fixtures.synthetic(seed: 6)
        #expect(a.data == b.data && a.features == b.features && a.benchmark == b.benchmark)
        #expect(a.data != c.data)
    }
}
