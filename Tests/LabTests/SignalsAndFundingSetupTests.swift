import Foundation
import MarketGym
import Testing
import TestSupport
@testable import Lab

/// `env.action.signals` over named sources and `env.costs.fundingSeries` through the preset decoder,
/// `MarketSetup.load` (the funding path resolved like the data paths) and the lab's baselines.
@Suite struct SignalsAndFundingSetupTests {
    static let sources = "[{name: h1, predictions: p1.csv, timeframe: 1h}, {name: h2, predictions: p2.csv, timeframe: 2h}]"

    static func preset(_ dir: URL, extra: String) throws -> EnvironmentSpec {
        try PredictionSourcesSetupTests.preset(dir, sources: sources, extra: extra)
    }

    @Test func aFundingSeriesIsLoadedRelativeToTheRootAndAlignedToTheBars() throws {
        let dir = try PredictionSourcesSetupTests.files()
        // BTC pays 10 bp at 08:00 on the first day; ETH receives 10 bp (a negative rate).
        try "timestamp,asset,rate\n2021-01-01T08:00:00Z,BTC,0.001\n2021-01-01T08:00:00Z,ETH,-0.001\n"
            .write(to: dir.appendingPathComponent("funding.csv"), atomically: true, encoding: .utf8)
        let spec = try Self.preset(dir, extra: "costs: {fundingSeries: funding.csv, feeBps: 0, slippageBps: 0, borrowAnnualBps: 0}")
        #expect(spec.market.costs.fundingSeries == "funding.csv")
        let setup = try MarketSetup.load(spec, root: dir)
        #expect(setup.provenance["funding"] == "funding.csv")
        let rates = try #require(setup.panel.fundingRates)
        // Bars start at 01:00 (hour 1): the 08:00 bar is bar 7, its row holds the event.
        let n = setup.panel.assetCount
        #expect(rates[7 * n] == 0.001 && rates[7 * n + 1] == -0.001)
        #expect(rates.filter { $0 != 0 }.count == 2)
        let inputs = try RunInputs.capture(spec, root: dir)
        #expect(inputs.files["funding"] != nil)
        // A missing file names its path.
        let missing = try Self.preset(dir, extra: "costs: {fundingSeries: nowhere.csv}")
        #expect(throws: LabError.self) { _ = try MarketSetup.load(missing, root: dir) }
    }

    @Test func combinedSignalsAndTheirBaselinesRunThroughTheLab() throws {
        let dir = try PredictionSourcesSetupTests.files()
        let spec = try Self.preset(dir, extra: "action: {signals: [{feature: h1.pred, weight: 1}, {feature: h2.pred, weight: 0.5}], combine: agreement}")
        #expect(spec.market.action.signals == [SignalWeight(feature: "h1.pred", weight: 1), SignalWeight(feature: "h2.pred", weight: 0.5)])
        #expect(spec.market.action.combine == .agreement)
        let setup = try MarketSetup.load(spec, root: dir)
        _ = try setup.makeEnvironment(seed: 0)
        for name in ["combined", "agreement", "fixedGross"] {
            let e = try MarketEvaluator.baseline(name, gross: 1, setup: setup, split: "all")
            #expect(e.record.count > 30, "\(name)")
        }
        // The two sources agree in sign on every bar of these files (h1 and h2 both rank BTC over
        // ETH): the agreement book is the combined book, bit for bit on the returns.
        let combined = try MarketEvaluator.baseline("combined", gross: 1, setup: setup, split: "all")
        let agreement = try MarketEvaluator.baseline("agreement", gross: 1, setup: setup, split: "all")
        #expect(combined.record.grossReturns.count == agreement.record.grossReturns.count)
        #expect(zip(combined.record.grossReturns, agreement.record.grossReturns).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(throws: LabError.self) { _ = try MarketEvaluator.baseline("blend", gross: 1, setup: setup, split: "all") }
    }
}
