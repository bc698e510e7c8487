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

/// Builds the market observation at a bar: standalone and pure, so the env and the trading
/// daemon's `PolicyRuntime` produce bit-identical inputs from the same data.
///
/// Layout: for each asset i (in panel order) `featuresPerAsset = window + K + 4` elements
/// - `A.logret[t-0]` ... `A.logret[t-(window-1)]`: log returns over (t-j-1, t-j], × `returnScale`
/// - `A.<feature>` for each prediction feature (missing → 0)
/// - `A.vol`: trailing volatility × `returnScale`
/// - `A.weight`: the held (drifted) weight
/// - `A.tradable`: 1 when the asset has a price at t, else 0
/// - `A.pred_ok`: 1 when all its prediction features are present at t, else 0
///
/// then `portfolio.gross`, `portfolio.net`, `portfolio.drawdown`, `portfolio.time`,
/// `portfolio.return`. Every element is finite and clipped to [-clip, clip]: no NaN ever.
/// Only data at bars ≤ t is read.
public struct ObservationBuilder: Sendable, Equatable {
    public let assetCount: Int
    public let featureCount: Int
    public let window: Int
    public let returnScale: Float
    public let clip: Float
    /// Element names, in order.
    public let names: [String]

    /// Elements per asset block.
    public var featuresPerAsset: Int { window + featureCount + 4 }
    /// Portfolio elements at the end.
    public static let portfolioCount = 5
    /// Total observation length.
    public var count: Int { assetCount * featuresPerAsset + Self.portfolioCount }

    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip.
    public init(assets: [String], featureNames: [String], config: ObservationConfig) throws(MarketEnvError) {
        guard config.window >= 1 else { throw .invalidConfig(path: "observation.window", found: "\(config.window)", expected: "at least 1 bar") }
        guard config.clip > 0, config.returnScale.isFinite, config.returnScale > 0 else {
            throw .invalidConfig(path: "observation.clip/returnScale", found: "\(config.clip)/\(config.returnScale)", expected: "positive finite numbers")
        }
        assetCount = assets.count
        featureCount = featureNames.count
        window = config.window
        returnScale = Float(config.returnScale)
        clip = Float(config.clip)
        var n: [String] = []
        n.reserveCapacity(assets.count * (window + featureNames.count + 4) + Self.portfolioCount)
        for a in assets {
            for j in 0..<window { n.append("\(a).logret[t-\(j)]") }
            for f in featureNames { n.append("\(a).\(f)") }
            n.append("\(a).vol")
            n.append("\(a).weight")
            n.append("\(a).tradable")
            n.append("\(a).pred_ok")
        }
        n += ["portfolio.gross", "portfolio.net", "portfolio.drawdown", "portfolio.time", "portfolio.return"]
        names = n
    }

    /// The observation space: every element in [-clip, clip].
    public var space: BoxSpace { BoxSpace(low: -clip, high: clip, shape: [count]) }

    /// Writes the observation at bar `t` into `out` (exactly `count` elements). No allocation.
    /// - Parameters:
    ///   - panel: the prepared data (read at bars ≤ t only).
    ///   - t: the bar whose close the observation describes.
    ///   - weights: the held book, N values.
    ///   - portfolio: the portfolio state.
    public func write(panel: MarketPanel, bar t: Int, weights: UnsafeBufferPointer<Double>, portfolio: PortfolioSnapshot, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(out.count == count && weights.count == assetCount && panel.assetCount == assetCount && panel.featureCount == featureCount,
                     "ObservationBuilder: buffer \(out.count) (want \(count)), weights \(weights.count), panel \(panel.assetCount)x\(panel.featureCount)")
        precondition(t >= 0 && t < panel.barCount, "ObservationBuilder: bar \(t) outside 0..<\(panel.barCount)")
        let n = assetCount, k = featureCount, w = window, T = panel.barCount
        let c = clip, lo = -clip, scale = returnScale
        @inline(__always) func cl(_ x: Float) -> Float { x.isNaN ? 0 : min(c, max(lo, x)) }
        panel.logReturnsByAsset.withUnsafeBufferPointer { lr in
            panel.features.withUnsafeBufferPointer { f in
                panel.volatility.withUnsafeBufferPointer { vol in
                    panel.tradable.withUnsafeBufferPointer { tr in
                        panel.featuresPresent.withUnsafeBufferPointer { ok in
                            var o = 0
                            let avail = min(w, t + 1)
                            for i in 0..<n {
                                let base = i * T + t
                                for j in 0..<avail { out[o + j] = cl(lr[base - j] * scale) }
                                for j in avail..<w { out[o + j] = 0 }
                                o += w
                                let fb = (t * n + i) * k
                                for q in 0..<k { out[o + q] = cl(f[fb + q]) }
                                o += k
                                out[o] = cl(Float(vol[t * n + i]) * scale)
                                out[o + 1] = cl(Float(weights[i]))
                                out[o + 2] = tr[t * n + i] ? 1 : 0
                                out[o + 3] = ok[t * n + i] ? 1 : 0
                                o += 4
                            }
                            out[o] = cl(Float(portfolio.gross))
                            out[o + 1] = cl(Float(portfolio.net))
                            out[o + 2] = cl(Float(portfolio.drawdown))
                            out[o + 3] = cl(Float(portfolio.time))
                            out[o + 4] = cl(Float(portfolio.lastReturn) * scale)
                        }
                    }
                }
            }
        }
    }
}
