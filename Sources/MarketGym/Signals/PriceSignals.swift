#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Simple, past-only prediction features from prices, for running the env and the baselines on
/// price data before (or without) the ML predictor.
///
/// At bar t, from closes at bars ≤ t only:
/// - `pred_rev5`: minus the 5-bar log return (short-term reversal, Lehmann 1990; Lo & MacKinlay 1990);
/// - `pred_mom`: the log return from t−126 to t−5 (intermediate momentum skipping the last week,
///   after Jegadeesh & Titman 1993);
/// - `conf`: the cross-sectional standard deviation of `pred_rev5` at t (the same for all assets):
///   reversal profits grow with cross-sectional dispersion.
/// Missing (not enough history or a missing price) is `.nan`.
public enum PriceSignals {
    /// The feature names, in order.
    public static let names = ["pred_rev5", "pred_mom", "conf"]

    /// Computes the three features for every bar and asset of `data`.
    public static func features(_ data: MarketData) -> FeatureMatrix {
        let T = data.barCount, n = data.assetCount, k = 3
        var v = [Float](repeating: .nan, count: T * n * k)
        func lr(_ t: Int, _ s: Int, _ i: Int) -> Double? {
            guard s >= 0, data.tradable[t * n + i], data.tradable[s * n + i] else { return nil }
            return log(data.close[t * n + i] / data.close[s * n + i])
        }
        for t in 0..<T {
            var sum = 0.0, sum2 = 0.0, m = 0
            for i in 0..<n {
                if let r = lr(t, t - 5, i) {
                    v[(t * n + i) * k] = Float(-r)
                    sum += r; sum2 += r * r; m += 1
                }
                if let r = lr(t - 5, t - 126, i) { v[(t * n + i) * k + 1] = Float(r) }
            }
            if m >= 2 {
                let sd = Float(max(0, (sum2 - sum * sum / Double(m)) / Double(m - 1)).squareRoot())
                for i in 0..<n { v[(t * n + i) * k + 2] = sd }
            }
        }
        return FeatureMatrix(names: names, assets: data.assets, barCount: T, values: v)
    }
}
