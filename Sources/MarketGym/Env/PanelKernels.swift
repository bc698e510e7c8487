#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-cell and trailing-window arithmetic of a `MarketPanel`, in one place: `MarketPanel`
/// runs it over a whole history, `BarWindow` over the few bars one decision needs (the trading
/// daemon's per-bar path). Same functions, same order of operations, hence the same bits.
enum PanelKernels {
    /// Whether a close makes the asset tradable at its bar (a finite, positive price).
    @inline(__always)
    static func isTradable(_ close: Double) -> Bool { close.isFinite && close > 0 }

    /// Simple and log return over (t−1, t] between two tradable closes.
    @inline(__always)
    static func barReturn(previous: Double, current: Double) -> (simple: Double, log: Float) {
        let r = current / previous
        return (r - 1, Float(log(r)))
    }

    /// Benchmark simple and log return over (t−1, t], or nil when either close is not a finite positive price.
    @inline(__always)
    static func benchmarkReturn(previous: Double, current: Double) -> (simple: Double, log: Double)? {
        guard current.isFinite && previous.isFinite && current > 0 && previous > 0 else { return nil }
        return (current / previous - 1, log(current / previous))
    }

    /// A prediction value as stored (missing → 0) and whether it is present.
    @inline(__always)
    static func feature(_ v: Float) -> (value: Float, present: Bool) { v.isFinite ? (v, true) : (0, false) }

    /// Trailing volatility: for each t ≥ `from` in `0..<count`, the sample standard deviation of
    /// `x[max(0, t−window+1)...t]` (inclusive: r_t is known at t's close), written to
    /// `out[(t − from) * stride]`.
    ///
    /// Each value is computed from its own window alone (mean first, then the squared deviations,
    /// in index order), not by running sums over everything before it: the value at t is then the
    /// same bits whether the series is a whole history (`MarketPanel`) or the few bars a decision
    /// needs (`BarWindow`, the trading daemon), so env and daemon agree exactly.
    /// - Parameters:
    ///   - x: `count` log returns of one asset, oldest first (contiguous).
    ///   - window: bars in the window (≥ 2).
    /// - Complexity: O((count − from) · window).
    static func trailingVolatility(_ x: UnsafePointer<Float>, count: Int, window: Int, from: Int,
                                   into out: UnsafeMutablePointer<Double>, stride: Int) {
        for t in max(from, 0)..<count {
            let lo = max(0, t - window + 1), n = t - lo + 1
            guard n > 1 else { out[(t - from) * stride] = 0; continue }
            var s = 0.0
            for j in lo...t { s += Double(x[j]) }
            let mean = s / Double(n)
            var s2 = 0.0
            for j in lo...t { let d = Double(x[j]) - mean; s2 += d * d }
            out[(t - from) * stride] = (s2 / Double(n - 1)).squareRoot()
        }
    }

    /// Trailing beta: for each t ≥ `from`, the OLS slope of the asset's log returns `y` on the
    /// benchmark's `x` over the window ending at t (means first, then the centred sums, in index
    /// order; each window on its own, as `trailingVolatility`); 1 with fewer than 5 bars or a flat
    /// benchmark. Writes to `out[(t − from) * stride]`.
    /// - Complexity: O((count − from) · window).
    static func trailingBeta(asset y: UnsafePointer<Float>, benchmark x: UnsafePointer<Double>, count: Int, window: Int,
                             from: Int, into out: UnsafeMutablePointer<Double>, stride: Int) {
        for t in max(from, 0)..<count {
            let lo = max(0, t - window + 1), n = t - lo + 1
            guard n >= 5 else { out[(t - from) * stride] = 1; continue }
            var sx = 0.0, sy = 0.0
            for j in lo...t { sx += x[j]; sy += Double(y[j]) }
            let mx = sx / Double(n), my = sy / Double(n)
            var sxx = 0.0, sxy = 0.0
            for j in lo...t {
                let a = x[j] - mx, b = Double(y[j]) - my
                sxx += a * a; sxy += a * b
            }
            out[(t - from) * stride] = sxx > 1e-14 ? sxy / sxx : 1
        }
    }

    /// Index of a feature by name (`path` names the config field in the error).
    /// - Throws: `MarketEnvError.unknownFeature`.
    static func featureIndex(_ name: String, in names: [String], path: String) throws(MarketEnvError) -> Int {
        guard let k = names.firstIndex(of: name) else { throw .unknownFeature(path: path, name: name, available: names) }
        return k
    }
}
