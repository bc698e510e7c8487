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

    /// Trailing volatility by running sums: for each t in `0..<count`, the standard deviation of
    /// `x[max(0, t−window+1)...t]` (inclusive: r_t is known at t's close). Writes the values for
    /// `t ≥ from` to `out[(t − from) * stride]`; earlier ones are computed (the sums need them) but
    /// not stored.
    /// - Parameters:
    ///   - x: `count` log returns of one asset, oldest first (contiguous).
    ///   - window: bars in the window (≥ 2).
    static func trailingVolatility(_ x: UnsafePointer<Float>, count: Int, window: Int, from: Int,
                                   into out: UnsafeMutablePointer<Double>, stride: Int) {
        var s = 0.0, s2 = 0.0
        for t in 0..<count {
            let v = Double(x[t])
            s += v; s2 += v * v
            if t >= window {
                let y = Double(x[t - window])
                s -= y; s2 -= y * y
            }
            if t >= from {
                let n = Double(min(t + 1, window))
                let variance = n > 1 ? max(0, (s2 - s * s / n) / (n - 1)) : 0
                out[(t - from) * stride] = variance.squareRoot()
            }
        }
    }

    /// Trailing beta by running sums: for each t, the OLS slope of the asset's log returns `y` on
    /// the benchmark's `x` over the window ending at t; 1 with fewer than 5 bars or a flat benchmark.
    /// Writes the values for `t ≥ from` to `out[(t − from) * stride]`.
    static func trailingBeta(asset y: UnsafePointer<Float>, benchmark x: UnsafePointer<Double>, count: Int, window: Int,
                             from: Int, into out: UnsafeMutablePointer<Double>, stride: Int) {
        var sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for t in 0..<count {
            let a = x[t], b = Double(y[t])
            sx += a; sy += b; sxx += a * a; sxy += a * b
            if t >= window {
                let a0 = x[t - window], b0 = Double(y[t - window])
                sx -= a0; sy -= b0; sxx -= a0 * a0; sxy -= a0 * b0
            }
            if t >= from {
                let n = Double(min(t + 1, window))
                let varX = sxx - sx * sx / n
                out[(t - from) * stride] = n >= 5 && varX > 1e-14 ? (sxy - sx * sy / n) / varX : 1
            }
        }
    }

    /// Index of a feature by name (`path` names the config field in the error).
    /// - Throws: `MarketEnvError.unknownFeature`.
    static func featureIndex(_ name: String, in names: [String], path: String) throws(MarketEnvError) -> Int {
        guard let k = names.firstIndex(of: name) else { throw .unknownFeature(path: path, name: name, available: names) }
        return k
    }
}
