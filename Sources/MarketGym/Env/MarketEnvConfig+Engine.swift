/// The parts of a `MarketEnvConfig` that both the env and the trading daemon (`PolicyRuntime`)
/// derive from it, defined once here so the two cannot drift: the warm-up, the history a decision
/// needs, and the constraint checks.
extension MarketEnvConfig {
    /// Bars of history wanted before the first decision bar: the longest trailing window the
    /// observation and the projection read (the observation's return window, the volatility window,
    /// and the beta window when beta-neutral).
    public var warmup: Int {
        max(observation.window, observation.volatilityWindow, constraints.betaNeutral ? constraints.betaWindow : 0)
    }

    /// Bars one decision reads, the decision bar included (`warmup + 1`): what a daemon must send.
    public var requiredHistory: Int { warmup + 1 }

    /// Checks the caps and the rebalance threshold.
    /// - Throws: `MarketEnvError.invalidConfig` naming the field, the value found and what is expected.
    public func checkConstraints() throws(MarketEnvError) {
        let c = constraints
        guard c.maxGross.isFinite, c.maxGross >= 0 else { throw .invalidConfig(path: "constraints.maxGross", found: "\(c.maxGross)", expected: "a finite number ≥ 0") }
        guard c.maxWeight.isFinite, c.maxWeight >= 0 else { throw .invalidConfig(path: "constraints.maxWeight", found: "\(c.maxWeight)", expected: "a finite number ≥ 0") }
        guard c.rebalanceThreshold >= 0 else { throw .invalidConfig(path: "constraints.rebalanceThreshold", found: "\(c.rebalanceThreshold)", expected: "≥ 0") }
        for (path, v) in [("constraints.thresholdStrengthCoefficient", c.thresholdStrengthCoefficient), ("constraints.thresholdConfidenceCoefficient", c.thresholdConfidenceCoefficient)] where !(v.isFinite && v >= 0) {
            throw .invalidConfig(path: path, found: "\(v)", expected: "a finite coefficient ≥ 0")
        }
    }
}
