/// Prediction features aligned to bars: K named numbers per asset per bar, as the environment sees them.
///
/// Produced by the as-of join of stamped predictions onto a `MarketData` timeline: the value at
/// bar t is the latest prediction stamped at or before bar t's timestamp (optionally no older than
/// a maximum age). Missing is `.nan`. Layout: T x N x K, row-major (`values[(t * N + i) * K + k]`),
/// so everything one step needs is contiguous.
public struct FeatureMatrix: Sendable, Equatable {
    /// Feature names, in order (they flow into observation names, e.g. `AAPL.pred_h1`).
    public let names: [String]
    /// Asset names, in the same order as the bars they are aligned to.
    public let assets: [String]
    /// Number of bars T.
    public let barCount: Int
    /// Values, T x N x K, `.nan` where missing.
    public let values: [Float]

    /// K, the number of features per asset.
    public var featureCount: Int { names.count }
    /// N, the number of assets.
    public var assetCount: Int { assets.count }

    /// - Precondition: `values.count == barCount * assets.count * names.count`.
    public init(names: [String], assets: [String], barCount: Int, values: [Float]) {
        precondition(values.count == barCount * assets.count * names.count,
                     "FeatureMatrix: \(values.count) values for \(barCount) bars x \(assets.count) assets x \(names.count) features")
        self.names = names
        self.assets = assets
        self.barCount = barCount
        self.values = values
    }

    /// The value of feature `k` for asset `i` at bar `t`.
    @inline(__always)
    public func value(bar t: Int, asset i: Int, feature k: Int) -> Float {
        values[(t * assets.count + i) * names.count + k]
    }
}
