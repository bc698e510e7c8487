import SeededRandom

/// The market-neutral trading environment (DESIGN.md, "The market-neutral environment: semantics").
///
/// One step at decision bar t:
/// 1. the agent saw the observation at t's close (`ObservationBuilder`, data at bars ≤ t only);
/// 2. `ActionScheme` turns the action into a raw book, `NeutralityProjection` makes it
///    dollar-neutral (optionally beta-neutral) within the caps; when the L1 distance from the held
///    (drifted) book is below the rebalance threshold, the held book is kept instead (re-projected,
///    so neutrality still holds exactly);
/// 3. trades execute at t's close (or t+1's open with `costs.execution = .nextOpen` and opens),
///    paying fee and slippage on turnover; shorts pay borrow and longs funding for the real time
///    between bars;
/// 4. the book earns Σ w_i r_{t+1,i}; NAV_{t+1} = NAV_t · (1 + Σ w_i r_{t+1,i} − cost_t); weights drift;
/// 5. the reward is log(1 + net return) plus the weighted shaping terms, all reported in `info`.
///
/// Episodes start at a seeded random bar of the split and are truncated after `episode.horizon`
/// steps or at the split's end; they terminate on the drawdown limit or when equity reaches zero.
/// Evaluation (config flag, or reset option `evaluation = 1`) walks the whole split from its first
/// bar deterministically.
///
/// Reset options: `values["evaluation"]` (0/1), `values["start"]` (a decision bar index inside the
/// split), `strings["split"]` (`train`, `valid`, `test`, `all`: switches the split).
///
/// `step` does not allocate: scratch books are preallocated and the observation is written into the
/// caller's buffer.
public struct MarketEnv: Environment {
    public typealias Info = MarketStepInfo

    public let config: MarketEnvConfig
    /// The prepared data.
    public let panel: MarketPanel
    public let projection: NeutralityProjection
    public let scheme: ActionScheme
    public let observationBuilder: ObservationBuilder
    public let observationSpace: BoxSpace
    public let actionSpace: ActionSpace
    public var observationNames: [String] { observationBuilder.names }

    /// The split episodes currently run in.
    public private(set) var split: DataSplit
    /// Bars of history needed before the first decision bar (trailing windows).
    public let warmup: Int

    private var rng: Xoshiro256
    /// The current decision bar t (the bar the last observation describes).
    public private(set) var bar = 0
    private var startBar = 0
    private var lastDecisionBar = 0
    private var horizon = 1
    private var stepsTaken = 0
    private var needsReset = true
    /// NAV and its episode peak.
    public private(set) var nav = 1.0
    private var peak = 1.0
    private var lastNetReturn = 0.0
    /// The held (drifted) book, fraction of NAV per asset.
    public private(set) var weights: [Double]
    /// The book traded at the last step (after projection and threshold), held over (t, t+1].
    public private(set) var tradedWeights: [Double]
    private var shaper: RewardShaper
    private let secondsToYears = 1.0 / secondsPerYear
    private let useOpens: Bool

    /// Builds the environment.
    /// - Parameters:
    ///   - data: the bars.
    ///   - features: prediction features aligned to the bars.
    ///   - benchmark: benchmark closes, one per bar (needed for beta-neutral and benchmark metrics).
    ///   - config: the configuration.
    ///   - seed: seed of the env's generator (re-seeded by `reset(seed:)`).
    /// - Throws: `MarketEnvError` for mismatched data, unknown names, out-of-range config values or
    ///   an empty split.
    public init(data: MarketData, features: FeatureMatrix, benchmark: [Double]? = nil, config: MarketEnvConfig = MarketEnvConfig(), seed: UInt64 = 0) throws(MarketEnvError) {
        let panel = try MarketPanel(
            data: data, features: features, benchmark: benchmark, universe: config.universe,
            volatilityWindow: config.observation.volatilityWindow, betaWindow: config.constraints.betaWindow,
            signalFeature: config.action.signalFeature, confidenceFeature: config.action.confidenceFeature)
        try self.init(panel: panel, config: config, seed: seed)
    }

    /// Builds the environment over an already prepared panel (shares its storage).
    /// - Throws: `MarketEnvError`.
    public init(panel: MarketPanel, config: MarketEnvConfig, seed: UInt64 = 0) throws(MarketEnvError) {
        let c = config.constraints
        guard c.maxGross.isFinite, c.maxGross >= 0 else { throw .invalidConfig(path: "constraints.maxGross", found: "\(c.maxGross)", expected: "a finite number ≥ 0") }
        guard c.maxWeight.isFinite, c.maxWeight >= 0 else { throw .invalidConfig(path: "constraints.maxWeight", found: "\(c.maxWeight)", expected: "a finite number ≥ 0") }
        guard c.rebalanceThreshold >= 0 else { throw .invalidConfig(path: "constraints.rebalanceThreshold", found: "\(c.rebalanceThreshold)", expected: "≥ 0") }
        guard config.episode.horizon >= 1 else { throw .invalidConfig(path: "episode.horizon", found: "\(config.episode.horizon)", expected: "at least 1 step") }
        guard config.episode.maxDrawdown > 0 else { throw .invalidConfig(path: "episode.maxDrawdown", found: "\(config.episode.maxDrawdown)", expected: "in (0, 1]") }
        guard config.episode.initialNAV > 0, config.episode.initialNAV.isFinite else { throw .invalidConfig(path: "episode.initialNAV", found: "\(config.episode.initialNAV)", expected: "> 0") }
        if c.betaNeutral && panel.benchmarkReturns == nil {
            throw .invalidConfig(path: "constraints.betaNeutral", found: "true", expected: "false, or a benchmark series passed to the environment")
        }
        if c.thresholdScalesWithConfidence && panel.confidenceIndex == nil {
            throw .invalidConfig(path: "constraints.thresholdScalesWithConfidence", found: "true", expected: "false, or action.confidenceFeature set")
        }
        let costs = config.costs
        for (path, v) in [("costs.feeBps", costs.feeBps), ("costs.slippageBps", costs.slippageBps), ("costs.borrowAnnualBps", costs.borrowAnnualBps), ("costs.fundingAnnualBps", costs.fundingAnnualBps)] where !(v.isFinite && v >= 0) {
            throw .invalidConfig(path: path, found: "\(v)", expected: "a finite number of basis points ≥ 0")
        }
        guard costs.slippageVolatilityReference > 0 else { throw .invalidConfig(path: "costs.slippageVolatilityReference", found: "\(costs.slippageVolatilityReference)", expected: "> 0") }
        do {
            split = try DataSplit.named(config.episode.split, config: config.splits, timestamps: panel.timestamps)
        } catch {
            throw .split(error)
        }
        self.config = config
        self.panel = panel
        projection = NeutralityProjection(c)
        scheme = try ActionScheme(config.action, maxWeight: c.maxWeight, assetCount: panel.assetCount)
        observationBuilder = try ObservationBuilder(assets: panel.assets, featureNames: panel.featureNames, config: config.observation)
        observationSpace = observationBuilder.space
        actionSpace = scheme.actionSpace
        warmup = max(config.observation.window, config.observation.volatilityWindow, c.betaNeutral ? c.betaWindow : 0)
        rng = Xoshiro256(seed: seed)
        weights = [Double](repeating: 0, count: panel.assetCount)
        tradedWeights = weights
        shaper = RewardShaper(config.reward)
        useOpens = costs.execution == .nextOpen && panel.gapReturns != nil
    }

    // MARK: - Reset

    public mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> MarketStepInfo {
        precondition(observation.count == observationSpace.count, "MarketEnv.reset: buffer has \(observation.count) elements, expected \(observationSpace.count)")
        if let seed { rng = Xoshiro256(seed: seed) }
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
        horizon = evaluation ? lastDecisionBar - startBar + 1 : config.episode.horizon
        bar = startBar
        stepsTaken = 0
        nav = config.episode.initialNAV
        peak = nav
        lastNetReturn = 0
        for i in weights.indices { weights[i] = 0; tradedWeights[i] = 0 }
        shaper.reset()
        needsReset = false
        writeObservation(into: observation)
        var info = MarketStepInfo()
        info.bar = bar
        info.timestamp = panel.timestamps[bar]
        info.navBefore = nav
        info.nav = nav
        return info
    }

    // MARK: - Step

    public mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<MarketStepInfo> {
        guard !needsReset else { throw .resetNeeded("MarketEnv.step") }
        precondition(observation.count == observationSpace.count, "MarketEnv.step: buffer has \(observation.count) elements, expected \(observationSpace.count)")
        let t = bar
        var w = weights, tg = tradedWeights
        weights = []; tradedWeights = []
        defer { weights = w; tradedWeights = tg }
        var info = MarketStepInfo()
        try tg.withUnsafeMutableBufferPointer { (tp) throws(EnvironmentError) in
            try scheme.rawBook(action, panel: panel, bar: t, into: tp)
        }
        w.withUnsafeMutableBufferPointer { wp in
            tg.withUnsafeMutableBufferPointer { tp in
                info = execute(held: wp, target: tp, bar: t)
            }
        }
        let R = info.netReturn
        nav = info.nav
        peak = max(peak, nav)
        info.drawdown = nav > 0 ? 1 - nav / peak : 1
        info.reward = shaper.terms(netReturn: R, turnover: info.turnover, drawdown: info.drawdown, gross: info.gross)
        lastNetReturn = R
        stepsTaken += 1
        bar = t + 1
        let terminated = nav <= 0 || info.drawdown >= config.episode.maxDrawdown
        let truncated = !terminated && (stepsTaken >= horizon || bar > lastDecisionBar)
        needsReset = terminated || truncated
        weights = w
        tradedWeights = tg
        writeObservation(into: observation)
        return StepOutcome(reward: info.reward.total, terminated: terminated, truncated: truncated, info: info)
    }

    /// Trades from the held book to the target, books costs and the return over (t, t+1], and
    /// leaves the drifted book in `held`. Returns the info without the reward and drawdown.
    private func execute(held w: UnsafeMutableBufferPointer<Double>, target tg: UnsafeMutableBufferPointer<Double>, bar t: Int) -> MarketStepInfo {
        let n = w.count, t1 = t + 1
        var info = MarketStepInfo()
        info.bar = t
        info.timestamp = panel.timestamps[t1]
        info.navBefore = nav
        let years = Double(panel.timestamps[t1] - panel.timestamps[t]) * secondsToYears
        info.years = years
        let c = config.costs
        panel.tradable.withUnsafeBufferPointer { trAll in
        panel.beta.withUnsafeBufferPointer { betaAll in
        panel.volatility.withUnsafeBufferPointer { volAll in
            let tr = UnsafeBufferPointer(rebasing: trAll[t * n ..< t * n + n])
            let beta = UnsafeBufferPointer(rebasing: betaAll[t * n ..< t * n + n])
            projection.project(tg, tradable: tr, beta: beta)

            // Rebalance threshold, decided at t from the held book as of t's close (no look-ahead).
            var hold = false
            let threshold = config.constraints.rebalanceThreshold
            if threshold > 0 {
                var l1 = 0.0
                for i in 0..<n { l1 += abs(tg[i] - w[i]) }
                var eff = threshold
                if config.constraints.thresholdScalesWithConfidence {
                    eff /= 1 + max(0, panel.meanConfidence(bar: t))
                }
                hold = l1 < eff
            }

            // Phase 1 (next-open execution only): the held book rides the overnight gap.
            var navTrade = nav
            if useOpens, let gap = panel.gapReturns {
                var g = 0.0
                for i in 0..<n { g += w[i] * gap[t1 * n + i] }
                let d = 1 + g
                for i in 0..<n { w[i] = d > 0 ? w[i] * (1 + gap[t1 * n + i]) / d : 0 }
                navTrade = nav * max(d, 0)
                info.grossReturn += g
            }

            // Holding keeps the (drifted) book, re-projected so neutrality and caps hold exactly;
            // the only trade is that small correction.
            if hold {
                for i in 0..<n { tg[i] = w[i] }
                projection.project(tg, tradable: tr, beta: beta)
                info.rebalanced = false
            }

            // Trade costs on turnover.
            let feeRate = c.feeBps * 1e-4, slipRate = c.slippageBps * 1e-4
            let volScaled = c.slippageScalesWithVolatility
            let volRef = c.slippageVolatilityReference
            var turnover = 0.0, slip = 0.0, long = 0.0, short = 0.0, betaExp = 0.0
            for i in 0..<n {
                let dw = abs(tg[i] - w[i])
                turnover += dw
                slip += volScaled ? dw * volAll[t * n + i] / volRef : dw
                let x = tg[i]
                if x > 0 { long += x } else { short -= x }
                betaExp += x * beta[i]
            }
            let costFactor = navTrade / nav
            info.turnover = turnover * costFactor
            info.fee = feeRate * turnover * costFactor
            info.slippage = slipRate * slip * costFactor
            info.borrow = c.borrowAnnualBps * 1e-4 * short * years * costFactor
            info.funding = c.fundingAnnualBps * 1e-4 * long * years * costFactor
            info.gross = long + short
            info.net = long - short
            info.betaExposure = betaExp

            // The new book earns the rest of the bar; the held book is replaced by it.
            // Without opens this is the close-to-close return; with them, open-to-close.
            let rest = useOpens ? (panel.intradayReturns ?? panel.returns) : panel.returns
            let r0 = t1 * n
            var g = 0.0
            for i in 0..<n { g += tg[i] * rest[r0 + i] }
            info.grossReturn = useOpens ? (1 + info.grossReturn) * (1 + g) - 1 : g
            let costFraction = info.fee + info.slippage + info.borrow + info.funding
            // NAV_{t+1} = NAV_t (1 + Σ w r − cost), with costs and gap folded in for next-open execution.
            let growth = useOpens ? costFactor * (1 + g - costFraction / costFactor) : 1 + g - costFraction
            let newNAV = nav * max(growth, 0)
            info.nav = newNAV
            info.netReturn = max(growth, 0) - 1
            let d = 1 + g - (useOpens ? costFraction / costFactor : costFraction)
            for i in 0..<n { w[i] = d > 0 ? tg[i] * (1 + rest[r0 + i]) / d : 0 }
            if let b = panel.benchmarkReturns { info.benchmarkReturn = b[t1] }
        }
        }
        }
        return info
    }

    /// Writes the observation at the current bar.
    private func writeObservation(into out: UnsafeMutableBufferPointer<Float>) {
        let snap = PortfolioSnapshot(
            gross: weights.reduce(0) { $0 + abs($1) },
            net: weights.reduce(0, +),
            drawdown: nav > 0 ? 1 - nav / peak : 1,
            time: Double(stepsTaken) / Double(max(horizon, 1)),
            lastReturn: lastNetReturn)
        weights.withUnsafeBufferPointer { wp in
            observationBuilder.write(panel: panel, bar: bar, weights: wp, portfolio: snap, into: out)
        }
    }

    /// The number of steps taken in the current episode.
    public var episodeSteps: Int { stepsTaken }
    /// The first decision bar of the current episode.
    public var episodeStartBar: Int { startBar }
    /// Saved generator state (for checkpoints).
    public var rngState: [UInt64] { rng.state }
}
