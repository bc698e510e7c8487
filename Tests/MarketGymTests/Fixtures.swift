import Foundation
import MarketGym
import SeededRandom
import TestSupport

/// Small in-memory markets for the env tests.
enum Fixtures {
    /// A synthetic market with `assets` assets and `bars` bars.
    static func synthetic(assets: Int = 6, bars: Int = 400, seed: UInt64 = 1, withOpens: Bool = false, levels: [Double] = [0, 0.1]) -> SyntheticMarket {
        var rng = Xoshiro256(seed: seed)
        var c = SyntheticMarket.Config()
        c.assets = assets
        c.bars = bars
        c.withOpens = withOpens
        c.snrLevels = levels
        return SyntheticMarket(config: c, rng: &rng)
    }

    /// A config whose splits cover a synthetic market's bars (it starts 2000-01-01, daily).
    static func config() -> MarketEnvConfig {
        var c = MarketEnvConfig()
        c.splits.train = DateRange(from: "2000-01-01", to: "2099-12-31")
        c.episode.split = "train"
        c.episode.horizon = 50
        c.observation.window = 5
        c.observation.volatilityWindow = 10
        c.constraints.betaWindow = 20
        return c
    }

    /// Punches holes (missing closes and prediction values) into a market, to exercise untradable assets.
    static func withHoles(_ m: SyntheticMarket, rng: inout Xoshiro256, fraction: Double = 0.05) throws -> (MarketData, FeatureMatrix) {
        var close = m.data.close
        var feats = m.features.values
        let k = m.features.featureCount
        for j in close.indices where rng.uniformDouble() < fraction { close[j] = .nan }
        for j in close.indices where rng.uniformDouble() < fraction { feats[j * k] = .nan }
        let data = try MarketData(assets: m.data.assets, timestamps: m.data.timestamps, close: close)
        return (data, FeatureMatrix(names: m.features.names, assets: m.features.assets, barCount: m.features.barCount, values: feats))
    }

    /// The bundled S&P data through the data module's loaders: 20 assets, the S&P 500 index as the
    /// benchmark, and the bundled walk-forward predictions (`pred_h1`, `pred_h5`, `pred_h20`).
    static func sp500() throws -> (MarketData, FeatureMatrix, [Double]) {
        let dir = repositoryRoot().appendingPathComponent("Experiments/data")
        let data = try MarketData.load(contentsOf: dir.appendingPathComponent("sp500-20-daily.csv.gz"))
        let index = try MarketData.load(contentsOf: dir.appendingPathComponent("sp500-index-daily.csv.gz"))
        guard index.timestamps == data.timestamps, index.assetCount == 1 else { throw FixtureError.misaligned }
        let table = try PredictionTable.load(contentsOf: dir.appendingPathComponent("sp500-20-daily.predictions.csv.gz"))
        return (data, try table.aligned(to: data), index.close)
    }

    enum FixtureError: Error { case misaligned }
}

extension Fixtures {
    /// A synthetic market's features with a second prediction source `pred2` = `pred` + `noise`·N(0, 1)
    /// (a noisier view of the same signal), appended as a third feature: [pred, snr, pred2].
    static func withSecondSource(_ features: FeatureMatrix, noise: Double = 1, seed: UInt64 = 77) -> FeatureMatrix {
        var rng = Xoshiro256(seed: seed)
        let k = features.featureCount
        var values: [Float] = []
        values.reserveCapacity(features.values.count / k * (k + 1))
        for r in 0..<(features.values.count / k) {
            let row = features.values[(r * k)..<((r + 1) * k)]
            values.append(contentsOf: row)
            values.append(row[row.startIndex] + Float(noise * rng.normal()))
        }
        return FeatureMatrix(names: features.names + ["pred2"], assets: features.assets, barCount: features.barCount, values: values)
    }
}
