/// Everything that defines a market-neutral environment besides the data itself.
///
/// Plain `Codable` (synthesized): presets in `Environments/*.yaml` and the config JSON in
/// checkpoints decode into it through `StrictDefaultsDecoding`. Every field has a default, so a
/// preset names only what it changes; a key that no config defines is refused naming its path
/// (for example `costs.feeBsp`) and the nearest key.
///
/// ```swift
/// var config = MarketEnvConfig()
/// config.costs.feeBps = 0.5
/// config.constraints.betaNeutral = true
/// let env = try MarketEnv(data: bars, features: predictions, benchmark: index, config: config)
/// ```
public struct MarketEnvConfig: Codable, Sendable, Equatable {
    /// Asset names to trade, a subset of the data's columns; empty means every asset. Default: all.
    public var universe: [String] = []
    /// Train / valid / test date ranges, or a walk-forward fold.
    public var splits = SplitConfig()
    /// Episode length, start rule and termination.
    public var episode = EpisodeConfig()
    /// Fees, slippage, borrow, funding and execution timing.
    public var costs = CostConfig()
    /// Neutrality, leverage and per-asset caps, rebalance threshold.
    public var constraints = ConstraintConfig()
    /// How actions become raw books.
    public var action = ActionConfig()
    /// What the observation holds.
    public var observation = ObservationConfig()
    /// Reward: log return plus weighted shaping terms.
    public var reward = RewardConfig()

    /// The default configuration (every field at its documented default).
    public init() {}
}

/// When trades execute relative to the decision bar.
public enum ExecutionTiming: String, Codable, Sendable, CaseIterable {
    /// At the decision bar's close (the price the observation ends with).
    case close
    /// At the next bar's open; requires opens in the data (falls back to `close` otherwise).
    case nextOpen
}

/// Transaction and carry costs. All in basis points (1 bp = 0.0001).
public struct CostConfig: Codable, Sendable, Equatable {
    /// Fee, bps of traded notional. Default 1 bp: institutional US equity commission plus exchange fees (order of magnitude).
    public var feeBps: Double = 1
    /// Slippage, bps of traded notional. Default 2 bps: half-spread of liquid US large caps (order of magnitude).
    public var slippageBps: Double = 2
    /// Scale slippage by each asset's trailing volatility over `slippageVolatilityReference`. Default false.
    public var slippageScalesWithVolatility = false
    /// Per-bar volatility (standard deviation of log returns) at which scaled slippage equals `slippageBps`. Default 0.02 (a typical daily stock volatility).
    public var slippageVolatilityReference: Double = 0.02
    /// Borrow fee on short notional, bps per year (365.25 days), charged per bar on the real elapsed time. Default 25 bps: general-collateral easy-to-borrow rate.
    public var borrowAnnualBps: Double = 25
    /// Funding on long notional, bps per year, charged like borrow. Default 0 (short proceeds finance the longs of a dollar-neutral book).
    public var fundingAnnualBps: Double = 0
    /// Execution timing. Default `close` (DESIGN.md, timeline step 3).
    public var execution: ExecutionTiming = .close
    /// A funding-rate file (`FundingRates`: timestamp, asset, rate per event), resolved like
    /// `env.data` paths; its rates are charged on the book held at each stamp (longs pay positive
    /// rates, shorts receive them; docs/market-env.md). Empty: none. Default empty.
    public var fundingSeries: String = ""

    /// Every field at its documented default.
    public init() {}
}

/// Portfolio constraints applied by `NeutralityProjection` to every book.
public struct ConstraintConfig: Codable, Sendable, Equatable {
    /// Gross leverage cap, sum of |w| (fraction of NAV). Default 2: a 1x long / 1x short book, common for equity market-neutral funds.
    public var maxGross: Double = 2
    /// Per-asset cap on |w| (fraction of NAV). Default 0.25: with 20 assets a single name can carry at most an eighth of a 2x book.
    public var maxWeight: Double = 0.25
    /// Also make the book beta-neutral against the benchmark (needs a benchmark series). Default false.
    public var betaNeutral = false
    /// Bars of history for the trailing beta estimate (past data only). Default 60 (about a quarter of daily bars).
    public var betaWindow: Int = 60
    /// Rebalance threshold: keep the drifted book when the L1 distance to the target is below it (fraction of NAV). Default 0 (always rebalance).
    public var rebalanceThreshold: Double = 0
    /// Divide the threshold by (1 + mean confidence) so confident signals rebalance sooner: the
    /// adaptive threshold with `thresholdConfidenceCoefficient` b = 1. Needs `action.confidenceFeature`. Default false.
    public var thresholdScalesWithConfidence = false
    /// a in threshold / (1 + a·S_t + b·max(0, C_t)), S_t the combined signal's strength at bar t
    /// (mean |demeaned combined signal| over the book's assets; docs/market-env.md). Per unit of
    /// the combined signal: z-score units with several sources, the source's units with one. Default 0 (no strength scaling).
    public var thresholdStrengthCoefficient: Double = 0
    /// b in the adaptive threshold, C_t the mean confidence at bar t. Needs `action.confidenceFeature`
    /// when non-zero; `thresholdScalesWithConfidence: true` is b = 1 (set one or the other). Default 0.
    public var thresholdConfidenceCoefficient: Double = 0
    /// Alternating projection/capping rounds before the exact final scaling. Default 20 (enough for the residual to fall below 1e-6 in our tests).
    public var projectionIterations: Int = 20

    /// Every field at its documented default.
    public init() {}
}

/// The kind of action the agent takes.
public enum ActionSchemeKind: String, Codable, Sendable, CaseIterable {
    /// Discrete gross level for the prediction-driven long-short book.
    case sizing
    /// One discrete level per asset (for example short / flat / long), times `maxWeight`.
    case perAsset
    /// One continuous score in [-1, 1] per asset, times `maxWeight`.
    case weights
}

/// How an action becomes a raw book before the projection.
public struct ActionConfig: Codable, Sendable, Equatable {
    /// The action scheme. Default `sizing` (DESIGN.md: the agent learns how big to bet).
    public var scheme: ActionSchemeKind = .sizing
    /// `sizing`: the gross exposures (fraction of NAV) the agent chooses from. Default 0, 0.5, 1, 1.5, 2.
    public var grossLevels: [Double] = [0, 0.5, 1, 1.5, 2]
    /// `perAsset`: levels per asset, in units of `constraints.maxWeight`. Default -1, 0, +1 (short, flat, long).
    public var perAssetLevels: [Double] = [-1, 0, 1]
    /// Prediction feature whose cross-sectionally demeaned score gives the `sizing` book's direction; empty = the first feature.
    public var signalFeature: String = ""
    /// Prediction feature read as signal confidence (threshold scaling, confidence baseline); empty = none.
    public var confidenceFeature: String = ""
    /// Prediction features combined into the `sizing` book's signal, each with a weight; empty = the
    /// one source `signalFeature` at weight 1 (the same code: a list of one). Default empty.
    public var signals: [SignalWeight] = []
    /// How `signals` combine (`SignalCombination`): `weighted` or `agreement`. Default `weighted`
    /// (with one source: the source itself, today's book bit for bit).
    public var combine: SignalCombineMode = .weighted

    /// Every field at its documented default.
    public init() {}
}

/// What goes into the observation (names: docs/market-env.md).
public struct ObservationConfig: Codable, Sendable, Equatable {
    /// Bars of log returns per asset (`AAPL.logret[t-0]` ... `[t-(window-1)]`). Default 10 (two trading weeks).
    public var window: Int = 10
    /// Bars in the trailing volatility estimate (`AAPL.vol`, also used by scaled slippage). Default 20 (about a month of daily bars, RiskMetrics-style horizon).
    public var volatilityWindow: Int = 20
    /// Multiplier on log returns and volatility in the observation. Default 100 (percent units keep inputs near 1 for networks).
    public var returnScale: Double = 100
    /// Every observation element is clipped to [-clip, clip]. Default 10.
    public var clip: Double = 10

    /// Every field at its documented default.
    public init() {}
}

/// Episode length, start and end rules.
public struct EpisodeConfig: Codable, Sendable, Equatable {
    /// The split episodes run in: `train`, `valid`, `test` or `all`. Default `train`.
    public var split: String = "train"
    /// Steps before truncation. Default 252 (one year of daily bars).
    public var horizon: Int = 252
    /// Terminate when drawdown from the episode's peak NAV reaches this fraction. Default 0.5; 1 disables (equity ≤ 0 always terminates).
    public var maxDrawdown: Double = 0.5
    /// Walk the whole split from its first bar, deterministically, instead of a random start and the horizon. Default false (the reset option `evaluation = 1` does the same per episode).
    public var evaluation = false
    /// NAV at the start of an episode (currency units; returns do not depend on it). Default 1.
    public var initialNAV: Double = 1

    /// Every field at its documented default.
    public init() {}
}

/// Reward = `logReturnWeight`·log(1 + net return) minus / plus the weighted shaping terms.
public struct RewardConfig: Codable, Sendable, Equatable {
    /// Weight of log(1 + net return). Default 1 (log utility, Kelly).
    public var logReturnWeight: Double = 1
    /// Penalty per unit of turnover (sum |Δw|, fraction of NAV). Default 0 (costs are already in the return).
    public var turnoverPenalty: Double = 0
    /// Penalty per unit increase of drawdown. Default 0.
    public var drawdownPenalty: Double = 0
    /// Penalty on (net return − its running mean)², the running mean an EWMA with `varianceDecay`. Default 0.
    public var variancePenalty: Double = 0
    /// Weight of the differential Sharpe ratio (Moody & Saffell 2001). Default 0.
    public var differentialSharpeWeight: Double = 0
    /// Penalty per unit of gross exposure per bar. Default 0.
    public var exposurePenalty: Double = 0
    /// EWMA rate η of the differential Sharpe ratio's moments. Default 0.01 (Moody & Saffell 2001 use η of order 0.01).
    public var differentialSharpeDecay: Double = 0.01
    /// EWMA rate of the running mean in the variance term. Default 0.01.
    public var varianceDecay: Double = 0.01

    /// Every field at its documented default.
    public init() {}
}

extension ExecutionTiming {
    /// True when trades fill at the next bar's open.
    public var usesOpens: Bool { self == .nextOpen }
}
