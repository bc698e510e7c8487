import Foundation

/// Range checks and resource budgets of the market environment's configuration.
///
/// Decoding checks only types and key names; `validate()` checks every value before anything is
/// built from it, so a hostile or mistyped value (`.inf`, `.nan`, `4e12` bars) is refused up front
/// with the key, the value, the limit and the fix, instead of trapping deep inside the env
/// (docs/reliability.md, "Configuration and training").
extension MarketEnvConfig {
    /// Largest `observation.window`, `observation.volatilityWindow` and `constraints.betaWindow`, in
    /// bars. 10,000 daily bars are 40 years: longer than any bundled data set, and with 500 assets
    /// the return section of one observation stays at 5 million floats.
    public static let maxWindow = 10_000

    /// Largest `constraints.maxGross` (fraction of NAV). Baselines walk a grid of gross levels from
    /// 0 to `maxGross` in steps of `Baseline.gridStep` (0.01), so this bounds that grid to 10,001
    /// levels; 100× leverage is far beyond any market-neutral book.
    public static let maxGrossLimit = 100.0

    /// Largest number of entries in `action.grossLevels` or `action.perAssetLevels` (the action space size).
    public static let maxActionLevels = 10_001

    /// Largest number of `action.signals` sources (each costs O(N) per bar when the books are prepared).
    public static let maxSignals = 64

    /// Largest `constraints.projectionIterations`. Default 20 converges in our tests; 10,000 bounds a step's cost.
    public static let maxProjectionIterations = 10_000

    /// Checks every value of the configuration.
    ///
    /// - Throws: `ConfigError.invalidValue` naming the key path (relative to the env, e.g.
    ///   `constraints.maxGross`), the value found, and the allowed range with the fix.
    public func validate() throws(ConfigError) {
        try checkUniverse()
        try splits.validate()
        try episode.validate()
        try costs.validate()
        try constraints.validate()
        try action.validate()
        try observation.validate()
        try reward.validate()
    }

    private func checkUniverse() throws(ConfigError) {
        var seen = Set<String>()
        for (i, name) in universe.enumerated() {
            if name.isEmpty {
                throw .invalidValue(path: "universe[\(i)]", found: "an empty name", expected: "an asset name of the data. Fix: remove the empty entry")
            }
            if !seen.insert(name).inserted {
                throw .invalidValue(path: "universe[\(i)]", found: "'\(name)' a second time",
                                    expected: "each asset once (a repeated asset would be traded twice). Fix: remove the duplicate")
            }
        }
    }
}

/// Shared range checks of every configuration (MarketGym's here, the agents' in Lab): each throws
/// `ConfigError.invalidValue` with the path, the value as YAML writes it, and the rule.
public enum ConfigCheck {
    /// A finite number in `range`.
    public static func finite(_ v: Double, _ path: String, in range: ClosedRange<Double>, _ rule: String) throws(ConfigError) {
        guard v.isFinite, range.contains(v) else { throw .invalidValue(path: path, found: format(v), expected: rule) }
    }

    /// A finite number above `lower` (exclusive) and at most `upper`.
    public static func positive(_ v: Double, _ path: String, upTo upper: Double = .greatestFiniteMagnitude, _ rule: String) throws(ConfigError) {
        guard v.isFinite, v > 0, v <= upper else { throw .invalidValue(path: path, found: format(v), expected: rule) }
    }

    /// An integer in `range`.
    public static func integer(_ v: Int, _ path: String, in range: ClosedRange<Int>, _ rule: String) throws(ConfigError) {
        guard range.contains(v) else { throw .invalidValue(path: path, found: String(v), expected: rule) }
    }

    /// A double as YAML writes it and reads it back as a float: shortest round-tripping decimal,
    /// `.nan`, `.inf`, `1.0e+300` (YAML 1.1 needs the dot and the sign). Spec files and messages
    /// both use it (`SpecValue.formatDouble`).
    public static func format(_ v: Double) -> String {
        if v.isNaN { return ".nan" }
        if v.isInfinite { return v > 0 ? ".inf" : "-.inf" }
        var s = "\(v)"
        if s.contains("e"), !s.contains(".") {
            s = s.replacingOccurrences(of: "e", with: ".0e")
        }
        if let e = s.firstIndex(of: "e"), s[s.index(after: e)] != "-", s[s.index(after: e)] != "+" {
            s.insert("+", at: s.index(after: e))
        }
        return s
    }
}

extension EpisodeConfig {
    /// Split names an episode may run in.
    static let splitNames = ["train", "valid", "test", "all"]

    func validate() throws(ConfigError) {
        guard Self.splitNames.contains(split) else {
            throw .invalidValue(path: "episode.split", found: "'\(split)'", expected: "one of \(Self.splitNames.joined(separator: ", ")) (lower case)")
        }
        try ConfigCheck.integer(horizon, "episode.horizon", in: 1...Int(Int32.max), "a positive number of steps")
        try ConfigCheck.finite(maxDrawdown, "episode.maxDrawdown", in: 0.000_001...1, "a fraction in (0, 1]; 1 disables drawdown termination")
        try ConfigCheck.positive(initialNAV, "episode.initialNAV", "a finite NAV > 0 (returns do not depend on it; use 1)")
    }
}

extension CostConfig {
    func validate() throws(ConfigError) {
        let rule = "finite basis points >= 0 (1 bp = 0.0001)"
        try ConfigCheck.finite(feeBps, "costs.feeBps", in: 0...10_000, rule + ", at most 10,000 (100%)")
        try ConfigCheck.finite(slippageBps, "costs.slippageBps", in: 0...10_000, rule + ", at most 10,000 (100%)")
        try ConfigCheck.finite(borrowAnnualBps, "costs.borrowAnnualBps", in: 0...1_000_000, rule + " per year, at most 1,000,000")
        try ConfigCheck.finite(fundingAnnualBps, "costs.fundingAnnualBps", in: -1_000_000...1_000_000, "finite basis points per year, at most ±1,000,000")
        try ConfigCheck.positive(slippageVolatilityReference, "costs.slippageVolatilityReference", "a finite per-bar volatility > 0 (default 0.02)")
    }
}

extension ConstraintConfig {
    func validate() throws(ConfigError) {
        try ConfigCheck.finite(maxGross, "constraints.maxGross", in: 0...MarketEnvConfig.maxGrossLimit,
                               "a finite gross leverage in [0, \(Int(MarketEnvConfig.maxGrossLimit))] (fraction of NAV; default 2). The limit keeps the baselines' gross grid at 0.01 steps bounded")
        try ConfigCheck.positive(maxWeight, "constraints.maxWeight", upTo: MarketEnvConfig.maxGrossLimit,
                                 "a finite per-asset cap in (0, \(Int(MarketEnvConfig.maxGrossLimit))] (fraction of NAV; default 0.25)")
        try ConfigCheck.integer(betaWindow, "constraints.betaWindow", in: 2...MarketEnvConfig.maxWindow,
                                "bars in 2...\(MarketEnvConfig.maxWindow) (the window budget, docs/reliability.md)")
        try ConfigCheck.finite(rebalanceThreshold, "constraints.rebalanceThreshold", in: 0...(2 * MarketEnvConfig.maxGrossLimit),
                               "a finite L1 distance >= 0 (fraction of NAV; default 0)")
        try ConfigCheck.integer(projectionIterations, "constraints.projectionIterations", in: 1...MarketEnvConfig.maxProjectionIterations,
                                "rounds in 1...\(MarketEnvConfig.maxProjectionIterations) (default 20)")
        try ConfigCheck.finite(thresholdStrengthCoefficient, "constraints.thresholdStrengthCoefficient", in: 0...1e6,
                               "a finite coefficient in [0, 1e6] (default 0: the threshold ignores signal strength)")
        try ConfigCheck.finite(thresholdConfidenceCoefficient, "constraints.thresholdConfidenceCoefficient", in: 0...1e6,
                               "a finite coefficient in [0, 1e6] (default 0)")
        if thresholdScalesWithConfidence && thresholdConfidenceCoefficient != 0 {
            throw .invalidValue(path: "constraints.thresholdConfidenceCoefficient", found: ConfigCheck.format(thresholdConfidenceCoefficient),
                                expected: "0 when thresholdScalesWithConfidence is true (that flag is the coefficient 1). Fix: set one of them")
        }
    }

    /// b of the adaptive threshold θ / (1 + a·S_t + b·max(0, C_t)): 1 under
    /// `thresholdScalesWithConfidence`, else `thresholdConfidenceCoefficient`.
    public var confidenceCoefficient: Double { thresholdScalesWithConfidence ? 1 : thresholdConfidenceCoefficient }
}

extension ActionConfig {
    func validate() throws(ConfigError) {
        for (key, levels) in [("action.grossLevels", grossLevels), ("action.perAssetLevels", perAssetLevels)] {
            guard levels.count <= MarketEnvConfig.maxActionLevels else {
                throw .invalidValue(path: key, found: "\(levels.count) levels", expected: "at most \(MarketEnvConfig.maxActionLevels) levels (the action-space budget, docs/reliability.md)")
            }
            for (i, v) in levels.enumerated() {
                try ConfigCheck.finite(v, "\(key)[\(i)]", in: -MarketEnvConfig.maxGrossLimit...MarketEnvConfig.maxGrossLimit,
                                       "a finite level within ±\(Int(MarketEnvConfig.maxGrossLimit))")
            }
        }
        guard signals.count <= MarketEnvConfig.maxSignals else {
            throw .invalidValue(path: "action.signals", found: "\(signals.count) sources", expected: "at most \(MarketEnvConfig.maxSignals) sources")
        }
        for (i, s) in signals.enumerated() {
            if s.feature.isEmpty {
                throw .invalidValue(path: "action.signals[\(i)].feature", found: "an empty name", expected: "a prediction feature name (for example h1.pred)")
            }
            try ConfigCheck.finite(s.weight, "action.signals[\(i)].weight", in: -1e6...1e6, "a finite weight within ±1e6 (default 1)")
        }
        if !signals.isEmpty && !signalFeature.isEmpty {
            throw .invalidValue(path: "action.signalFeature", found: "'\(signalFeature)' together with action.signals",
                                expected: "one of them: signalFeature is the one-source case of signals. Fix: move it into signals or remove it")
        }
        if scheme == .sizing, let i = grossLevels.firstIndex(where: { $0 < 0 }) {
            throw .invalidValue(path: "action.grossLevels[\(i)]", found: ConfigCheck.format(grossLevels[i]),
                                expected: "a gross exposure >= 0 (the sizing book's direction comes from the signal)")
        }
    }
}

extension ObservationConfig {
    func validate() throws(ConfigError) {
        let budget = "(the window budget, docs/reliability.md). Fix: lower it, e.g. --set env.observation.window=60"
        try ConfigCheck.integer(window, "observation.window", in: 1...MarketEnvConfig.maxWindow, "bars in 1...\(MarketEnvConfig.maxWindow) \(budget)")
        try ConfigCheck.integer(volatilityWindow, "observation.volatilityWindow", in: 2...MarketEnvConfig.maxWindow,
                                "bars in 2...\(MarketEnvConfig.maxWindow) (the window budget, docs/reliability.md)")
        try ConfigCheck.positive(returnScale, "observation.returnScale", upTo: 1e6, "a finite multiplier in (0, 1e6] (default 100)")
        try ConfigCheck.positive(clip, "observation.clip", upTo: 1e6, "a finite bound in (0, 1e6] (default 10)")
    }
}

extension RewardConfig {
    func validate() throws(ConfigError) {
        let weights: [(String, Double)] = [
            ("logReturnWeight", logReturnWeight), ("turnoverPenalty", turnoverPenalty), ("drawdownPenalty", drawdownPenalty),
            ("variancePenalty", variancePenalty), ("differentialSharpeWeight", differentialSharpeWeight), ("exposurePenalty", exposurePenalty),
        ]
        for (key, w) in weights {
            try ConfigCheck.finite(w, "reward.\(key)", in: -1e6...1e6, "a finite weight within ±1e6 (NaN or infinite weights make every reward NaN)")
        }
        try ConfigCheck.finite(differentialSharpeDecay, "reward.differentialSharpeDecay", in: 1e-9...1, "an EWMA rate in (0, 1] (default 0.01)")
        try ConfigCheck.finite(varianceDecay, "reward.varianceDecay", in: 1e-9...1, "an EWMA rate in (0, 1] (default 0.01)")
    }
}
