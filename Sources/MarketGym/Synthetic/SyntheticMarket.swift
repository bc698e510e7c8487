import SeededRandom

/// A synthetic market whose predictions have a known, time-varying signal-to-noise ratio, so the
/// optimal position size is known analytically (docs/market-env.md, "Synthetic market").
///
/// Model, for bars t = 0..<T and assets i = 0..<N:
/// - a regime s_t ∈ `snrLevels`, a Markov chain that with probability `switchProbability` per bar
///   jumps to a uniformly drawn level (so the levels are equally likely in the long run);
/// - a prediction z_{t,i} ~ N(0, 1), known at bar t (feature `pred`), and the regime s_t
///   (feature `snr`, the same for every asset: the signal's confidence);
/// - the return over (t, t+1]: r_{t+1,i} = β_i m_{t+1} + σ (s_t z_{t,i} + ε_{t+1,i}), with
///   ε ~ N(0, 1), a market factor m ~ N(0, σ_m²) and betas β_i uniform in [0.5, 1.5];
///   prices compound these returns; the benchmark compounds m.
///
/// Optimal size: the prediction book b_t = (z_t − z̄_t)/Σ|z_t − z̄_t| at gross g has conditional
/// mean g s_t σ D_t (D_t = Σ(z−z̄)²/Σ|z−z̄|, independent of s_t) and variance g² V_t (V_t from ε and
/// m, independent of s_t). The mean-variance (and, for small returns, Kelly) optimal gross is
/// therefore g*_t = s_t σ D_t / (γ V_t) ∝ s_t: size in proportion to the SNR. Over a long sample a
/// constant gross has Sharpe ∝ E[s] while g ∝ s has Sharpe ∝ √E[s²] (to first order in the
/// per-bar Sharpe), a ratio of √E[s²] / E[s] ≥ 1 (Jensen) — the test's analytic reference.
public struct SyntheticMarket: Sendable {
    /// Generator settings.
    public struct Config: Sendable, Equatable {
        /// Number of assets N. Default 20.
        public var assets = 20
        /// Number of bars T. Default 2520 (ten years of daily bars).
        public var bars = 2520
        /// Idiosyncratic per-bar volatility σ. Default 0.01 (1% a day).
        public var sigma = 0.01
        /// Market factor per-bar volatility σ_m. Default 0.01.
        public var marketSigma = 0.01
        /// Regime SNR levels. Default 0 and 0.06 (signal off / on).
        public var snrLevels: [Double] = [0, 0.06]
        /// Per-bar probability of redrawing the regime. Default 0.02 (regimes last ~50 bars).
        public var switchProbability = 0.02
        /// Seconds between bars. Default 86,400 (daily, calendar spacing).
        public var barSeconds: Int64 = 86_400
        /// Timestamp of bar 0. Default 2000-01-01 UTC.
        public var startTimestamp: Int64 = 946_684_800
        /// Also emit opens (equal to the previous close plus half the bar's move). Default false.
        public var withOpens = false

        public init() {}
    }

    /// The bars (closes, optional opens).
    public let data: MarketData
    /// Features `pred` (z) and `snr` (s_t), T x N x 2.
    public let features: FeatureMatrix
    /// Benchmark closes (the market factor compounded).
    public let benchmark: [Double]
    /// The regime s_t per bar.
    public let snr: [Double]
    /// Asset betas to the market factor.
    public let betas: [Double]

    /// Generates a market from `config` with draws from `rng`.
    public init(config: Config, rng: inout Xoshiro256) {
        precondition(config.assets >= 2 && config.bars >= 2 && !config.snrLevels.isEmpty,
                     "SyntheticMarket: assets \(config.assets), bars \(config.bars), levels \(config.snrLevels)")
        let n = config.assets, T = config.bars
        let names = (0..<n).map { "S\($0)" }
        var betas = [Double](repeating: 0, count: n)
        for i in 0..<n { betas[i] = 0.5 + rng.uniformDouble() }
        var close = [Double](repeating: 0, count: T * n)
        var open = [Double](repeating: 0, count: T * n)
        var feats = [Float](repeating: 0, count: T * n * 2)
        var bench = [Double](repeating: 100, count: T)
        var snr = [Double](repeating: 0, count: T)
        var level = rng.uniformInt(below: config.snrLevels.count)
        for i in 0..<n { close[i] = 100; open[i] = 100 }
        var z = [Double](repeating: 0, count: n)
        for t in 0..<T {
            if rng.uniformDouble() < config.switchProbability { level = rng.uniformInt(below: config.snrLevels.count) }
            let s = config.snrLevels[level]
            snr[t] = s
            for i in 0..<n {
                z[i] = rng.normal()
                feats[(t * n + i) * 2] = Float(z[i])
                feats[(t * n + i) * 2 + 1] = Float(s)
            }
            guard t + 1 < T else { break }
            let m = config.marketSigma * rng.normal()
            bench[t + 1] = bench[t] * (1 + m)
            for i in 0..<n {
                let r = max(-0.5, betas[i] * m + config.sigma * (s * z[i] + rng.normal()))
                close[(t + 1) * n + i] = close[t * n + i] * (1 + r)
                open[(t + 1) * n + i] = close[t * n + i] * (1 + r / 2)
            }
        }
        let stamps = (0..<T).map { config.startTimestamp + Int64($0) * config.barSeconds }
        // The arrays are consistent by construction, so MarketData's validation cannot fail.
        guard let d = try? MarketData(assets: names, timestamps: stamps, close: close, open: config.withOpens ? open : nil, source: "synthetic") else {
            preconditionFailure("SyntheticMarket: generated data failed validation")
        }
        data = d
        features = FeatureMatrix(names: ["pred", "snr"], assets: names, barCount: T, values: feats)
        benchmark = bench
        self.snr = snr
        self.betas = betas
    }

    /// √E[s²] / E[s] over the generated regimes: the analytic Sharpe ratio of SNR-proportional
    /// sizing to constant sizing (first order in the per-bar Sharpe; see the type's discussion).
    public func analyticSharpeRatio(bars: Range<Int>) -> Double {
        var s1 = 0.0, s2 = 0.0
        for t in bars { s1 += snr[t]; s2 += snr[t] * snr[t] }
        let m = Double(bars.count)
        return s1 > 0 ? (s2 / m).squareRoot() / (s1 / m) : 1
    }
}
