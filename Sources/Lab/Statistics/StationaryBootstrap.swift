import Foundation

/// The stationary block bootstrap of Politis & Romano (1994) for serially dependent series.
///
/// A resample of n indices is built from blocks whose starts are uniform on 0..<n and whose
/// lengths are geometric with mean `meanBlockLength` (each next index continues the block,
/// wrapping circularly, with probability 1 − 1/L, else a new block starts). Resampling the *same*
/// index sequence from several series keeps them paired (agent and baseline on the same bars).
///
/// Block length rule (`automaticBlockLength`): L = n^{1/3}, the rate-optimal order of the block
/// length for variance and distribution estimation of a mean (Hall, Horowitz & Jing, "On blocking
/// rules for the bootstrap with dependent data", Biometrika 82(3), 1995; Politis & White 2004 give
/// the same n^{1/3} order with a data-dependent constant). It is fixed, documented and reproducible.
///
/// Reference: D. N. Politis and J. P. Romano, "The Stationary Bootstrap", JASA 89(428), 1994.
/// Coverage on a simulated AR(1) series is checked in `StationaryBootstrapTests`.
public struct StationaryBootstrap: Sendable, Equatable {
    /// Mean block length L in bars (≥ 1; 1 is the i.i.d. bootstrap).
    public var meanBlockLength: Double
    /// Bootstrap resamples. Default 2,000 (Efron & Tibshirani 1993 recommend ≥ 1,000 for percentile intervals).
    public var replicates: Int
    /// Seed of the resampling stream: same seed, same interval.
    public var seed: UInt64

    public init(meanBlockLength: Double, replicates: Int = 2000, seed: UInt64 = 0) {
        self.meanBlockLength = meanBlockLength
        self.replicates = replicates
        self.seed = seed
    }

    /// The documented rule L = n^{1/3} (at least 1).
    public static func automaticBlockLength(count: Int) -> Double { max(1, pow(Double(count), 1.0 / 3.0)) }

    /// A bootstrap with the automatic block length for series of `count` bars.
    public static func automatic(count: Int, replicates: Int = 2000, seed: UInt64 = 0) -> StationaryBootstrap {
        StationaryBootstrap(meanBlockLength: automaticBlockLength(count: count), replicates: replicates, seed: seed)
    }

    /// The shortest series this bootstrap accepts: two mean blocks and at least 8 bars, so that a
    /// resample mixes more than one block and a standard deviation is defined.
    public var minimumCount: Int { max(8, Int((2 * meanBlockLength).rounded(.up))) }

    /// Refuses a series of `count` bars that is too short, naming `what` and the minimum.
    public func check(count: Int, what: String) throws(StatisticsError) {
        guard meanBlockLength >= 1, meanBlockLength.isFinite else {
            throw .badParameter(name: "meanBlockLength", found: "\(meanBlockLength)", expected: "a finite number ≥ 1 (bars)")
        }
        guard replicates >= 100 else { throw .badParameter(name: "replicates", found: "\(replicates)", expected: "at least 100 resamples") }
        if count < minimumCount { throw .seriesTooShort(what: what, count: count, minimum: minimumCount, blockLength: meanBlockLength) }
    }

    /// One resample of indices into a series of `count` bars.
    public func indices(count n: Int, rng: inout Xoshiro256) -> [Int] {
        var out = [Int](repeating: 0, count: n)
        let p = 1 / meanBlockLength
        var k = rng.uniformInt(below: n)
        for i in 0..<n {
            if i > 0 {
                if rng.uniformDouble() < p { k = rng.uniformInt(below: n) } else { k += 1; if k == n { k = 0 } }
            }
            out[i] = k
        }
        return out
    }

    /// The bootstrap distribution of `statistic`, evaluated on `replicates` index resamples.
    public func distribution(count: Int, statistic: ([Int]) -> Double) -> [Double] {
        var rng = Xoshiro256(seed: seed)
        var out = [Double]()
        out.reserveCapacity(replicates)
        for _ in 0..<replicates { out.append(statistic(indices(count: count, rng: &rng))) }
        return out
    }

    /// The percentile interval of `values` at `level` (e.g. 0.95 → the 2.5% and 97.5% quantiles,
    /// linear interpolation between order statistics as NumPy's default).
    public static func percentileInterval(_ values: [Double], level: Double = 0.95) -> (lower: Double, upper: Double) {
        let s = values.sorted()
        return (quantile(sorted: s, (1 - level) / 2), quantile(sorted: s, 1 - (1 - level) / 2))
    }

    /// The q-quantile of sorted values, linear interpolation (NumPy `quantile`, method "linear").
    public static func quantile(sorted s: [Double], _ q: Double) -> Double {
        precondition(!s.isEmpty, "quantile of an empty list")
        let h = Double(s.count - 1) * q
        let lo = Int(h.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    /// A percentile interval for the mean of `x` (the statistic the coverage test checks).
    public func meanInterval(_ x: [Double], level: Double = 0.95) throws(StatisticsError) -> (lower: Double, upper: Double) {
        try check(count: x.count, what: "mean")
        let d = distribution(count: x.count) { idx in
            var s = 0.0
            for i in idx { s += x[i] }
            return s / Double(idx.count)
        }
        return Self.percentileInterval(d, level: level)
    }
}
