#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reward of one step, term by term (each already multiplied by its weight).
public struct RewardTerms: Sendable, Equatable {
    /// `logReturnWeight · log(1 + net return)`.
    public var logReturn: Double = 0
    /// `−turnoverPenalty · turnover`.
    public var turnover: Double = 0
    /// `−drawdownPenalty · max(0, drawdown − previous drawdown)`.
    public var drawdown: Double = 0
    /// `−variancePenalty · (R − m)²`, m the EWMA of past net returns.
    public var variance: Double = 0
    /// `differentialSharpeWeight · D_t` (Moody & Saffell 2001).
    public var differentialSharpe: Double = 0
    /// `−exposurePenalty · gross`.
    public var exposure: Double = 0

    /// All terms zero.
    public init() {}

    /// The reward: the sum of the terms.
    public var total: Double { logReturn + turnover + drawdown + variance + differentialSharpe + exposure }
}

/// Computes the shaped reward from a step's outcome, keeping the running statistics it needs.
///
/// Differential Sharpe ratio (J. Moody and M. Saffell, "Learning to Trade via Direct Reinforcement",
/// IEEE Trans. Neural Networks 12(4), 2001, eq. 6-8): with EWMA moments A (mean) and B (second
/// moment) at rate η,
///   ΔA = R − A_{t−1},  ΔB = R² − B_{t−1},
///   D_t = (B_{t−1} ΔA − ½ A_{t−1} ΔB) / (B_{t−1} − A_{t−1}²)^{3/2},
/// then A_t = A_{t−1} + η ΔA, B_t = B_{t−1} + η ΔB. D_t is 0 while the variance estimate is not
/// positive (the first steps of an episode).
public struct RewardShaper: Sendable, Equatable {
    /// The weights and rates.
    public let config: RewardConfig
    private(set) var dsrA = 0.0
    private(set) var dsrB = 0.0
    private(set) var mean = 0.0
    private(set) var previousDrawdown = 0.0

    /// A shaper with cleared statistics.
    public init(_ config: RewardConfig) { self.config = config }

    /// The running statistics (DSR moments A and B, the variance term's mean, the last drawdown), for state export.
    public var statistics: [Double] { [dsrA, dsrB, mean, previousDrawdown] }

    /// Restores `statistics`.
    /// - Precondition: four values.
    public mutating func restore(statistics s: [Double]) {
        precondition(s.count == 4, "RewardShaper.restore: expected 4 statistics, got \(s.count)")
        dsrA = s[0]; dsrB = s[1]; mean = s[2]; previousDrawdown = s[3]
    }

    /// Clears the running statistics (start of an episode).
    public mutating func reset() {
        dsrA = 0; dsrB = 0; mean = 0; previousDrawdown = 0
    }

    /// The terms for a step with net return `r`, `turnover`, resulting `drawdown` and `gross`.
    /// `r` must be > −1 (the env floors 1 + r before calling).
    public mutating func terms(netReturn r: Double, turnover: Double, drawdown: Double, gross: Double) -> RewardTerms {
        var t = RewardTerms()
        t.logReturn = config.logReturnWeight * log1p(max(r, -1 + 1e-12))
        t.turnover = -config.turnoverPenalty * turnover
        t.drawdown = -config.drawdownPenalty * max(0, drawdown - previousDrawdown)
        previousDrawdown = drawdown
        let dev = r - mean
        t.variance = -config.variancePenalty * dev * dev
        mean += config.varianceDecay * dev
        let dA = r - dsrA, dB = r * r - dsrB
        let v = dsrB - dsrA * dsrA
        var d = 0.0
        if v > 1e-16 {
            d = (dsrB * dA - 0.5 * dsrA * dB) / (v * v.squareRoot())
            if !d.isFinite { d = 0 }
        }
        t.differentialSharpe = config.differentialSharpeWeight * d
        dsrA += config.differentialSharpeDecay * dA
        dsrB += config.differentialSharpeDecay * dB
        t.exposure = -config.exposurePenalty * gross
        return t
    }
}
