import Foundation

/// Mean, standard deviation, skewness and kurtosis of a return series, as the Sharpe-ratio
/// statistics use them.
///
/// `std` divides by n − 1 (as `BacktestMetrics` and pandas do); `skewness` and `kurtosis` are the
/// moment estimators m₃/m₂^{3/2} and m₄/m₂² with m_k = Σ(x − x̄)^k / n (SciPy's `skew` and
/// `kurtosis(fisher=False)` with `bias=True`, the estimators Bailey & López de Prado use).
/// `kurtosis` is the *non-excess* kurtosis: 3 for a normal distribution.
public struct SampleMoments: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    public var std: Double
    public var skewness: Double
    public var kurtosis: Double

    /// - Precondition: at least two values.
    public init(_ x: [Double]) {
        precondition(x.count >= 2, "SampleMoments: need at least 2 values, found \(x.count)")
        let n = Double(x.count)
        let m = x.reduce(0, +) / n
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for v in x {
            let d = v - m, d2 = d * d
            m2 += d2; m3 += d2 * d; m4 += d2 * d2
        }
        m2 /= n; m3 /= n; m4 /= n
        count = x.count
        mean = m
        std = (m2 * n / (n - 1)).squareRoot()
        skewness = m2 > 0 ? m3 / pow(m2, 1.5) : 0
        kurtosis = m2 > 0 ? m4 / (m2 * m2) : 3
    }

    /// The per-period Sharpe ratio mean / std (0 when the series is constant).
    public var sharpe: Double { std > 0 ? mean / std : 0 }
}

/// The per-period Sharpe ratio of `x` (mean / sample std); 0 for a constant series.
@inlinable
public func periodSharpe(_ x: [Double]) -> Double {
    let n = x.count
    guard n >= 2 else { return 0 }
    var s = 0.0
    for v in x { s += v }
    let m = s / Double(n)
    var ss = 0.0
    for v in x { ss += (v - m) * (v - m) }
    let sd = (ss / Double(n - 1)).squareRoot()
    return sd > 0 ? m / sd : 0
}
