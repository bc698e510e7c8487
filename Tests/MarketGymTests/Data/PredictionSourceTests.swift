import Foundation
@testable import MarketGym
import SeededRandom
import Testing

/// Several named prediction sources in one env (issue 12 item 6): each joined as of the bar on its
/// own, with its own maximum age, observed as `<asset>.<source>.<feature>`, stamps checked against
/// the source's timeframe, and no look-ahead through resampling, the joins or the observation.
@Suite struct PredictionSourceTests {
    static let hour: Int64 = 3_600
    /// 2021-01-01 00:00 UTC.
    static let day0: Int64 = 1_609_459_200

    /// Hourly random-walk bars for two assets, stamped at the close from 01:00 on.
    static func hourlyBars(hours: Int, seed: UInt64) throws -> MarketData {
        var rng = Xoshiro256(seed: seed)
        var price = [100.0, 50.0], close: [Double] = []
        for _ in 0..<hours {
            price = price.map { $0 * (1 + 0.01 * (rng.uniformDouble() - 0.5)) }
            close += price
        }
        return try MarketData(assets: ["BTC", "ETH"], timestamps: (1...hours).map { day0 + Int64($0) * hour }, close: close)
    }

    /// One prediction per asset per bar: the bar's log return (0 at the first bar), stamped at its
    /// close shifted by `shift` seconds (−step: at the interval's open).
    static func returnPredictions(_ bars: MarketData, shift: Int64 = 0, name: String) -> PredictionTable {
        let n = bars.assetCount
        var ts: [Int64] = [], idx: [Int32] = [], values: [Float] = []
        for t in 0..<bars.barCount {
            for i in 0..<n {
                ts.append(bars.timestamps[t] + shift)
                idx.append(Int32(i))
                values.append(Float(log(bars.close[t * n + i] / bars.close[max(t - 1, 0) * n + i])))
            }
        }
        return PredictionTable(featureNames: ["pred"], assets: bars.assets, timestamps: ts, assetIndex: idx, values: values, source: name)
    }

    /// Hourly bars → 2h and 4h bars (resampled) → return predictions stamped at each interval's
    /// close → two sources joined onto the hourly bars → every hourly observation.
    static func observations(_ bars: MarketData) throws -> [[Float]] {
        let h2 = try bars.resampled(to: 2 * hour, base: hour).data
        let h4 = try bars.resampled(to: 4 * hour, base: hour).data
        let features = try PredictionSource.aligned([
            PredictionSource(name: "h2", table: returnPredictions(h2, name: "h2.csv"), timeframe: 2 * hour, maxAge: 4 * hour),
            PredictionSource(name: "h4", table: returnPredictions(h4, name: "h4.csv"), timeframe: 4 * hour),
        ], to: bars)
        let panel = try MarketPanel(data: bars, features: features, benchmark: nil, volatilityWindow: 5)
        var config = ObservationConfig()
        config.window = 3
        let builder = try ObservationBuilder(panel: panel, config: config)
        let weights = [Double](repeating: 0, count: bars.assetCount)
        return (0..<bars.barCount).map { t in
            var out = [Float](repeating: .nan, count: builder.count)
            weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { builder.write(bar: t, weights: w, portfolio: PortfolioSnapshot(), into: $0) }
            }
            return out
        }
    }

    /// Property: perturbing the rest of a still-open 4h interval and the next 2h bar after hourly
    /// bar t0 changes nothing observed at any hourly bar up to t0, and does change later observations.
    @Test func perturbingAnOpenIntervalAndAFutureBarChangesNothingObservedBefore() throws {
        let bars = try Self.hourlyBars(hours: 96, seed: 7)
        let base = try Self.observations(bars)
        var rng = Xoshiro256(seed: 11)
        var checked = 0
        while checked < 12 {
            let t0 = 12 + Int(rng.next() % 72)
            // Bar t0 must sit inside a 4h interval that is still open at its close.
            guard bars.timestamps[t0] % (4 * Self.hour) != 0 else { continue }
            checked += 1
            var close = bars.close
            // The rest of the open 4h interval, then the whole next 2h interval.
            let fourClose = (bars.timestamps[t0] / (4 * Self.hour) + 1) * 4 * Self.hour
            let twoAfter = ((bars.timestamps[t0] - 1) / (2 * Self.hour) + 2) * 2 * Self.hour
            let last = max(fourClose, twoAfter)
            for t in (t0 + 1)..<bars.barCount where bars.timestamps[t] <= last {
                for i in 0..<bars.assetCount { close[t * bars.assetCount + i] *= 1 + 0.05 * (rng.uniformDouble() + 0.1) }
            }
            let perturbed = try MarketData(assets: bars.assets, timestamps: bars.timestamps, close: close)
            let obs = try Self.observations(perturbed)
            for t in 0...t0 {
                #expect(obs[t] == base[t], "hour \(t) changed when bars after hour \(t0) were perturbed")
            }
            #expect((t0 + 1..<bars.barCount).contains { obs[$0] != base[$0] }, "the perturbation after hour \(t0) is visible later")
        }
    }

    /// The names carry the source: `BTC.h2.pred`, `BTC.h4.pred`, in source order.
    @Test func observationNamesCarryTheSource() throws {
        let bars = try Self.hourlyBars(hours: 24, seed: 1)
        let h2 = try bars.resampled(to: 2 * Self.hour, base: Self.hour).data
        let m = try PredictionSource.aligned([
            PredictionSource(name: "h1", table: Self.returnPredictions(bars, name: "h1.csv"), timeframe: Self.hour),
            PredictionSource(name: "h2", table: Self.returnPredictions(h2, name: "h2.csv"), timeframe: 2 * Self.hour),
        ], to: bars)
        #expect(m.names == ["h1.pred", "h2.pred"])
        let names = ObservationBuilder.names(assets: bars.assets, features: m.names, window: 2)
        let preds = names.filter { $0.hasSuffix(".pred") }
        #expect(preds == ["BTC.h1.pred", "BTC.h2.pred", "ETH.h1.pred", "ETH.h2.pred"])
    }

    /// Each source is joined on its own: at an odd hour the 2h source shows its value from the
    /// previous even hour while the 1h source has a fresh one, and a record missing from the 1h
    /// source leaves the 1h cell at its previous value without touching the 2h cell. Each source's
    /// own maximum age applies to it alone.
    @Test func eachSourceJoinsOnItsOwnWithItsOwnMaximumAge() throws {
        let bars = try Self.hourlyBars(hours: 24, seed: 2)
        let h2 = try bars.resampled(to: 2 * Self.hour, base: Self.hour).data
        let t1 = Self.returnPredictions(bars, name: "h1.csv")
        let t2 = Self.returnPredictions(h2, name: "h2.csv")
        // Drop the 1h records of hour 9 (both assets).
        let keep = t1.timestamps.indices.filter { t1.timestamps[$0] != bars.timestamps[9] }
        let gappy = PredictionTable(featureNames: ["pred"], assets: t1.assets, timestamps: keep.map { t1.timestamps[$0] },
                                    assetIndex: keep.map { t1.assetIndex[$0] }, values: keep.map { t1.values[$0] }, source: "h1.csv")
        for (maxAge2, expectStale) in [(Int64?.none, true), (Self.hour / 2, false)] {
            let m = try PredictionSource.aligned([
                PredictionSource(name: "h1", table: gappy, timeframe: Self.hour),
                PredictionSource(name: "h2", table: t2, timeframe: 2 * Self.hour, maxAge: maxAge2),
            ], to: bars)
            for t in 3..<bars.barCount {
                let stamp = bars.timestamps[t]
                let even = stamp % (2 * Self.hour) == 0
                // The 2h record known at t: the one stamped at t (even hour) or an hour before.
                let r2 = t2.timestamps.lastIndex { $0 <= stamp }.map { $0 - 1 } ?? 0  // the BTC record (assets sorted BTC, ETH)
                let want2: Float = (even || expectStale) ? t2.values[r2] : .nan
                let got2 = m.value(bar: t, asset: 0, feature: 1)
                #expect(got2 == want2 || (got2.isNaN && want2.isNaN), "h2 at hour \(t)")
                let r1 = gappy.timestamps.lastIndex { $0 <= stamp }.map { $0 - 1 } ?? 0
                #expect(m.value(bar: t, asset: 0, feature: 0) == gappy.values[r1], "h1 at hour \(t)")
            }
            // Hour 9 shows hour 8's 1h value, and the 2h value is unaffected by the 1h gap.
            #expect(m.value(bar: 9, asset: 0, feature: 0) == m.value(bar: 8, asset: 0, feature: 0))
            #expect(m.value(bar: 9, asset: 0, feature: 1).isFinite)
        }
    }

    /// A 2h prediction stamped at its interval's open is refused, naming the cause and the fix;
    /// declared as `stamps: .open`, the same file joins exactly like the close-stamped one.
    @Test func predictionsStampedAtTheIntervalOpenAreRefused() throws {
        let bars = try Self.hourlyBars(hours: 48, seed: 3)
        let h2 = try bars.resampled(to: 2 * Self.hour, base: Self.hour).data
        let atOpen = Self.returnPredictions(h2, shift: -2 * Self.hour, name: "preds-2h.csv")
        #expect {
            _ = try PredictionSource.aligned([PredictionSource(name: "h2", table: atOpen, timeframe: 2 * Self.hour)], to: bars)
        } throws: { error in
            guard case let .stampedBeforeClose(source, file, _, stamp, firstClose, _) = error as? PredictionSourceError else { return false }
            let text = "\(error)"
            return source == "h2" && file == "preds-2h.csv" && stamp < firstClose
                && text.contains("before the first 2h interval of the bars closes") && text.contains("stamps: open")
        }
        let declared = try PredictionSource.aligned([PredictionSource(name: "h2", table: atOpen, timeframe: 2 * Self.hour, stamps: .open)], to: bars)
        let atClose = try PredictionSource.aligned([PredictionSource(name: "h2", table: Self.returnPredictions(h2, name: "c"), timeframe: 2 * Self.hour)], to: bars)
        #expect(declared.values.count == atClose.values.count)
        #expect(zip(declared.values, atClose.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    /// A 2h prediction stamped between two 2h closes (at an odd hour) is refused.
    @Test func predictionsOffTheTimeframeGridAreRefused() throws {
        let bars = try Self.hourlyBars(hours: 24, seed: 4)
        let h2 = try bars.resampled(to: 2 * Self.hour, base: Self.hour).data
        let odd = Self.returnPredictions(h2, shift: Self.hour, name: "odd.csv")
        #expect(throws: PredictionSourceError.offGrid(source: "h2", file: "odd.csv", asset: "BTC", stamp: h2.timestamps[0] + Self.hour, timeframe: 2 * Self.hour)) {
            _ = try PredictionSource.aligned([PredictionSource(name: "h2", table: odd, timeframe: 2 * Self.hour)], to: bars)
        }
        let t = Self.returnPredictions(bars, name: "a")
        #expect(throws: PredictionSourceError.duplicateName("h1")) {
            _ = try PredictionSource.aligned([PredictionSource(name: "h1", table: t), PredictionSource(name: "h1", table: t)], to: bars)
        }
        #expect(throws: PredictionSourceError.badName("h 1")) {
            _ = try PredictionSource.aligned([PredictionSource(name: "h 1", table: t)], to: bars)
        }
    }
}
