/// The env's observation at one bar, written straight from a `BarWindow`: the trading daemon's
/// per-bar path, with no `MarketPanel` or `ObservationBuilder` tables built per bar.
///
/// Same layout as `ObservationBuilder` (see there) and the same element writers
/// (`ObservationBuilder.returnElement`, `writeRow`, `writeHeld`), so for a window over bars
/// t−R+1…t it writes the bits `ObservationBuilder(panel:).write(bar: R − 1, ...)` writes for a
/// panel built from the same R bars (tested). Immutable and `Sendable`; `write` allocates nothing.
public struct BarObservation: Sendable, Equatable {
    /// N, K, the window W, the return scale and the clip bound.
    public let assetCount: Int
    public let featureCount: Int
    public let window: Int
    public let returnScale: Float
    public let clip: Float

    /// Total observation length: N·(W + K + 4) + 5, as `ObservationBuilder.count`.
    public var count: Int { assetCount * (window + featureCount + 4) + ObservationBuilder.portfolioCount }

    /// - Throws: `MarketEnvError.invalidConfig` for a window < 1 or a non-positive clip or scale (as `ObservationBuilder`).
    public init(config: ObservationConfig, assets: Int, features: Int) throws(MarketEnvError) {
        try ObservationBuilder.checkConfig(config)
        assetCount = assets
        featureCount = features
        window = config.window
        returnScale = Float(config.returnScale)
        clip = Float(config.clip)
    }

    /// Writes the observation at the window's last bar into `out` (exactly `count` elements).
    /// - Parameters:
    ///   - bar: the window, after `update`.
    ///   - weights: the held (drifted) book, N values.
    ///   - portfolio: the portfolio state.
    ///   - out: the destination.
    /// - Complexity: O(N · (W + K)); no allocation.
    public func write(_ bar: BarWindow, weights: UnsafeBufferPointer<Double>, portfolio: PortfolioSnapshot, into out: UnsafeMutableBufferPointer<Float>) {
        let n = assetCount, k = featureCount, w = window, r = bar.rows, c = clip, scale = returnScale
        precondition(out.count == count && weights.count == n && bar.assetCount == n && bar.featureCount == k,
                     "BarObservation: buffer \(out.count) (want \(count)), weights \(weights.count), window of \(bar.assetCount) assets x \(bar.featureCount) features (want \(n) x \(k))")
        guard let o = out.baseAddress else { return }
        // 1. Log returns, lag-major; lags before the window's first bar are 0 (the builder's zero rows).
        for i in 0..<n {
            let column = bar.logReturns(asset: i)
            for j in 0..<w { o[j * n + i] = j < r ? ObservationBuilder.returnElement(column[r - 1 - j], scale: scale, clip: c) : 0 }
        }
        // 2–3. Predictions (asset-major) and state per asset: the builder's row writer.
        let p = o + w * n
        ObservationBuilder.writeRow(features: bar.features, volatility: bar.volatility, tradable: bar.tradable, present: bar.featuresPresent,
                                    scale: scale, clip: c, into: p)
        let s = p + n * k
        // 4–5. Held weights and the portfolio.
        ObservationBuilder.writeHeld(weights: weights, portfolio: portfolio, returnScale: scale, clip: c, into: s + 3 * n)
    }
}
