import CheckpointFormat
import Foundation
import Gym
import MarketGym
import PolicyRuntime
import SeededRandom
import Testing
import TestSupport

/// A policy trained on an env with named prediction sources (h1, h2) carries the sources in its
/// feature names; snapshots carry the same sources, checked by name and order, and the runtime's
/// observation is the env's, bit for bit.
@Suite struct PredictionSourcesRuntimeTests {
    static let hour: Int64 = 3_600

    /// 200 hourly bars of 3 assets, an hourly and a 2h source (the 2h one made on resampled bars).
    static func env() throws -> (MarketEnv, MarketData, FeatureMatrix) {
        var rng = Xoshiro256(seed: 21)
        let assets = ["BTC", "ETH", "BNB"], T = 200, n = assets.count
        var close: [Double] = [], price: [Double] = [100, 50, 20]
        for _ in 0..<T {
            price = price.map { $0 * (1 + 0.02 * (rng.uniformDouble() - 0.5)) }
            close += price
        }
        let bars = try MarketData(assets: assets, timestamps: (1...T).map { 1_609_459_200 + Int64($0) * hour }, close: close)
        func table(_ b: MarketData, _ name: String) -> PredictionTable {
            var ts: [Int64] = [], idx: [Int32] = [], values: [Float] = []
            for t in 1..<b.barCount where t % 7 != 3 {  // some bars without a prediction
                for i in 0..<n {
                    ts.append(b.timestamps[t]); idx.append(Int32(i))
                    values.append(Float(log(b.close[t * n + i] / b.close[(t - 1) * n + i])))
                }
            }
            return PredictionTable(featureNames: ["pred"], assets: assets, timestamps: ts, assetIndex: idx, values: values, source: name)
        }
        let h2 = try bars.resampled(to: 2 * hour, base: hour).data
        let features = try PredictionSource.aligned([
            PredictionSource(name: "h1", table: table(bars, "h1.csv"), timeframe: hour),
            PredictionSource(name: "h2", table: table(h2, "h2.csv"), timeframe: 2 * hour, maxAge: 2 * hour),
        ], to: bars)
        var c = MarketEnvConfig()
        c.episode.split = "all"
        c.observation.window = 4
        c.observation.volatilityWindow = 8
        c.action.signalFeature = "h2.pred"
        return (try MarketEnv(data: bars, features: features, config: c), bars, features)
    }

    @Test func snapshotsCarryTheSourcesWithTheSameSchemaChecksAndTheEnvsObservation() throws {
        var (env, bars, features) = try Self.env()
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("policy.h5")
        try PolicyFixtures.writeCheckpoint(try PolicyFixtures.spec(env: env, network: .qValues, hidden: [8]), seed: 2, to: url)
        let policy = try Policy.load(contentsOf: url, options: Policy.Options(nonFinite: .asMissing))
        #expect(policy.featureNames == ["h1.pred", "h2.pred"])
        #expect(policy.spec.observationNames.contains("ETH.h2.pred"))
        let panel = env.panel, n = panel.assetCount, k = panel.featureCount
        func snapshot(at t: Int) -> PolicySnapshot {
            let rows = (t - policy.requiredHistory + 1)...t
            let closes = rows.map { r in (0..<n).map { bars.close[r * n + $0] } }
            // The daemon's predictions known at t, per source; missing as null (NaN).
            let predictions = (0..<n).map { i in (0..<k).map { q in Double(features.value(bar: t, asset: i, feature: q)) } }
            return PolicySnapshot(assets: panel.assets, features: policy.featureNames, closes: closes, predictions: predictions)
        }
        // Every bar, including bars where one source is missing and the other present.
        var partial = 0
        for start in 20..<199 {
            let obs = try env.reset(seed: 1, options: ResetOptions(values: ["start": Double(start)])).observation
            let t = env.bar
            let runtime = try policy.observation(for: snapshot(at: t))
            #expect(runtime == obs, "bar \(t)")
            for i in 0..<n where features.value(bar: t, asset: i, feature: 0).isNaN != features.value(bar: t, asset: i, feature: 1).isNaN { partial += 1 }
        }
        #expect(partial > 10)
        // Sources reordered or missing: refused with the usual named error.
        for (features, missing) in [(["h2.pred", "h1.pred"], [String]()), (["h1.pred"], ["h2.pred"])] {
            var s = snapshot(at: 50)
            s.features = features
            #expect {
                _ = try policy.targetWeights(for: s)
            } throws: { error in
                guard case let .featureMismatch(expected, found, m, _) = error as? PolicyRuntimeError else { return false }
                return expected == ["h1.pred", "h2.pred"] && found == features && m == missing
            }
        }
    }
}
