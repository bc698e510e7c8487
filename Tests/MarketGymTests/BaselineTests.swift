import Foundation
import Testing
import MarketGym
import TestSupport

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
