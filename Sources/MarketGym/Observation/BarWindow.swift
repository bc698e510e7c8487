#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The panel rows of one bar — tradable flags, trailing volatility and beta, prediction features
/// and their presence, and the log returns leading up to it — computed from a short trailing
/// window of closes into preallocated storage: the trading daemon's per-bar input to the env's
/// observation (`BarObservation`), raw book (`ActionScheme.rawBook(_:window:into:)`) and
/// `NeutralityProjection`.
///
/// It runs `MarketPanel`'s own kernels (`PanelKernels`) over the window, so after `update` every
/// value equals, bit for bit, what a `MarketPanel` built from the same `rows` bars holds at its last
/// bar, and, once the window spans the trailing windows (`MarketEnvConfig.requiredHistory` rows),
/// what the env's panel over the whole history holds at that bar: each trailing statistic is
/// computed from its own window alone, never from running sums over earlier bars.
///
/// A daemon's consecutive snapshots share all but one bar: when the closes given to `update` are
/// the previous call's shifted by one bar (compared bit for bit), the log returns already computed
/// are reused and only the new bar's are computed (the logarithms are most of the work). Each log
/// return depends only on its two closes, so the result is the same bits either way.
///
/// Mutable scratch: one window per caller or thread, never shared while `update` runs. `update`
/// allocates nothing.
///
/// ```swift
/// let window = try BarWindow(assets: 20, featureNames: ["pred_h1"], rows: 21, volatilityWindow: 20, betaWindow: 60)
/// window.update(closes: closes, benchmark: nil, features: predictionsNow)   // 21 x 20 closes, 20 x 1 predictions
/// window.volatility[3]                                                    // asset 3's trailing volatility now
/// ```
public final class BarWindow {
    /// N, K and R (bars in the window, the last one the decision bar).
    public let assetCount: Int
    public let featureCount: Int
    public let rows: Int
    /// The trailing windows, in bars, and whether betas are computed against a benchmark.
    public let volatilityWindow: Int
    public let betaWindow: Int
    public let usesBenchmark: Bool
    /// Index of `signalFeature` (0 when empty), and of the confidence feature (or nil), as in
    /// `MarketPanel`. The sizing book resolves its sources itself (`ActionScheme.signals`).
    public let signalIndex: Int
    public let confidenceIndex: Int?

    private let storage: UnsafeMutableRawPointer
    private let logReturnsByAsset: UnsafeMutablePointer<Float>  // N x R, oldest first; column 0 is 0
    private let benchmarkLog: UnsafeMutablePointer<Double>      // R
    private let volatilityRow: UnsafeMutablePointer<Double>     // N
    private let betaRow: UnsafeMutablePointer<Double>           // N
    private let featureRow: UnsafeMutablePointer<Float>         // N x K, missing → 0
    private let tradableRow: UnsafeMutablePointer<Bool>         // N
    private let presentRow: UnsafeMutablePointer<Bool>          // N
    private let previousCloses: UnsafeMutablePointer<Double>    // R x N, the last update's closes
    private var hasPrevious = false
    /// Updates that reused the previous call's log returns (for tests).
    private(set) var reusedUpdates = 0

    /// Prepares a window; the settings are `MarketPanel.init`'s.
    /// - Parameters:
    ///   - assets: N, the number of assets.
    ///   - featureNames: the K prediction feature names, in order.
    ///   - rows: bars in the window, at least 2 (the decision bar and the history its observation reads).
    ///   - volatilityWindow, betaWindow: trailing windows in bars (≥ 2).
    ///   - benchmark: whether `update` is given benchmark closes (betas are 1 without).
    ///   - signalFeature, confidenceFeature: feature names (empty: first feature / none).
    /// - Throws: `MarketEnvError` for no features, windows < 2, rows < 2 or unknown feature names.
    public init(assets: Int, featureNames: [String], rows: Int, volatilityWindow: Int, betaWindow: Int, benchmark: Bool = false,
                signalFeature: String = "", confidenceFeature: String = "") throws(MarketEnvError) {
        guard !featureNames.isEmpty else { throw .featuresMismatch("no prediction features") }
        guard assets >= 0, rows >= 2 else { throw .invalidConfig(path: "BarWindow.rows", found: "\(rows) bars, \(assets) assets", expected: "at least 2 bars") }
        guard volatilityWindow >= 2 else { throw .invalidConfig(path: "observation.volatilityWindow", found: "\(volatilityWindow)", expected: "at least 2 bars") }
        guard betaWindow >= 2 else { throw .invalidConfig(path: "constraints.betaWindow", found: "\(betaWindow)", expected: "at least 2 bars") }
        signalIndex = signalFeature.isEmpty ? 0 : try PanelKernels.featureIndex(signalFeature, in: featureNames, path: "action.signalFeature")
        confidenceIndex = confidenceFeature.isEmpty ? nil : try PanelKernels.featureIndex(confidenceFeature, in: featureNames, path: "action.confidenceFeature")
        let n = assets, k = featureNames.count
        assetCount = n
        featureCount = k
        self.rows = rows
        self.volatilityWindow = volatilityWindow
        self.betaWindow = betaWindow
        usesBenchmark = benchmark
        // One block, Doubles first (8-byte aligned), then Floats, then flags.
        let doubles = rows + 2 * n + rows * n, floats = n * rows + n * k
        storage = .allocate(byteCount: 8 * doubles + 4 * floats + 2 * n, alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: 8 * doubles + 4 * floats + 2 * n)
        benchmarkLog = storage.assumingMemoryBound(to: Double.self)
        volatilityRow = benchmarkLog + rows
        betaRow = volatilityRow + n
        previousCloses = betaRow + n
        logReturnsByAsset = UnsafeMutableRawPointer(previousCloses + rows * n).assumingMemoryBound(to: Float.self)
        featureRow = logReturnsByAsset + n * rows
        tradableRow = UnsafeMutableRawPointer(featureRow + n * k).assumingMemoryBound(to: Bool.self)
        presentRow = tradableRow + n
        betaRow.update(repeating: 1, count: n)
    }

    deinit { storage.deallocate() }

    /// Computes the rows at the window's last bar.
    /// - Parameters:
    ///   - closes: R x N closes, oldest first (row-major by bar); NaN (or a price ≤ 0) = missing.
    ///   - benchmark: R benchmark closes (read only when built with `benchmark: true`).
    ///   - features: N x K prediction values at the last bar; NaN = missing.
    /// - Complexity: O(N · R) with N · (R − 1) logarithms; no allocation.
    public func update(closes: UnsafeBufferPointer<Double>, benchmark: UnsafeBufferPointer<Double>?, features: UnsafeBufferPointer<Float>) {
        let n = assetCount, k = featureCount, r = rows
        precondition(closes.count == r * n && features.count == n * k && (!usesBenchmark || benchmark?.count == r),
                     "BarWindow: \(closes.count) closes (want \(r * n)), \(features.count) features (want \(n * k)), benchmark \(benchmark?.count ?? 0) (want \(usesBenchmark ? r : 0))")
        guard let c = closes.baseAddress else { return }
        // Bars 0 ..< R−1 now were bars 1 ..< R last time: keep their log returns, shifted.
        let shifted = hasPrevious && n > 0 && memcmp(c, previousCloses + n, (r - 1) * n * MemoryLayout<Double>.stride) == 0
        for i in 0..<n {
            let column = logReturnsByAsset + i * r
            column[0] = 0
            let from: Int
            if shifted {
                for t in 1..<(r - 1) { column[t] = column[t + 1] }
                from = r - 1
            } else {
                from = 1
            }
            var previous = PanelKernels.isTradable(c[(from - 1) * n + i])
            for t in from..<r {
                let now = PanelKernels.isTradable(c[t * n + i])
                column[t] = now && previous ? PanelKernels.barReturn(previous: c[(t - 1) * n + i], current: c[t * n + i]).log : 0
                previous = now
            }
            tradableRow[i] = previous
            PanelKernels.trailingVolatility(column, count: r, window: volatilityWindow, from: r - 1, into: volatilityRow + i, stride: 1)
        }
        previousCloses.update(from: c, count: r * n)
        hasPrevious = true
        if shifted { reusedUpdates += 1 }
        if usesBenchmark, let b = benchmark?.baseAddress {
            benchmarkLog[0] = 0
            for t in 1..<r { benchmarkLog[t] = PanelKernels.benchmarkReturn(previous: b[t - 1], current: b[t])?.log ?? 0 }
            for i in 0..<n {
                PanelKernels.trailingBeta(asset: logReturnsByAsset + i * r, benchmark: benchmarkLog, count: r, window: betaWindow,
                                          from: r - 1, into: betaRow + i, stride: 1)
            }
        }
        for i in 0..<n {
            var all = true
            for q in 0..<k {
                let v = PanelKernels.feature(features[i * k + q])
                featureRow[i * k + q] = v.value
                all = all && v.present
            }
            presentRow[i] = all
        }
    }

    /// Log returns of asset `i` over the window, oldest first (R values, the first 0).
    public func logReturns(asset i: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: logReturnsByAsset + i * rows, count: rows) }
    /// Tradable flags at the last bar (N).
    public var tradable: UnsafeBufferPointer<Bool> { UnsafeBufferPointer(start: tradableRow, count: assetCount) }
    /// Trailing volatility at the last bar (N).
    public var volatility: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: volatilityRow, count: assetCount) }
    /// Trailing beta at the last bar (N; 1 without a benchmark).
    public var beta: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: betaRow, count: assetCount) }
    /// Prediction features at the last bar, N x K, missing → 0.
    public var features: UnsafeBufferPointer<Float> { UnsafeBufferPointer(start: featureRow, count: assetCount * featureCount) }
    /// Whether all K features of each asset are present at the last bar (N).
    public var featuresPresent: UnsafeBufferPointer<Bool> { UnsafeBufferPointer(start: presentRow, count: assetCount) }
}
