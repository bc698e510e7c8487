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
/// - `A.tradable`: 1 when the asset has a price at t, else 0
/// - `A.pred_ok`: 1 when all its prediction features are present at t, else 0
/// - `A.weight`: the held (drifted) weight
///
/// then `portfolio.gross`, `portfolio.net`, `portfolio.drawdown`, `portfolio.time`,
/// `portfolio.return`. Every element is finite and clipped to [-clip, clip]: no NaN ever.
/// Only data at bars ≤ t is read.
///
/// Everything in an asset's block except its weight depends on the data only, so it is scaled,
/// clipped and laid out once at construction, as T x N blocks of `window + K + 3` floats: `write`
/// then copies one contiguous region per bar (consecutive bars adjacent in memory) and adds the
/// weights, which keeps the env's step fast and allocation-free. The price is memory:
/// T · N · (window + K + 3) floats (10.6 MB for the bundled 8,313 x 20 data at window 10, K = 3).
/// Immutable after construction.
public final class ObservationBuilder: @unchecked Sendable {
    public let assetCount: Int
    public let featureCount: Int
    public let window: Int
    public let barCount: Int
    public let returnScale: Float
    public let clip: Float
    /// The first bar whose observation can be written (0 unless built with `firstBar`).
    public let firstBar: Int
    /// Element names, in order (empty when built with `names: false`).
    public let names: [String]

    // Owned, immutable after init (hence the unchecked Sendable): T x N x (window + K + 3).
    private let blocks: UnsafeMutableBufferPointer<Float>

    /// Elements per asset block.
    public var featuresPerAsset: Int { window + featureCount + 4 }
    /// Portfolio elements at the end.
    public static let portfolioCount = 5
    /// Total observation length.
    public var count: Int { assetCount * featuresPerAsset + Self.portfolioCount }

    /// Prepares the builder for `panel`.
    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip or scale.
    public convenience init(panel: MarketPanel, config: ObservationConfig) throws(MarketEnvError) {
        try self.init(panel: panel, config: config, names: true)
    }

    /// Prepares the builder for `panel`, optionally without the element names and only from a bar on.
    ///
    /// `PolicyRuntime` builds a builder per daemon snapshot (a short panel whose last bar is the
    /// only one observed) and checks the names once at load: skipping `names.count` string
    /// interpolations and the unobserved bars' blocks per call keeps its latency low.
    /// - Parameters:
    ///   - names: when false, `names` is empty; everything else is identical.
    ///   - firstBar: the first bar `write` may be asked for; earlier blocks are not prepared.
    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip or scale.
    public init(panel: MarketPanel, config: ObservationConfig, names withNames: Bool, firstBar: Int = 0) throws(MarketEnvError) {
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
        if withNames {
            names.reserveCapacity(n * (w + k + 4) + Self.portfolioCount)
            for a in panel.assets {
                for j in 0..<w { names.append("\(a).logret[t-\(j)]") }
                for f in panel.featureNames { names.append("\(a).\(f)") }
                names += ["\(a).vol", "\(a).tradable", "\(a).pred_ok", "\(a).weight"]
            }
            names += ["portfolio.gross", "portfolio.net", "portfolio.drawdown", "portfolio.time", "portfolio.return"]
        }
        self.names = names

        let stride = w + k + 3
        self.firstBar = min(max(0, firstBar), T)
        blocks = .allocate(capacity: T * n * stride)
        blocks.initialize(repeating: 0)
        for t in self.firstBar..<T {
            for i in 0..<n {
                let o = (t * n + i) * stride
                for j in 0..<min(w, t + 1) { blocks[o + j] = cl(panel.logReturnsByAsset[i * T + t - j] * scale) }
                for q in 0..<k { blocks[o + w + q] = cl(panel.features[(t * n + i) * k + q]) }
                blocks[o + w + k] = cl(Float(panel.volatility[t * n + i]) * scale)
                blocks[o + w + k + 1] = panel.tradable[t * n + i] ? 1 : 0
                blocks[o + w + k + 2] = panel.featuresPresent[t * n + i] ? 1 : 0
            }
        }
    }

    deinit {
        blocks.deallocate()
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
        precondition(t >= firstBar && t < barCount, "ObservationBuilder: bar \(t) outside \(firstBar)..<\(barCount)")
        guard let o0 = out.baseAddress, let src0 = blocks.baseAddress else { return }
        let n = assetCount, stride = window + featureCount + 3, c = clip
        @inline(__always) func cl(_ x: Double) -> Float { let y = Float(x); return y.isNaN ? 0 : min(c, max(-c, y)) }
        var o = o0
        var src = src0 + t * n * stride
        for i in 0..<n {
            for j in 0..<stride { o[j] = src[j] }
            o[stride] = cl(weights[i])
            o += stride + 1
            src += stride
        }
        o[0] = cl(portfolio.gross)
        o[1] = cl(portfolio.net)
        o[2] = cl(portfolio.drawdown)
        o[3] = cl(portfolio.time)
        o[4] = cl(portfolio.lastReturn * Double(returnScale))
    }
}
