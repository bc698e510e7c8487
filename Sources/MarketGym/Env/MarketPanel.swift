import Foundation  // NSLock: `Mutex` needs macOS 15, the package supports macOS 14

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Market data, prediction features and benchmark, precomputed for fast, look-ahead-free stepping.
///
/// Everything here at bar t is a function of data at bars ≤ t only (trailing windows, as-of
/// features), so an observation or a projection that reads bar t cannot see the future. The one
/// forward-looking quantity, the realized return over (t, t+1], is read by the environment only
/// after the action at t has been fixed.
///
/// Layouts: `[t * assetCount + i]` (T x N) unless said otherwise. Built once; shared by value
/// (copy-on-write), so a vector of environments over the same data stores it once.
public struct MarketPanel: Sendable {
    /// Asset names (after the universe selection).
    public let assets: [String]
    /// Bar timestamps, UTC seconds.
    public let timestamps: [Int64]
    /// Prediction feature names.
    public let featureNames: [String]
    /// T, N and K.
    public let barCount: Int
    public let assetCount: Int
    public let featureCount: Int
    /// Close prices, `.nan` where missing.
    public let close: [Double]
    /// True where the asset has a valid close (tradable at that bar).
    public let tradable: [Bool]
    /// Simple return over (t-1, t], 0 where either close is missing (the position is marked at its last price).
    public let returns: [Double]
    /// With opens: return over (close t-1, open t], and (open t, close t]; nil without opens.
    public let gapReturns: [Double]?
    public let intradayReturns: [Double]?
    /// Log return over (t-1, t] as Float, transposed (N x T: `[i * barCount + t]`) so a window is contiguous.
    public let logReturnsByAsset: [Float]
    /// Trailing volatility at t: standard deviation of log returns over the window ending at t.
    public let volatility: [Double]
    /// Trailing beta at t against the benchmark (1 with too little history, or without a benchmark).
    public let beta: [Double]
    /// Benchmark simple return over (t-1, t], or nil without a benchmark.
    public let benchmarkReturns: [Double]?
    /// Prediction features, T x N x K, missing replaced by 0.
    public let features: [Float]
    /// True where all K features of the asset are present at the bar.
    public let featuresPresent: [Bool]
    /// Funding rates to charge per step (T x N): row t sums each asset's rates stamped in
    /// (t−1, t] (`FundingRates.perBar`), read by the step decided at t−1; nil without a funding series.
    public let fundingRates: [Double]?
    /// Index of `signalFeature` (0 when empty), and of the confidence feature (or nil). The sizing
    /// book resolves its sources itself (`ActionScheme.signals`, `SignalCombination`).
    public let signalIndex: Int
    public let confidenceIndex: Int?
    /// The settings the panel was prepared with (an env checks its config agrees).
    public let volatilityWindow: Int
    public let betaWindow: Int
    public let signalFeature: String
    public let confidenceFeature: String
    /// Engines (prepared tables) already built over this panel, so envs made one by one from the
    /// same panel and config share them instead of rebuilding (copies of the panel share the cache).
    let engines = EngineCache()

    /// Prepares the panel.
    /// - Parameters:
    ///   - data: the bars.
    ///   - features: prediction features aligned to `data` (same bars, the same asset names).
    ///   - benchmark: benchmark closes, one per bar, or nil.
    ///   - universe: asset names to keep, empty = all.
    ///   - volatilityWindow, betaWindow: trailing windows in bars.
    ///   - signalFeature, confidenceFeature: feature names (empty: first feature / none).
    ///   - funding: funding rates charged on the held book at their stamps (`costs.fundingSeries`), or nil.
    /// - Throws: `MarketEnvError` on mismatched shapes and unknown names; `.funding` when a traded
    ///   asset has no funding rates.
    public init(
        data: MarketData, features: FeatureMatrix, benchmark: [Double]?, universe: [String] = [],
        volatilityWindow: Int = 20, betaWindow: Int = 60, signalFeature: String = "", confidenceFeature: String = "",
        funding: FundingRates? = nil
    ) throws(MarketEnvError) {
        guard features.barCount == data.barCount else {
            throw .featuresMismatch("\(features.barCount) feature bars for \(data.barCount) price bars")
        }
        guard features.featureCount > 0 else { throw .featuresMismatch("no prediction features") }
        if let b = benchmark, b.count != data.barCount { throw .benchmarkLength(expected: data.barCount, found: b.count) }
        guard volatilityWindow >= 2 else { throw .invalidConfig(path: "observation.volatilityWindow", found: "\(volatilityWindow)", expected: "at least 2 bars") }
        guard betaWindow >= 2 else { throw .invalidConfig(path: "constraints.betaWindow", found: "\(betaWindow)", expected: "at least 2 bars") }
        let names = universe.isEmpty ? data.assets : universe
        var dataCols: [Int] = [], featCols: [Int] = []
        for name in names {
            guard let c = data.assetIndex(name) else { throw .unknownAsset(name, available: data.assets) }
            guard let f = features.assets.firstIndex(of: name) else {
                throw .featuresMismatch("asset '\(name)' has no prediction features (feature assets: \(features.assets.joined(separator: ", ")))")
            }
            dataCols.append(c)
            featCols.append(f)
        }
        signalIndex = signalFeature.isEmpty ? 0 : try PanelKernels.featureIndex(signalFeature, in: features.names, path: "action.signalFeature")
        confidenceIndex = confidenceFeature.isEmpty ? nil : try PanelKernels.featureIndex(confidenceFeature, in: features.names, path: "action.confidenceFeature")

        let T = data.barCount, N = names.count, K = features.featureCount, M = data.assetCount
        self.volatilityWindow = volatilityWindow
        self.betaWindow = betaWindow
        self.signalFeature = signalFeature
        self.confidenceFeature = confidenceFeature
        assets = names
        timestamps = data.timestamps
        featureNames = features.names
        barCount = T
        assetCount = N
        featureCount = K

        var close = [Double](repeating: .nan, count: T * N)
        var tradable = [Bool](repeating: false, count: T * N)
        for t in 0..<T {
            for (i, c) in dataCols.enumerated() {
                close[t * N + i] = data.close[t * M + c]
                tradable[t * N + i] = data.tradable[t * M + c]
            }
        }
        var rets = [Double](repeating: 0, count: T * N)
        var logT = [Float](repeating: 0, count: T * N)
        for t in 1..<max(T, 1) {
            for i in 0..<N where tradable[t * N + i] && tradable[(t - 1) * N + i] {
                let r = PanelKernels.barReturn(previous: close[(t - 1) * N + i], current: close[t * N + i])
                rets[t * N + i] = r.simple
                logT[i * T + t] = r.log
            }
        }
        if let open = data.open {
            var gap = [Double](repeating: 0, count: T * N), intra = [Double](repeating: 0, count: T * N)
            for t in 1..<max(T, 1) {
                for (i, c) in dataCols.enumerated() {
                    let o = open[t * M + c]
                    let k = t * N + i
                    if o.isFinite && o > 0 && tradable[k] && tradable[k - N] {
                        gap[k] = o / close[k - N] - 1
                        intra[k] = close[k] / o - 1
                    } else {
                        // No usable open: the whole bar's move happens before the (missing) open.
                        gap[k] = rets[k]
                    }
                }
            }
            gapReturns = gap
            intradayReturns = intra
        } else {
            gapReturns = nil
            intradayReturns = nil
        }

        // Trailing volatility over the window ending at t (inclusive: r_t is known at t's close), each
        // window on its own so a daemon's short window gives the same bits (`PanelKernels`).
        var vol = [Double](repeating: 0, count: T * N)
        logT.withUnsafeBufferPointer { x in
            vol.withUnsafeMutableBufferPointer { v in
                guard let xb = x.baseAddress, let vb = v.baseAddress else { return }
                for i in 0..<N { PanelKernels.trailingVolatility(xb + i * T, count: T, window: volatilityWindow, from: 0, into: vb + i, stride: N) }
            }
        }

        var betas = [Double](repeating: 1, count: T * N)
        if let bench = benchmark {
            var br = [Double](repeating: 0, count: T)
            var bl = [Double](repeating: 0, count: T)
            for t in 1..<max(T, 1) {
                if let r = PanelKernels.benchmarkReturn(previous: bench[t - 1], current: bench[t]) { br[t] = r.simple; bl[t] = r.log }
            }
            benchmarkReturns = br
            logT.withUnsafeBufferPointer { y in
                bl.withUnsafeBufferPointer { x in
                    betas.withUnsafeMutableBufferPointer { b in
                        guard let yb = y.baseAddress, let xb = x.baseAddress, let bb = b.baseAddress else { return }
                        for i in 0..<N {
                            PanelKernels.trailingBeta(asset: yb + i * T, benchmark: xb, count: T, window: betaWindow, from: 0, into: bb + i, stride: N)
                        }
                    }
                }
            }
        } else {
            benchmarkReturns = nil
        }

        var feats = [Float](repeating: 0, count: T * N * K)
        var present = [Bool](repeating: false, count: T * N)
        for t in 0..<T {
            for (i, f) in featCols.enumerated() {
                var all = true
                for k in 0..<K {
                    let v = PanelKernels.feature(features.value(bar: t, asset: f, feature: k))
                    feats[(t * N + i) * K + k] = v.value
                    all = all && v.present
                }
                present[t * N + i] = all
            }
        }

        if let funding {
            do { fundingRates = try funding.perBar(timestamps: data.timestamps, assets: names) } catch { throw .funding(error) }
        } else {
            fundingRates = nil
        }
        self.close = close
        self.tradable = tradable
        self.returns = rets
        self.logReturnsByAsset = logT
        self.volatility = vol
        self.beta = betas
        self.features = feats
        self.featuresPresent = present
    }

    /// Mean of the confidence feature over tradable assets at bar `t` (0 without a confidence feature).
    public func meanConfidence(bar t: Int) -> Double {
        guard let c = confidenceIndex else { return 0 }
        var s = 0.0, n = 0
        for i in 0..<assetCount where tradable[t * assetCount + i] && featuresPresent[t * assetCount + i] {
            s += Double(features[(t * assetCount + i) * featureCount + c])
            n += 1
        }
        return n > 0 ? s / Double(n) : 0
    }
}

/// The `MarketEngine`s alive over one panel, keyed by config, held weakly: an engine holds its
/// panel (and so this cache), so strong entries would form a cycle that is never freed. An engine
/// is shared while some env uses it and freed with the last one.
/// `@unchecked Sendable`: the list is only touched under `lock`.
final class EngineCache: @unchecked Sendable {
    private struct Entry { weak var engine: MarketEngine? }
    private let lock = NSLock()
    private var entries: [Entry] = []

    /// The live engine for `config`, or a new one built by `make` (and remembered).
    func engine(for config: MarketEnvConfig, make: () throws(MarketEnvError) -> MarketEngine) throws(MarketEnvError) -> MarketEngine {
        if let hit = lookup(config) { return hit }
        let built = try make()
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.engine == nil }
        if let raced = entries.lazy.compactMap(\.engine).first(where: { $0.config == config }) { return raced }
        entries.append(Entry(engine: built))
        return built
    }

    private func lookup(_ config: MarketEnvConfig) -> MarketEngine? {
        lock.lock()
        defer { lock.unlock() }
        return entries.lazy.compactMap(\.engine).first { $0.config == config }
    }
}
