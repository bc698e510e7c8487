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
            let bars = try loadBars(spec.data, root: root, log: log)
            data = bars.data
            provenance["bars"] = spec.data.bars
            if spec.data.benchmark.isEmpty {
                benchmark = nil
            } else {
                let url = resolve(spec.data.benchmark, root: root)
                let b: MarketData
                do { b = try MarketData.load(contentsOf: url) } catch { throw .io(path: url.path, detail: error.description) }
                benchmark = try align(benchmark: b, to: data, file: url.path)
                if spec.market.constraints.betaNeutral { try requireCoverage(benchmark: b, of: data, file: url.path) }
                provenance["benchmark"] = spec.data.benchmark
            }
            if spec.market.constraints.betaNeutral && benchmark == nil {
                throw .badRun(path: "env.constraints.betaNeutral", detail: "beta-neutral books need a benchmark, and env.data.benchmark is empty. Set env.data.benchmark to an index file covering the bars, or turn betaNeutral off")
            }
            features = try loadFeatures(spec.data, bars: bars, root: root, provenance: &provenance, log: log)
        }
        let c = spec.market
        // A funding-rate file (`env.costs.fundingSeries`), resolved like the data paths.
        var funding: FundingRates?
        if !c.costs.fundingSeries.isEmpty {
            let url = resolve(c.costs.fundingSeries, root: root)
            do { funding = try FundingRates.load(contentsOf: url) } catch { throw .io(path: url.path, detail: error.description) }
            provenance["funding"] = c.costs.fundingSeries
        }
        let panel: MarketPanel
        do {
            panel = try MarketPanel(data: data, features: features, benchmark: benchmark, universe: c.universe,
                                    volatilityWindow: c.observation.volatilityWindow, betaWindow: c.constraints.betaWindow,
                                    signalFeature: c.action.signalFeature, confidenceFeature: c.action.confidenceFeature, funding: funding)
        } catch {
            throw .badRun(path: "environment", detail: error.description)
        }
        return MarketSetup(panel: panel, config: c, data: data, provenance: provenance)
    }

    /// Per-asset observation elements the environment writes itself (`<asset>.vol`, ...; see
    /// `ObservationBuilder`, sections 1 and 3-4). A prediction feature of the same name would give
    /// two observation elements one name, which `act` cannot map back (issue 13). A test checks this
    /// list against the names a real `ObservationBuilder` produces.
    public static let reservedFeatureNames = ["vol", "tradable", "pred_ok", "weight"]
    /// Prefix of the return-window elements (`<asset>.logret[t-0]`, ...).
    public static let reservedFeaturePrefix = "logret["

    /// Refuses a prediction feature named like a built-in observation element.
    static func refuseReservedFeatureNames(_ names: [String], file: String) throws(LabError) {
        for name in names where reservedFeatureNames.contains(name) || name.hasPrefix(reservedFeaturePrefix) {
            throw .io(path: file, detail: "prediction feature '\(name)' has the name of a built-in observation element (reserved: \(reservedFeatureNames.joined(separator: ", ")), \(reservedFeaturePrefix)...). Rename the column, e.g. to 'pred_\(name)'")
        }
    }

    /// `maxPredictionAgeDays` in seconds, nil for 0 (no limit). The spec refuses values outside
    /// 0...`ResourceBudget.maxPredictionAgeDays` at load; this guard keeps the conversion from trapping.
    static func maxAgeSeconds(_ days: Double) throws(LabError) -> Int64? {
        guard days.isFinite, days >= 0, days <= ResourceBudget.maxPredictionAgeDays else {
            throw .badRun(path: "env.data.maxPredictionAgeDays", detail: "\(SpecValue.formatDouble(days)) is not a number of days in 0...\(Int(ResourceBudget.maxPredictionAgeDays))")
        }
        return days > 0 ? Int64(days * 86_400) : nil
    }

    /// Longest a bar may go without a benchmark close before it counts as uncovered: 7 days, so
    /// weekends and holiday runs between a daily index and daily bars pass.
    static let benchmarkStalenessSeconds: Int64 = 7 * 86_400

    /// Refuses a benchmark that does not cover every bar (none at or in the 7 days before it): the
    /// trailing beta would be computed from a flat or missing series and beta-neutrality would
    /// silently do nothing there.
    static func requireCoverage(benchmark b: MarketData, of data: MarketData, file: String) throws(LabError) {
        var gaps: [(first: Int, last: Int)] = []
        var j = -1
        for (t, ts) in data.timestamps.enumerated() {
            while j + 1 < b.barCount && b.timestamps[j + 1] <= ts { j += 1 }
            let covered = j >= 0 && ts - b.timestamps[j] <= benchmarkStalenessSeconds && b.close[j * b.assetCount].isFinite
            if covered { continue }
            if let last = gaps.last, last.last == t - 1 { gaps[gaps.count - 1].last = t } else { gaps.append((t, t)) }
        }
        guard let first = gaps.first else { return }
        let day = { (t: Int) in CivilDate(epochSeconds: data.timestamps[t]).description }
        let missing = gaps.reduce(0) { $0 + $1.last - $1.first + 1 }
        let range = b.timestamps.first.map { "\(CivilDate(epochSeconds: $0)) to \(CivilDate(epochSeconds: b.timestamps[b.barCount - 1]))" } ?? "no bars"
        throw .badRun(path: file, detail: "the benchmark (\(range)) does not cover the bars from \(day(first.first)) to \(day(first.last))\(gaps.count > 1 ? " and \(gaps.count - 1) more gap(s)" : "") (\(missing) of \(data.barCount) bars), so env.constraints.betaNeutral would do nothing there. Use a benchmark covering \(day(0)) to \(day(data.barCount - 1)), move the bars inside the benchmark's dates, or turn betaNeutral off")
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
        let url = cachedPredictionsURL(bars: bars)
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

    /// Where the built-in predictions for a plain bars file are cached: `<stem>.predictions.csv.gz`
    /// beside it (the path only; `predictionsFile` checks and builds it).
    static func cachedPredictionsURL(bars: URL) -> URL {
        var stem = bars.lastPathComponent
        for suffix in [".csv.gz", ".csv", ".h5"] where stem.hasSuffix(suffix) { stem = String(stem.dropLast(suffix.count)); break }
        return bars.deletingLastPathComponent().appendingPathComponent("\(stem).predictions.csv.gz")
    }
}
