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

@Suite struct BaselineTests {
    /// The standard baselines on the bundled S&P data and predictions, for each split.
    @Test func baselineTableOnBundledData() throws {
        let (data, feats, bench) = try Fixtures.sp500()
        #expect(data.assetCount == 20 && data.barCount == 8313 && feats.names == ["pred_h1", "pred_h5", "pred_h20"])
        var c = MarketEnvConfig()
        c.action.signalFeature = "pred_h5"
        let panel = try MarketPanel(data: data, features: feats, benchmark: bench, signalFeature: "pred_h5")
        let rows = try Baseline.table(panel: panel, config: c)
        #expect(rows.count == 9)
        for r in rows {
            let m = r.metrics
            #expect(m.steps > 900, "\(r.baseline) \(r.split): \(m.steps) steps")
            #expect(m.periodsPerYear > 245 && m.periodsPerYear < 260)
            #expect([m.sharpe, m.sortino, m.annualizedReturn, m.maxDrawdown, m.calmar, m.annualTurnover].allSatisfy { $0.isFinite })
            #expect(m.benchmarkBeta != nil && !m.perYear.isEmpty)
            if r.baseline == "flat" { #expect(m.totalReturn == 0 && m.annualTurnover == 0 && m.averageGross == 0) }
            // Predictions start in late 1992, so the train split trades at gross 1 only after that.
            if r.baseline.hasPrefix("fixed") && r.split != "train" { #expect(m.averageGross > 0.95 && m.averageGross <= 1.0 + 1e-9 && m.annualCostDrag > 0) }
        }
        #expect(rows.first { $0.split == "train" }?.metrics.perYear.first?.year == 1990)
        if ProcessInfo.processInfo.environment["MARKETGYM_PRINT_TABLES"] == "1" { print(Baseline.markdown(rows)) }
    }
}
