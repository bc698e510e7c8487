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
/// Layout: for each asset A (in panel order) `featuresPerAsset = window + K + 4` elements
/// - `A.logret[t-0]` ... `A.logret[t-(window-1)]`: log returns over (t-j-1, t-j], × `returnScale`
///   (0 before the first bar or where a price is missing)
/// - `A.<feature>` for each prediction feature (missing → 0)
/// - `A.vol`: trailing volatility × `returnScale`
/// - `A.weight`: the held (drifted) weight
/// - `A.tradable`: 1 when the asset has a price at t, else 0
/// - `A.pred_ok`: 1 when all its prediction features are present at t, else 0
///
/// then `portfolio.gross`, `portfolio.net`, `portfolio.drawdown`, `portfolio.time`,
/// `portfolio.return`. Every element is finite and clipped to [-clip, clip]: no NaN ever.
/// Only data at bars ≤ t is read.
///
/// The data-dependent parts are scaled, clipped and laid out once at construction (log returns
/// stored time-reversed per asset, so a window is one contiguous copy); `write` then only copies,
/// which keeps the env's step fast and allocation-free. Immutable after construction.
public final class ObservationBuilder: @unchecked Sendable {
    public let assetCount: Int
    public let featureCount: Int
    public let window: Int
    public let barCount: Int
    public let returnScale: Float
    public let clip: Float
    /// Element names, in order.
    public let names: [String]

    // Owned, immutable after init (hence the unchecked Sendable).
    private let logReturns: UnsafeMutableBufferPointer<Float>   // N x (T + window), time-reversed, zero tail
    private let features: UnsafeMutableBufferPointer<Float>     // T x N x K, clipped
    private let flags: UnsafeMutableBufferPointer<Float>        // T x N x 3: vol, tradable, pred_ok

    /// Elements per asset block.
    public var featuresPerAsset: Int { window + featureCount + 4 }
    /// Portfolio elements at the end.
    public static let portfolioCount = 5
    /// Total observation length.
    public var count: Int { assetCount * featuresPerAsset + Self.portfolioCount }

    /// Prepares the builder for `panel`.
    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip or scale.
    public init(panel: MarketPanel, config: ObservationConfig) throws(MarketEnvError) {
        guard config.window >= 1 else { throw .invalidConfig(path: "observation.window", found: "\(config.window)", expected: "at least 1 bar") }
        guard config.clip > 0, config.clip.isFinite, config.returnScale.isFinite, config.returnScale > 0 else {
            throw .invalidConfig(path: "observation.clip/returnScale", found: "\(config.clip)/\(config.returnScale)", expected: "positive finite numbers")
        }
        let n = panel.assetCount, k = panel.featureCount, w = config.window, T = panel.barCount
        assetCount = n
        featureCount = k
        window = w
        barCount = T
        returnScale = Float(config.returnScale)
        clip = Float(config.clip)
        let c = clip, scale = returnScale
        func cl(_ x: Float) -> Float { x.isNaN ? 0 : min(c, max(-c, x)) }
        var names: [String] = []
        names.reserveCapacity(n * (w + k + 4) + Self.portfolioCount)
        for a in panel.assets {
            for j in 0..<w { names.append("\(a).logret[t-\(j)]") }
            for f in panel.featureNames { names.append("\(a).\(f)") }
            names += ["\(a).vol", "\(a).weight", "\(a).tradable", "\(a).pred_ok"]
        }
        names += ["portfolio.gross", "portfolio.net", "portfolio.drawdown", "portfolio.time", "portfolio.return"]
        self.names = names

        logReturns = .allocate(capacity: n * (T + w))
        logReturns.initialize(repeating: 0)
        for i in 0..<n {
            for s in 0..<T { logReturns[i * (T + w) + (T - 1 - s)] = cl(panel.logReturnsByAsset[i * T + s] * scale) }
        }
        features = .allocate(capacity: T * n * k)
        for j in 0..<(T * n * k) { features.initializeElement(at: j, to: cl(panel.features[j])) }
        flags = .allocate(capacity: T * n * 3)
        for j in 0..<(T * n) {
            flags.initializeElement(at: 3 * j, to: cl(Float(panel.volatility[j]) * scale))
            flags.initializeElement(at: 3 * j + 1, to: panel.tradable[j] ? 1 : 0)
            flags.initializeElement(at: 3 * j + 2, to: panel.featuresPresent[j] ? 1 : 0)
        }
    }

    deinit {
        logReturns.deallocate()
        features.deallocate()
        flags.deallocate()
    }

    /// The observation space: every element in [-clip, clip].
    public var space: BoxSpace { BoxSpace(low: -clip, high: clip, shape: [count]) }

    /// Writes the observation at bar `t` into `out` (exactly `count` elements). No allocation.
    /// - Parameters:
    ///   - t: the bar whose close the observation describes.
    ///   - weights: the held book, N values.
    ///   - portfolio: the portfolio state.
    ///   - out: the destination.
    /// - Complexity: O(N · (window + K)), straight copies.
    public func write(bar t: Int, weights: UnsafeBufferPointer<Double>, portfolio: PortfolioSnapshot, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == count && weights.count == assetCount,
                     "ObservationBuilder: buffer \(out.count) (want \(count)), weights \(weights.count) (want \(assetCount))")
        precondition(t >= 0 && t < barCount, "ObservationBuilder: bar \(t) outside 0..<\(barCount)")
        guard let o0 = out.baseAddress, let lr = logReturns.baseAddress, let f = features.baseAddress, let fl = flags.baseAddress else { return }
        let n = assetCount, k = featureCount, w = window, T = barCount, c = clip
        @inline(__always) func cl(_ x: Double) -> Float { let y = Float(x); return y.isNaN ? 0 : min(c, max(-c, y)) }
        var o = o0
        for i in 0..<n {
            o.update(from: lr + i * (T + w) + (T - 1 - t), count: w)
            (o + w).update(from: f + (t * n + i) * k, count: k)
            let j = 3 * (t * n + i)
            o[w + k] = fl[j]
            o[w + k + 1] = cl(weights[i])
            o[w + k + 2] = fl[j + 1]
            o[w + k + 3] = fl[j + 2]
            o += w + k + 4
        }
        o[0] = cl(portfolio.gross)
        o[1] = cl(portfolio.net)
        o[2] = cl(portfolio.drawdown)
        o[3] = cl(portfolio.time)
        o[4] = cl(portfolio.lastReturn * Double(returnScale))
    }
}
