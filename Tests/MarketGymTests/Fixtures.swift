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

    /// Reads one of the bundled gzipped wide CSVs (`Date,<asset>...`) with `gzip -dc`; a test-only reader.
    static func bundledCSV(_ name: String) throws -> (columns: [String], timestamps: [Int64], values: [Double]) {
        let url = repositoryRoot().appendingPathComponent("Experiments/data/\(name)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gzip", "-dc", url.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(whereSeparator: \.isNewline)
        guard !lines.isEmpty else { throw FixtureError.empty(name) }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var stamps: [Int64] = [], values: [Double] = []
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard let d = CivilDate(iso: String(f[0])) else { throw FixtureError.badDate(String(f[0])) }
            stamps.append(d.epochSeconds)
            for x in f.dropFirst() { values.append(Double(x) ?? .nan) }
        }
        return (Array(header.dropFirst()), stamps, values)
    }

    /// The bundled S&P data: 20 assets, the index as benchmark, `PriceSignals` as features.
    static func sp500() throws -> (MarketData, FeatureMatrix, [Double]) {
        let a = try bundledCSV("sp500-20-daily.csv.gz")
        let b = try bundledCSV("sp500-index-daily.csv.gz")
        guard a.timestamps == b.timestamps else { throw FixtureError.misaligned }
        let data = try MarketData(assets: a.columns, timestamps: a.timestamps, close: a.values)
        return (data, PriceSignals.features(data), b.values)
    }

    enum FixtureError: Error { case empty(String), badDate(String), misaligned }
}
