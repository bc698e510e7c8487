import Foundation  // NSLock
import SeededRandom

/// The immutable part of a `MarketEnv`: data, config and the pure building blocks, validated once
/// and shared by reference between copies of the env. The step itself is `MarketBatchKernel.stepCopy`.
final class MarketEngine: Sendable {
    let config: MarketEnvConfig
    let panel: MarketPanel
    let projection: NeutralityProjection
    let scheme: ActionScheme
    let builder: ObservationBuilder
    let warmup: Int
    let useOpens: Bool
    let hasBenchmark: Bool
    /// Mean confidence C_t per bar (for the adaptive threshold; empty when its b = 0), precomputed.
    let confidence: [Double]
    /// The combined signal's strength S_t per bar (for the adaptive threshold; empty when its a = 0).
    let strength: [Double]
    /// `sizing` scheme: the unit prediction book per bar (T x N), `ActionScheme.predictionBook` at
    /// gross 1, cached because it does not depend on the action.
    let unitBooks: [Double]
    private let tablesSlot = TablesSlot()

    /// The stepper's tables without precomputed `sizing` books, built on first use and shared by
    /// every env over this engine.
    var sharedTables: MarketBatchTables { tablesSlot.get { MarketBatchTables(engine: self, levelBooks: false) } }

    init(panel: MarketPanel, config: MarketEnvConfig) throws(MarketEnvError) {
        let c = config.constraints
        for (path, panelValue, configValue) in [
            ("observation.volatilityWindow", "\(panel.volatilityWindow)", "\(config.observation.volatilityWindow)"),
            ("constraints.betaWindow", "\(panel.betaWindow)", "\(c.betaWindow)"),
            ("action.confidenceFeature", panel.confidenceFeature, config.action.confidenceFeature),
        ] where panelValue != configValue {
            throw .invalidConfig(path: path, found: "'\(configValue)' in the config", expected: "'\(panelValue)', the value the panel was prepared with (prepare the panel from the same config)")
        }
        guard config.universe.isEmpty || config.universe == panel.assets else {
            throw .invalidConfig(path: "universe", found: "\(config.universe)", expected: "the panel's assets \(panel.assets) (prepare the panel from the same config)")
        }
        try config.checkConstraints()
        guard config.episode.horizon >= 1 else { throw .invalidConfig(path: "episode.horizon", found: "\(config.episode.horizon)", expected: "at least 1 step") }
        guard config.episode.maxDrawdown > 0 else { throw .invalidConfig(path: "episode.maxDrawdown", found: "\(config.episode.maxDrawdown)", expected: "in (0, 1]") }
        guard config.episode.initialNAV > 0, config.episode.initialNAV.isFinite else { throw .invalidConfig(path: "episode.initialNAV", found: "\(config.episode.initialNAV)", expected: "> 0") }
        if c.betaNeutral && panel.benchmarkReturns == nil {
            throw .invalidConfig(path: "constraints.betaNeutral", found: "true", expected: "false, or a benchmark series passed to the environment")
        }
        if c.thresholdScalesWithConfidence && panel.confidenceIndex == nil {
            throw .invalidConfig(path: "constraints.thresholdScalesWithConfidence", found: "true", expected: "false, or action.confidenceFeature set")
        }
        if c.thresholdConfidenceCoefficient != 0 && panel.confidenceIndex == nil {
            throw .invalidConfig(path: "constraints.thresholdConfidenceCoefficient", found: "\(c.thresholdConfidenceCoefficient)", expected: "0, or action.confidenceFeature set")
        }
        let costs = config.costs
        for (path, v) in [("costs.feeBps", costs.feeBps), ("costs.slippageBps", costs.slippageBps), ("costs.borrowAnnualBps", costs.borrowAnnualBps), ("costs.fundingAnnualBps", costs.fundingAnnualBps)] where !(v.isFinite && v >= 0) {
            throw .invalidConfig(path: path, found: "\(v)", expected: "a finite number of basis points ≥ 0")
        }
        if !costs.fundingSeries.isEmpty && panel.fundingRates == nil {
            throw .invalidConfig(path: "costs.fundingSeries", found: "'\(costs.fundingSeries)' but a panel without funding rates",
                                 expected: "the file's rates loaded into the panel (MarketPanel(funding:); the lab loads the file this names)")
        }
        guard costs.slippageVolatilityReference > 0 else { throw .invalidConfig(path: "costs.slippageVolatilityReference", found: "\(costs.slippageVolatilityReference)", expected: "> 0") }
        self.config = config
        self.panel = panel
        projection = NeutralityProjection(c)
        scheme = try ActionScheme(config.action, maxWeight: c.maxWeight, assetCount: panel.assetCount, featureNames: panel.featureNames)
        builder = try ObservationBuilder(panel: panel, config: config.observation)
        warmup = config.warmup
        hasBenchmark = panel.benchmarkReturns != nil
        useOpens = costs.execution == .nextOpen && panel.gapReturns != nil
        // The unit books (sizing) and the strengths (the adaptive threshold) come from the same
        // `SignalCombination.book` pass; the strength is the book's own L1 before normalization.
        let n = panel.assetCount, sizing = config.action.scheme == .sizing, strengthScales = c.thresholdStrengthCoefficient != 0
        var books = [Double](repeating: 0, count: sizing || strengthScales ? panel.barCount * n : 0)
        var strengths = [Double](repeating: 0, count: strengthScales ? panel.barCount : 0)
        if !books.isEmpty {
            let scheme = scheme
            books.withUnsafeMutableBufferPointer { b in
                for t in 0..<panel.barCount {
                    let s = scheme.predictionBook(panel: panel, bar: t, gross: 1, into: UnsafeMutableBufferPointer(rebasing: b[t * n ..< (t + 1) * n]))
                    if strengthScales { strengths[t] = s }
                }
            }
        }
        unitBooks = sizing ? books : []
        strength = strengths
        confidence = c.confidenceCoefficient != 0 ? (0..<panel.barCount).map { panel.meanConfidence(bar: $0) } : []
    }

    /// The raw book for `action` at bar t: `scheme.rawBook`, with the sizing book read from the cache
    /// (bit-identical to `ActionScheme.predictionBook` at the chosen gross).
    @inline(__always)
    func rawBook(_ action: Action, bar t: Int, into w: UnsafeMutableBufferPointer<Double>) throws(EnvironmentError) {
        if case .discrete(let a) = action, scheme.kind == .sizing, a >= 0, a < scheme.grossLevels.count {
            sizingBook(level: a, bar: t, into: w)
            return
        }
        try scheme.rawBook(action, panel: panel, bar: t, into: w)
    }

    /// The `sizing` scheme's raw book for level `a` at bar t, from the cached unit book.
    /// - Precondition: the scheme is `sizing` and `a` one of its levels.
    @inline(__always)
    func sizingBook(level a: Int, bar t: Int, into w: UnsafeMutableBufferPointer<Double>) {
        let g = scheme.grossLevels[a], n = w.count
        unitBooks.withUnsafeBufferPointer { u in
            for i in 0..<n { w[i] = u[t * n + i] * g }
        }
    }

    /// The bounds of a new episode (`MarketEnv`'s reset rules, shared with `MarketVectorEnv`):
    /// checks the options, switches `split` when asked, sets `lastDecisionBar`, and draws the
    /// start bar from `rng` unless the episode is an evaluation or the start is given.
    /// - Throws: `EnvironmentError.invalidOption` for an unknown option, an out-of-range start or a bad split.
    func startEpisode(split: inout DataSplit, lastDecisionBar: inout Int, options: ResetOptions, rng: inout Xoshiro256) throws(EnvironmentError) -> (startBar: Int, horizon: Int) {
        for key in options.values.keys where key != "evaluation" && key != "start" {
            throw .invalidOption("unknown option '\(key)'; MarketEnv takes values 'evaluation', 'start' and string 'split'")
        }
        for key in options.strings.keys where key != "split" {
            throw .invalidOption("unknown option '\(key)'; MarketEnv takes values 'evaluation', 'start' and string 'split'")
        }
        if let name = options.strings["split"] {
            do { split = try DataSplit.named(name, config: config.splits, timestamps: panel.timestamps) } catch { throw .invalidOption("split '\(name)': \(error)") }
        }
        let evaluation = config.episode.evaluation || (options.values["evaluation"] ?? 0) != 0
        // A decision at t needs the return over (t, t+1], so the last decision bar is the split's second to last.
        lastDecisionBar = split.bars.upperBound - 2
        var first = max(split.bars.lowerBound, warmup)
        if first > lastDecisionBar { first = split.bars.lowerBound }
        guard first <= lastDecisionBar else {
            throw .invalidOption("split '\(split.name)' has \(split.bars.count) bars; at least 2 are needed for one step")
        }
        let startBar: Int
        if let s = options.values["start"] {
            guard s.isFinite, s == s.rounded(), Int(s) >= split.bars.lowerBound, Int(s) <= lastDecisionBar else {
                throw .invalidOption("start \(s) outside the split's decision bars \(split.bars.lowerBound)...\(lastDecisionBar)")
            }
            startBar = Int(s)
        } else if evaluation {
            startBar = first
        } else {
            let latest = max(first, lastDecisionBar - config.episode.horizon + 1)
            startBar = first + rng.uniformInt(below: latest - first + 1)
        }
        return (startBar, evaluation ? lastDecisionBar - startBar + 1 : config.episode.horizon)
    }

    // The pieces of a step (`MarketBatchKernel.stepCopy`, the one stepper) and of the batch tables'
    // precomputed sums (same functions, same order, so the two give identical bits).

    /// The rebalance threshold's decision at t: true when the target is within the adaptive
    /// threshold θ / (1 + a·S_t + b·max(0, C_t)) of the held book as of t's close (no look-ahead:
    /// S_t and C_t read bar t's predictions only). a = `thresholdStrengthCoefficient`, b =
    /// `confidenceCoefficient`; each term is left out when its coefficient is 0, so the defaults
    /// (and `thresholdScalesWithConfidence`, b = 1) divide exactly as before.
    @inline(__always)
    func holds(target tg: UnsafeBufferPointer<Double>, held w: UnsafeBufferPointer<Double>, bar t: Int) -> Bool {
        let c = config.constraints
        let threshold = c.rebalanceThreshold
        guard threshold > 0 else { return false }
        let l1 = Self.distance(tg, w)
        var eff = threshold
        let a = c.thresholdStrengthCoefficient, b = c.confidenceCoefficient
        if a != 0 || b != 0 {
            var divisor = 1.0
            if a != 0 { divisor += a * strength[t] }
            if b != 0 { divisor += b * max(0, confidence[t]) }
            eff /= divisor
        }
        return l1 < eff
    }

    /// Next-open execution's first phase: the held book rides the overnight gap (`gap`: N returns
    /// over (close t, open t+1]) and is left drifted in `w`. Returns NAV at the open and the gap return.
    @inline(__always)
    static func rideGap(held w: UnsafeMutableBufferPointer<Double>, gap: UnsafeBufferPointer<Double>, nav: Double) -> (navTrade: Double, gap: Double) {
        let g = dot(UnsafeBufferPointer(w), gap)
        let d = 1 + g
        for i in 0..<w.count { w[i] = d > 0 ? w[i] * (1 + gap[i]) / d : 0 }
        return (nav * max(d, 0), g)
    }

    /// Σ a_i b_i, summed in index order from 0.
    @inline(__always)
    static func dot(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    /// Σ |a_i − b_i| (turnover, the threshold's distance), in index order from 0.
    @inline(__always)
    static func distance(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += abs(a[i] - b[i]) }
        return s
    }

    /// The long and short notional of a book (Σ max(w, 0), Σ max(−w, 0)).
    @inline(__always)
    static func sides(_ w: UnsafeBufferPointer<Double>) -> (long: Double, short: Double) {
        var long = 0.0, short = 0.0
        for i in 0..<w.count {
            let x = w[i]
            long += x > 0 ? x : 0
            short -= x < 0 ? x : 0
        }
        return (long, short)
    }

    /// Σ |Δw_i| σ_i / σ_ref: the turnover slippage is charged on when it scales with volatility.
    @inline(__always)
    static func volatilityWeightedTurnover(target tg: UnsafeBufferPointer<Double>, held w: UnsafeBufferPointer<Double>, volatility vol: UnsafeBufferPointer<Double>, reference: Double) -> Double {
        var slip = 0.0
        for i in 0..<w.count { slip += abs(tg[i] - w[i]) * vol[i] / reference }
        return slip
    }

    /// Books the step from the traded book's sums: fills `info`'s turnover, costs, gross, net, beta
    /// exposure, gross and net return and NAV; returns the divisor that drifts the book
    /// (w_i ← w_i (1 + r_i) / d, or 0 when d ≤ 0). `fundingCharge` is Σ_i w_i·f_i of the traded
    /// book and the funding rates stamped in (t, t+1], or nil without a funding series.
    @inline(__always)
    func settle(_ info: inout MarketStepInfo, turnover: Double, slip: Double, long: Double, short: Double, betaExposure: Double,
                bookReturn g: Double, navTrade: Double, nav: Double, years: Double, fundingCharge: Double?) -> Double {
        let c = config.costs
        let feeRate = c.feeBps * 1e-4, slipRate = c.slippageBps * 1e-4
        let costFactor = navTrade / nav
        info.turnover = turnover * costFactor
        info.fee = feeRate * turnover * costFactor
        info.slippage = slipRate * slip * costFactor
        info.borrow = c.borrowAnnualBps * 1e-4 * short * years * costFactor
        info.funding = c.fundingAnnualBps * 1e-4 * long * years * costFactor
        if let fundingCharge { info.funding += fundingCharge * costFactor }
        info.gross = long + short
        info.net = long - short
        info.betaExposure = betaExposure
        info.grossReturn = useOpens ? (1 + info.grossReturn) * (1 + g) - 1 : g
        let costFraction = info.fee + info.slippage + info.borrow + info.funding
        // NAV_{t+1} = NAV_t (1 + Σ w r − cost), with costs and gap folded in for next-open execution.
        let growth = useOpens ? costFactor * (1 + g - costFraction / costFactor) : 1 + g - costFraction
        info.nav = nav * max(growth, 0)
        info.netReturn = max(growth, 0) - 1
        return 1 + g - (useOpens ? costFraction / costFactor : costFraction)
    }
}

/// A lazily built `MarketBatchTables`, under a lock (engines are shared across threads).
private final class TablesSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: MarketBatchTables?

    func get(_ make: () -> MarketBatchTables) -> MarketBatchTables {
        lock.lock()
        defer { lock.unlock() }
        if let tables { return tables }
        let built = make()
        tables = built
        return built
    }
}
