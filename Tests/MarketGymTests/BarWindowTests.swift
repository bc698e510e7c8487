@testable import MarketGym
import SeededRandom
import Testing
import TestSupport

/// `BarWindow`, `BarObservation` and `ActionScheme.rawBook(_:window:into:)` (the trading daemon's
/// per-bar path) equal `MarketPanel`, `ObservationBuilder` and `rawBook(_:panel:bar:into:)` built
/// from the same bars, bit for bit, missing values included.
@Suite struct BarWindowTests {
    /// Bars `t−rows+1 ... t` of a market as their own panel (what the runtime used to build per call).
    static func panel(_ data: MarketData, _ features: FeatureMatrix, benchmark: [Double]?, endingAt t: Int, rows: Int,
                      config c: MarketEnvConfig) throws -> MarketPanel {
        let n = data.assetCount, k = features.featureCount, first = t - rows + 1
        let sub = try MarketData(assets: data.assets, timestamps: Array(data.timestamps[first...t]), close: Array(data.close[(first * n)..<((t + 1) * n)]))
        var values: [Float] = []
        for s in first...t { for i in 0..<n { for q in 0..<k { values.append(features.value(bar: s, asset: i, feature: q)) } } }
        return try MarketPanel(data: sub, features: FeatureMatrix(names: features.names, assets: features.assets, barCount: rows, values: values),
                               benchmark: benchmark.map { Array($0[first...t]) }, volatilityWindow: c.observation.volatilityWindow,
                               betaWindow: c.constraints.betaWindow, signalFeature: c.action.signalFeature, confidenceFeature: c.action.confidenceFeature)
    }

    @Test(arguments: [(11, false), (21, true), (30, true)])
    func windowEqualsAPanelOverTheSameBars(rows: Int, betaNeutral: Bool) throws {
        var rng = Xoshiro256(seed: 77)
        let m = Fixtures.synthetic(assets: 6, bars: 120, seed: 5)
        let (data, features) = try Fixtures.withHoles(m, rng: &rng, fraction: 0.08)
        var bench = m.benchmark
        for j in bench.indices where rng.uniformDouble() < 0.05 { bench[j] = .nan }
        var c = Fixtures.config()
        c.constraints.betaNeutral = betaNeutral
        c.action.signalFeature = features.names.last ?? ""
        let n = data.assetCount, k = features.featureCount
        let window = try BarWindow(assets: n, featureNames: features.names, rows: rows, volatilityWindow: c.observation.volatilityWindow,
                                   betaWindow: c.constraints.betaWindow, benchmark: betaNeutral, signalFeature: c.action.signalFeature)
        let writer = try BarObservation(config: c.observation, assets: n, features: k)
        let sizing = try ActionScheme(c.action, maxWeight: c.constraints.maxWeight, assetCount: n, featureNames: features.names)
        var perAssetConfig = c.action
        perAssetConfig.scheme = .perAsset
        let perAsset = try ActionScheme(perAssetConfig, maxWeight: c.constraints.maxWeight, assetCount: n, featureNames: features.names)
        var checked = 0
        for t in stride(from: rows - 1, to: data.barCount, by: 3) {
            let panel = try Self.panel(data, features, benchmark: betaNeutral ? bench : nil, endingAt: t, rows: rows, config: c)
            let last = rows - 1
            let closes = Array(data.close[((t - last) * n)..<((t + 1) * n)])
            let preds = (0..<(n * k)).map { features.value(bar: t, asset: $0 / k, feature: $0 % k) }
            let b = Array(bench[(t - last)...t])
            closes.withUnsafeBufferPointer { cp in
                preds.withUnsafeBufferPointer { pp in
                    b.withUnsafeBufferPointer { bp in window.update(closes: cp, benchmark: betaNeutral ? bp : nil, features: pp) }
                }
            }
            for i in 0..<n {
                let j = last * n + i
                #expect(Array(window.logReturns(asset: i)) == Array(panel.logReturnsByAsset[(i * rows)..<((i + 1) * rows)]), "bar \(t) asset \(i) log returns")
                #expect(window.tradable[i] == panel.tradable[j])
                #expect(window.volatility[i].bitPattern == panel.volatility[j].bitPattern, "bar \(t) asset \(i) vol \(window.volatility[i]) vs \(panel.volatility[j])")
                #expect(window.beta[i].bitPattern == panel.beta[j].bitPattern, "bar \(t) asset \(i) beta \(window.beta[i]) vs \(panel.beta[j])")
                #expect(window.featuresPresent[i] == panel.featuresPresent[j])
            }
            #expect(Array(window.features) == Array(panel.features[(last * n * k)..<(rows * n * k)]))
            #expect(window.signalIndex == panel.signalIndex)

            // The observation, with a held book and portfolio numbers that need clipping.
            let held = (0..<n).map { _ in 0.4 * (rng.uniformDouble() - 0.5) }
            let portfolio = PortfolioSnapshot(gross: 1.2, net: 0.01, drawdown: 0.2, time: 0.5, lastReturn: 3)
            let builder = try ObservationBuilder(panel: panel, config: c.observation)
            var expected = [Float](repeating: .nan, count: builder.count), got = [Float](repeating: .nan, count: writer.count)
            held.withUnsafeBufferPointer { w in
                expected.withUnsafeMutableBufferPointer { builder.write(bar: last, weights: w, portfolio: portfolio, into: $0) }
                got.withUnsafeMutableBufferPointer { writer.write(window, weights: w, portfolio: portfolio, into: $0) }
            }
            #expect(got.map(\.bitPattern) == expected.map(\.bitPattern), "bar \(t) observation")

            // Raw books: sizing (prediction book) at every level, and a per-asset action.
            for (scheme, action) in [(sizing, Action.discrete(2)), (sizing, .discrete(0)), (perAsset, .multiDiscrete((0..<n).map { $0 % 3 }))] {
                var a = [Double](repeating: .nan, count: n), e = [Double](repeating: .nan, count: n)
                try a.withUnsafeMutableBufferPointer { (p) throws(EnvironmentError) in try scheme.rawBook(action, window: window, into: p) }
                try e.withUnsafeMutableBufferPointer { (p) throws(EnvironmentError) in try scheme.rawBook(action, panel: panel, bar: last, into: p) }
                #expect(a.map(\.bitPattern) == e.map(\.bitPattern), "bar \(t) \(action)")
            }
            checked += 1
        }
        #expect(checked > 20)
    }

    /// A window fed consecutive bars (reusing the shifted log returns) equals a fresh window every bar;
    /// so does one fed a jump or a changed history.
    @Test func consecutiveBarsReuseTheShiftedReturnsExactly() throws {
        var rng = Xoshiro256(seed: 78)
        let m = Fixtures.synthetic(assets: 5, bars: 150, seed: 6)
        let (data, features) = try Fixtures.withHoles(m, rng: &rng, fraction: 0.1)
        let n = data.assetCount, k = features.featureCount, rows = 12
        func window() throws -> BarWindow {
            try BarWindow(assets: n, featureNames: features.names, rows: rows, volatilityWindow: 10, betaWindow: 8, benchmark: true)
        }
        let streamed = try window()
        var t = rows - 1, bars = 0
        while t < data.barCount {
            var closes = Array(data.close[((t - rows + 1) * n)..<((t + 1) * n)])
            if bars % 13 == 7 { closes[n + 1] *= 1.001 }  // a revised history: no reuse
            let preds = (0..<(n * k)).map { features.value(bar: t, asset: $0 / k, feature: $0 % k) }
            let bench = Array(m.benchmark[(t - rows + 1)...t])
            let fresh = try window()
            for w in [streamed, fresh] {
                closes.withUnsafeBufferPointer { c in preds.withUnsafeBufferPointer { p in bench.withUnsafeBufferPointer { w.update(closes: c, benchmark: $0, features: p) } } }
            }
            for i in 0..<n {
                #expect(streamed.logReturns(asset: i).map(\.bitPattern) == fresh.logReturns(asset: i).map(\.bitPattern), "bar \(t) asset \(i)")
            }
            #expect(streamed.volatility.map(\.bitPattern) == fresh.volatility.map(\.bitPattern), "bar \(t)")
            #expect(streamed.beta.map(\.bitPattern) == fresh.beta.map(\.bitPattern), "bar \(t)")
            #expect(Array(streamed.tradable) == Array(fresh.tradable), "bar \(t)")
            t += bars % 10 == 9 ? 3 : 1  // now and then a jump
            bars += 1
        }
        #expect(bars > 100)
        // Most updates took the shifted path (not after a jump or a revised history).
        #expect(streamed.reusedUpdates > bars * 3 / 4 && streamed.reusedUpdates < bars - 10, "\(streamed.reusedUpdates) of \(bars)")
    }

    @Test func rejectsUnknownSignalFeatureAndShortWindows() {
        #expect(throws: MarketEnvError.self) { try BarWindow(assets: 3, featureNames: ["a"], rows: 5, volatilityWindow: 3, betaWindow: 3, signalFeature: "b") }
        #expect(throws: MarketEnvError.self) { try BarWindow(assets: 3, featureNames: ["a"], rows: 1, volatilityWindow: 3, betaWindow: 3) }
        #expect(throws: MarketEnvError.self) { try BarWindow(assets: 3, featureNames: ["a"], rows: 5, volatilityWindow: 1, betaWindow: 3) }
        #expect(throws: MarketEnvError.self) { try BarWindow(assets: 3, featureNames: [], rows: 5, volatilityWindow: 3, betaWindow: 3) }
    }
}
