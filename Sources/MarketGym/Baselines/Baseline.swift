/// Non-RL policies run through the very same environment, as yardsticks for agents.
///
/// Each runs the `sizing` scheme (the prediction-driven long-short book) on a fine grid of gross
/// levels (0 to `constraints.maxGross` in steps of `Baseline.gridStep`), so the desired gross is
/// executed to within half a step; costs, neutrality, caps and the threshold are the env's own.
public enum Baseline: Sendable, Equatable, CustomStringConvertible {
    /// No position.
    case flat
    /// The prediction book at a constant gross.
    case fixedGross(Double)
    /// The prediction book at gross = `baseGross × c_t / c̄`, c_t the bar's mean confidence
    /// (the confidence feature, or without one the combined signal's strength S_t, the
    /// cross-sectional mean |demeaned signal|) and c̄ its mean over the training split; capped at
    /// `maxGross`. On the synthetic market, where the confidence is the true signal-to-noise
    /// ratio, this is the analytic mean-variance optimum.
    case confidenceProportional(baseGross: Double)
    /// The prediction book at a constant gross with `combine` replacing `action.combine`: the
    /// combined-signal book (`weighted`) or the agreement book (`agreement`) over the config's
    /// `action.signals`, or, when that list is empty, over every prediction feature but the
    /// confidence feature at weight 1 (`signalSources(config:panel:)`).
    case combined(SignalCombineMode, gross: Double)

    /// Spacing of the gross grid baselines choose from.
    public static let gridStep = 0.01

    /// A short name for tables.
    public var description: String {
        switch self {
        case .flat: return "flat"
        case .fixedGross(let g): return "fixed gross \(g)"
        case .confidenceProportional(let g): return "confidence-proportional (base \(g))"
        case .combined(let mode, let g): return "\(mode == .weighted ? "combined signals" : "agreement") gross \(g)"
        }
    }

    /// The config baselines run under: `config` with the sizing scheme on the fine grid, evaluation
    /// mode, and no drawdown termination (a backtest runs the whole split).
    public static func evaluationConfig(_ config: MarketEnvConfig) -> MarketEnvConfig {
        var c = config
        c.action.scheme = .sizing
        // `backtest` refuses a gross outside 0...MarketEnvConfig.maxGrossLimit first; the clamp only
        // keeps this public function from trapping when called directly with such a config.
        let top = min(max(c.constraints.maxGross.isNaN ? 0 : c.constraints.maxGross, 0), MarketEnvConfig.maxGrossLimit)
        let steps = Int((top / gridStep).rounded(.down))
        c.action.grossLevels = (0...steps).map { Double($0) * gridStep }
        c.episode.evaluation = true
        c.episode.maxDrawdown = 1
        return c
    }

    /// Refuses a gross level the baselines cannot run: NaN, infinite, negative, or above
    /// `MarketEnvConfig.maxGrossLimit` (the grid of 0.01 steps up to it is the budget).
    static func checkGross(_ g: Double, path: String) throws(MarketEnvError) {
        guard g.isFinite, g >= 0, g <= MarketEnvConfig.maxGrossLimit else {
            throw .invalidConfig(path: path, found: ConfigCheck.format(g),
                                 expected: "a finite gross exposure in [0, \(Int(MarketEnvConfig.maxGrossLimit))] (fraction of NAV)")
        }
    }

    /// Confidence at bar t as the confidence baseline reads it: the mean confidence feature, or
    /// without one the combined signal's strength S_t (`SignalCombination`; with one source, the
    /// cross-sectional mean |demeaned signal|).
    /// - Parameter scratch: N doubles the book is written into (its content is discarded).
    public static func confidence(panel: MarketPanel, scheme: ActionScheme, bar t: Int, scratch: UnsafeMutableBufferPointer<Double>) -> Double {
        if panel.confidenceIndex != nil { return panel.meanConfidence(bar: t) }
        return scheme.predictionBook(panel: panel, bar: t, gross: 1, into: scratch)
    }

    /// The sources the `combined` baselines use: `action.signals` when given, else every
    /// prediction feature except the confidence feature, each at weight 1.
    public static func signalSources(config: MarketEnvConfig, panel: MarketPanel) -> [SignalWeight] {
        if !config.action.signals.isEmpty { return config.action.signals }
        return panel.featureNames.filter { $0 != config.action.confidenceFeature }.map { SignalWeight(feature: $0, weight: 1) }
    }

    /// Backtests this baseline on `split`.
    /// - Parameters:
    ///   - panel: the prepared data.
    ///   - config: the environment config (costs, constraints, splits); the action scheme is replaced.
    ///   - split: `train`, `valid`, `test` or `all`.
    /// - Throws: `MarketEnvError` for a bad config or split.
    public func backtest(panel: MarketPanel, config: MarketEnvConfig, split: String) throws(MarketEnvError) -> BacktestRecord {
        try Self.checkGross(config.constraints.maxGross, path: "constraints.maxGross")
        var cfg = Self.evaluationConfig(config)
        switch self {
        case .flat: break
        case .fixedGross(let g), .confidenceProportional(let g): try Self.checkGross(g, path: "baseline gross (evaluation.baselineGross, or backtest --gross)")
        case .combined(let mode, let g):
            try Self.checkGross(g, path: "baseline gross (evaluation.baselineGross, or backtest --gross)")
            cfg.action.signals = Self.signalSources(config: config, panel: panel)
            cfg.action.signalFeature = ""
            cfg.action.combine = mode
        }
        var env = try MarketEnv(panel: panel, config: cfg)
        let levels = cfg.action.grossLevels.count
        func level(_ g: Double) -> Action {
            .discrete(min(levels - 1, max(0, Int((g / Self.gridStep).rounded()))))
        }
        var reference = 1.0
        let scheme = env.engine.scheme
        var scratch = [Double](repeating: 0, count: panel.assetCount)
        if case .confidenceProportional = self {
            let train: DataSplit
            do { train = try DataSplit.named("train", config: cfg.splits, timestamps: panel.timestamps) } catch { throw .split(error) }
            var s = 0.0
            scratch.withUnsafeMutableBufferPointer { w in
                for t in train.bars { s += Self.confidence(panel: panel, scheme: scheme, bar: t, scratch: w) }
            }
            reference = s / Double(max(train.bars.count, 1))
            if !(reference > 0) { reference = 1 }
        }
        let ref = reference
        let maxGross = cfg.constraints.maxGross
        do {
            return try Backtest.run(env: &env, split: split) { env, _ in
                switch self {
                case .flat: return level(0)
                case .fixedGross(let g), .combined(_, let g): return level(g)
                case .confidenceProportional(let g):
                    let c = scratch.withUnsafeMutableBufferPointer { Self.confidence(panel: env.panel, scheme: scheme, bar: env.bar, scratch: $0) }
                    return level(min(maxGross, g * max(0, c) / ref))
                }
            }
        } catch {
            throw .environment(error)
        }
    }
}

/// One row of a baseline table: a baseline's metrics on a split.
public struct BaselineRow: Sendable, Equatable {
    /// The baseline's description, the split name and the metrics.
    public var baseline: String
    public var split: String
    public var metrics: BacktestMetrics
}

extension Baseline {
    /// The standard baselines (flat, fixed gross, confidence-proportional), each on each split.
    /// - Parameters:
    ///   - panel: the prepared data.
    ///   - config: costs, constraints and splits to run under.
    ///   - splits: split names. Default train, valid, test.
    ///   - gross: the fixed gross and the confidence baseline's base gross. Default 1.
    /// - Returns: one row per (baseline, split).
    /// - Throws: `MarketEnvError`.
    public static func table(panel: MarketPanel, config: MarketEnvConfig, splits: [String] = ["train", "valid", "test"], gross: Double = 1) throws(MarketEnvError) -> [BaselineRow] {
        var rows: [BaselineRow] = []
        for b in [Baseline.flat, .fixedGross(gross), .confidenceProportional(baseGross: gross)] {
            for s in splits {
                rows.append(BaselineRow(baseline: b.description, split: s, metrics: BacktestMetrics(try b.backtest(panel: panel, config: config, split: s))))
            }
        }
        return rows
    }

    /// The standard baselines on the test year of each walk-forward fold (split names `test <year>`);
    /// the confidence baseline's reference level comes from each fold's own train part.
    /// - Throws: `MarketEnvError` (for example a fold with no bars).
    public static func walkForwardTable(panel: MarketPanel, config: MarketEnvConfig, testYears: ClosedRange<Int>, validYears: Int = 1, gross: Double = 1) throws(MarketEnvError) -> [BaselineRow] {
        var rows: [BaselineRow] = []
        for year in testYears {
            var c = config
            c.splits.walkForwardTestYear = year
            c.splits.walkForwardValidYears = validYears
            for var row in try table(panel: panel, config: c, splits: ["test"], gross: gross) {
                row.split = "test \(year)"
                rows.append(row)
            }
        }
        return rows
    }

    /// A Markdown table of `rows`.
    public static func markdown(_ rows: [BaselineRow]) -> String {
        func f(_ x: Double, _ d: Int = 2) -> String {
            let p = pow10(d)
            return String(Double((x * p).rounded()) / p)
        }
        var s = "| baseline | split | ann. return | ann. vol | Sharpe | Sortino | max DD | DD days | Calmar | turnover/yr | cost/yr | avg gross | beta | corr | hit rate |\n"
        s += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            let m = r.metrics
            s += "| \(r.baseline) | \(r.split) | \(f(m.annualizedReturn * 100))% | \(f(m.annualizedVolatility * 100))% | \(f(m.sharpe)) | \(f(m.sortino)) | \(f(m.maxDrawdown * 100))% | \(Int(m.maxDrawdownDurationDays)) | \(f(m.calmar)) | \(f(m.annualTurnover, 1)) | \(f(m.annualCostDrag * 100))% | \(f(m.averageGross)) | \(m.benchmarkBeta.map { f($0) } ?? "-") | \(m.benchmarkCorrelation.map { f($0) } ?? "-") | \(f(m.hitRate * 100, 1))% |\n"
        }
        return s
    }
}

private func pow10(_ d: Int) -> Double {
    var p = 1.0
    for _ in 0..<d { p *= 10 }
    return p
}
