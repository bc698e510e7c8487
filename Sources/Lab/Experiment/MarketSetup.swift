import Foundation
import Predictors

/// Everything a market experiment needs, loaded once and shared by every environment copy:
/// the prepared panel (bars, as-of aligned predictions, benchmark) and the env configuration.
public struct MarketSetup: Sendable {
    public let panel: MarketPanel
    public let config: MarketEnvConfig
    /// Bars as loaded (for reports: dates, asset names).
    public let data: MarketData
    /// Where the data came from (for provenance and the policy spec).
    public let provenance: [String: String]

    /// A fresh environment over the shared panel.
    public func makeEnvironment(seed: UInt64, config override: MarketEnvConfig? = nil) throws(LabError) -> MarketEnv {
        do { return try MarketEnv(panel: panel, config: override ?? config, seed: seed) } catch {
            throw .badRun(path: "environment", detail: error.description)
        }
    }

    /// Loads the data an environment spec names (market or synthetic kind).
    /// - Parameter root: the project root that relative paths resolve against.
    /// - Throws: `LabError` naming the file and the problem.
    public static func load(_ spec: EnvironmentSpec, root: URL, log: (String) -> Void = { _ in }) throws(LabError) -> MarketSetup {
        let data: MarketData
        let features: FeatureMatrix
        let benchmark: [Double]?
        var provenance: [String: String] = [:]
        switch spec.kind {
        case .cartpole:
            throw .badRun(path: "environment.kind", detail: "cartpole has no market data")
        case .synthetic:
            var rng = Xoshiro256(seed: spec.synthetic.dataSeed)
            let market = SyntheticMarket(config: spec.synthetic.generatorConfig, rng: &rng)
            data = market.data
            features = market.features
            benchmark = market.benchmark
            provenance["data"] = "synthetic (dataSeed \(spec.synthetic.dataSeed))"
        case .market:
            let barsURL = resolve(spec.data.bars, root: root)
            do { data = try MarketData.load(contentsOf: barsURL) } catch { throw .io(path: barsURL.path, detail: error.description) }
            provenance["bars"] = spec.data.bars
            if spec.data.benchmark.isEmpty {
                benchmark = nil
            } else {
                let url = resolve(spec.data.benchmark, root: root)
                let b: MarketData
                do { b = try MarketData.load(contentsOf: url) } catch { throw .io(path: url.path, detail: error.description) }
                benchmark = try align(benchmark: b, to: data, file: url.path)
                provenance["benchmark"] = spec.data.benchmark
            }
            let predictionsURL = try predictionsFile(spec.data, bars: barsURL, root: root, log: log)
            let table: PredictionTable
            do { table = try PredictionTable.load(contentsOf: predictionsURL) } catch { throw .io(path: predictionsURL.path, detail: error.description) }
            let maxAge = spec.data.maxPredictionAgeDays > 0 ? Int64(spec.data.maxPredictionAgeDays * 86_400) : nil
            do { features = try table.aligned(to: data, maxAge: maxAge) } catch { throw .io(path: predictionsURL.path, detail: error.description) }
            provenance["predictions"] = predictionsURL.path.hasPrefix(root.path) ? String(predictionsURL.path.dropFirst(root.path.count + 1)) : predictionsURL.path
        }
        let c = spec.market
        let panel: MarketPanel
        do {
            panel = try MarketPanel(data: data, features: features, benchmark: benchmark, universe: c.universe,
                                    volatilityWindow: c.observation.volatilityWindow, betaWindow: c.constraints.betaWindow,
                                    signalFeature: c.action.signalFeature, confidenceFeature: c.action.confidenceFeature)
        } catch {
            throw .badRun(path: "environment", detail: error.description)
        }
        return MarketSetup(panel: panel, config: c, data: data, provenance: provenance)
    }

    /// A relative path against the project root; absolute paths and `~` as given.
    static func resolve(_ path: String, root: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : root.appendingPathComponent(expanded)
    }

    /// The benchmark's closes on the bars' timestamps (as of: the latest benchmark close at or before each bar).
    static func align(benchmark b: MarketData, to data: MarketData, file: String) throws(LabError) -> [Double] {
        guard b.assetCount >= 1 else { throw .io(path: file, detail: "the benchmark file has no price column") }
        var out = [Double](repeating: .nan, count: data.barCount)
        var j = 0
        for (t, ts) in data.timestamps.enumerated() {
            while j + 1 < b.barCount && b.timestamps[j + 1] <= ts { j += 1 }
            if b.timestamps[j] <= ts { out[t] = b.close[j * b.assetCount] }
        }
        return out
    }

    /// The predictions file: as named, or the builtin one next to the bars (built on first use).
    static func predictionsFile(_ spec: MarketDataSpec, bars: URL, root: URL, log: (String) -> Void) throws(LabError) -> URL {
        guard spec.predictions == "builtin" else { return resolve(spec.predictions, root: root) }
        var stem = bars.lastPathComponent
        for suffix in [".csv.gz", ".csv", ".h5"] where stem.hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)); break }
        let url = bars.deletingLastPathComponent().appendingPathComponent("\(stem).predictions.csv.gz")
        if FileManager.default.fileExists(atPath: url.path) {
            // Issue 13: a cache built from other bars must not be reused; its provenance records the input hash.
            guard let stale = PredictionBuilder.staleness(ofCached: url, bars: bars) else { return url }
            log("rebuilding \(url.lastPathComponent): \(stale)")
        } else {
            log("building walk-forward ridge predictions for \(bars.lastPathComponent) (cached in \(url.lastPathComponent))")
        }
        do { _ = try PredictionBuilder.build(bars: bars, output: url) } catch { throw .io(path: url.path, detail: error.description) }
        return url
    }
}
