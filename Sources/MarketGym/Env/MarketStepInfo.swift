/// What happened in one step of `MarketEnv` (also returned by `reset`, with the trade fields zero).
///
/// All fractions are of NAV at the decision bar; returns are simple returns over (t, t+1].
public struct MarketStepInfo: Sendable, Equatable {
    /// The decision bar t (after `reset`: the first decision bar).
    public var bar: Int = 0
    /// Timestamp of the bar the return was realized at (t+1), UTC seconds; after `reset`, of bar t.
    public var timestamp: Int64 = 0
    /// NAV before and after the step.
    public var navBefore: Double = 0
    public var nav: Double = 0
    /// Σ w_i r_i of the traded book (before costs).
    public var grossReturn: Double = 0
    /// (NAV after / NAV before) − 1: gross return minus costs.
    public var netReturn: Double = 0
    /// Costs as fractions of NAV.
    public var fee: Double = 0
    public var slippage: Double = 0
    public var borrow: Double = 0
    public var funding: Double = 0
    /// Σ|Δw| traded.
    public var turnover: Double = 0
    /// Gross Σ|w|, net Σw and beta exposure Σβw of the traded book (beta exposure 0 without a benchmark).
    public var gross: Double = 0
    public var net: Double = 0
    public var betaExposure: Double = 0
    /// Drawdown after the step, 1 − NAV / peak.
    public var drawdown: Double = 0
    /// False when the rebalance threshold kept the drifted book.
    public var rebalanced = true
    /// Benchmark simple return over (t, t+1] (0 without a benchmark).
    public var benchmarkReturn: Double = 0
    /// Real time between t and t+1, years.
    public var years: Double = 0
    /// The reward, term by term; `reward.total` is the step's reward.
    public var reward = RewardTerms()

    /// All fields zero.
    public init() {}

    /// Total costs as a fraction of NAV.
    public var cost: Double { fee + slippage + borrow + funding }
}
