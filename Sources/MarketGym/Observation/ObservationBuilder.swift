/// Portfolio state that enters the observation (`portfolio.*`).
public struct PortfolioSnapshot: Sendable, Equatable {
    /// Σ|w| of the held (drifted) book.
    public var gross: Double
    /// Σw of the held book.
    public var net: Double
    /// 1 − NAV / peak NAV in the episode.
    public var drawdown: Double
    /// Fraction of the episode elapsed (steps / horizon), in [0, 1].
    public var time: Double
    /// The last bar's net return (scaled like the log returns in the observation).
    public var lastReturn: Double

    /// A snapshot (all zero by default: a flat book at an episode's start).
    public init(gross: Double = 0, net: Double = 0, drawdown: Double = 0, time: Double = 0, lastReturn: Double = 0) {
        self.gross = gross
        self.net = net
        self.drawdown = drawdown
        self.time = time
        self.lastReturn = lastReturn
    }
}

/// Builds the market observation at a bar: standalone, so the env and the trading daemon's
/// `PolicyRuntime` produce bit-identical inputs from the same data.
///
/// Layout (N assets in panel order, K prediction features, window W), in four sections then the
/// portfolio:
/// 1. log returns, lag-major: for j = 0..W−1, for each asset A, `A.logret[t-j]` — the log return
///    over (t−j−1, t−j] × `returnScale` (0 before the first bar or where a price is missing);
/// 2. predictions: for each asset A, `A.<feature>` for each feature (missing → 0);
/// 3. state: for each asset A, `A.vol` (trailing volatility × `returnScale`), `A.tradable` (1 when
///    the asset has a price at t), `A.pred_ok` (1 when all its prediction features are present);
/// 4. weights: for each asset A, `A.weight` (the held, drifted weight);
/// 5. `portfolio.gross`, `portfolio.net`, `portfolio.drawdown`, `portfolio.time`, `portfolio.return`.
///
/// Every element is finite and clipped to [-clip, clip]: no NaN ever. Only data at bars ≤ t is read.
///
/// Why this order: consecutive bars share W−1 of their W return rows, so with the returns stored
/// once, bar-major (W zero rows in front), a step reads one new row of N floats instead of N new
/// windows; sections 2 and 3 are one contiguous row each. Scaling, clipping and NaN removal happen
/// once at construction; `write` only copies, which keeps the env's step fast, memory-light
/// (T·N·(K + 4) floats) and allocation-free. Immutable after construction.
public final class ObservationBuilder: @unchecked Sendable {
    /// N, K, the window, T, the return scale and the clip bound the builder was prepared with.
    public let assetCount: Int
    public let featureCount: Int
    public let window: Int
    public let barCount: Int
    public let returnScale: Float
    public let clip: Float
    /// Element names, in order.
    public let names: [String]

    // Owned, immutable after init (hence the unchecked Sendable).
    private let logReturns: UnsafeMutableBufferPointer<Float>   // (W + T) x N, the first W rows zero
    private let predictions: UnsafeMutableBufferPointer<Float>  // T x N x K
    private let states: UnsafeMutableBufferPointer<Float>       // T x N x 3: vol, tradable, pred_ok

    /// Portfolio elements at the end.
    public static let portfolioCount = 5
    /// Total observation length: N·(W + K + 4) + 5.
    public var count: Int { assetCount * (window + featureCount + 4) + Self.portfolioCount }

    /// Prepares the builder for `panel`.
    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip or scale.
    public init(panel: MarketPanel, config: ObservationConfig) throws(MarketEnvError) {
        try Self.checkConfig(config)
        let n = panel.assetCount, k = panel.featureCount, w = config.window, T = panel.barCount
        assetCount = n
        featureCount = k
        window = w
        barCount = T
        returnScale = Float(config.returnScale)
        clip = Float(config.clip)
        let c = clip, scale = returnScale
        var names: [String] = []
        names.reserveCapacity(n * (w + k + 4) + Self.portfolioCount)
        for j in 0..<w { for a in panel.assets { names.append("\(a).logret[t-\(j)]") } }
        for a in panel.assets { for f in panel.featureNames { names.append("\(a).\(f)") } }
        for a in panel.assets { names += ["\(a).vol", "\(a).tradable", "\(a).pred_ok"] }
        for a in panel.assets { names.append("\(a).weight") }
        names += ["portfolio.gross", "portfolio.net", "portfolio.drawdown", "portfolio.time", "portfolio.return"]
        self.names = names

        logReturns = .allocate(capacity: (w + T) * n)
        logReturns.initialize(repeating: 0)
        for s in 0..<T { for i in 0..<n { logReturns[(w + s) * n + i] = Self.returnElement(panel.logReturnsByAsset[i * T + s], scale: scale, clip: c) } }
        predictions = .allocate(capacity: T * n * k)
        predictions.initialize(repeating: 0)
        for j in 0..<(T * n * k) { predictions[j] = Self.clipped(panel.features[j], c) }
        states = .allocate(capacity: T * n * 3)
        states.initialize(repeating: 0)
        guard let st = states.baseAddress else { return }
        for j in 0..<(T * n) {
            Self.writeState(volatility: panel.volatility[j], tradable: panel.tradable[j], present: panel.featuresPresent[j], scale: scale, clip: c, into: st + 3 * j)
        }
    }

    deinit {
        logReturns.deallocate()
        predictions.deallocate()
        states.deallocate()
    }

    /// The observation space: every element in [-clip, clip].
    public var space: BoxSpace { BoxSpace(low: -clip, high: clip, shape: [count]) }

    /// Writes the observation at bar `t` into `out` (exactly `count` elements). No allocation.
    /// - Parameters:
    ///   - t: the bar whose close the observation describes.
    ///   - weights: the held book, N values.
    ///   - portfolio: the portfolio state.
    ///   - out: the destination.
    /// - Complexity: O(N · (W + K)), straight copies.
    public func write(bar t: Int, weights: UnsafeBufferPointer<Double>, portfolio: PortfolioSnapshot, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == count && weights.count == assetCount,
                     "ObservationBuilder: buffer \(out.count) (want \(count)), weights \(weights.count) (want \(assetCount))")
        precondition(t >= 0 && t < barCount, "ObservationBuilder: bar \(t) outside 0..<\(barCount)")
        guard var o = out.baseAddress, let lr = logReturns.baseAddress, let pr = predictions.baseAddress, let st = states.baseAddress else { return }
        let n = assetCount, k = featureCount, w = window
        for j in 0..<w {
            o.update(from: lr + (w + t - j) * n, count: n)
            o += n
        }
        o.update(from: pr + t * n * k, count: n * k)
        o += n * k
        o.update(from: st + t * n * 3, count: n * 3)
        o += n * 3
        Self.writeHeld(weights: weights, portfolio: portfolio, returnScale: returnScale, clip: clip, into: o)
    }
}
