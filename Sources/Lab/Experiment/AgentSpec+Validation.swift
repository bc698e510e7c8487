import Agents
import MarketGym

/// Range checks and resource budgets of the agent presets, run at load (before any data is read or
/// any network allocated). The agents re-check their own invariants when built; these checks add
/// what they cannot see: non-finite values (`.nan` passes `x > 0` tests written the other way
/// round, `.inf` passes them all) and sizes past `ResourceBudget`.
extension AgentSpec {
    static func validate(_ c: DQNConfig, file: String, path: String) throws(SpecError) {
        let check = Checker(file: file, path: path)
        try check.schedule(c.learningRate, "learningRate")
        try check.positive(c.adamEpsilon, "adamEpsilon", "a finite Adam ε > 0 (default 1e-8: PyTorch)")
        try check.network(c.network)
        try check.batch(c.batchSize)
        try check.environments(c.numEnvs)
        try check.count(c.replay.capacity, "replay.capacity", 1...ResourceBudget.maxReplayCapacity,
                        "transitions in 1...\(ResourceBudget.maxReplayCapacity) (the replay budget, docs/reliability.md; SB3 default 1000000). Fix: e.g. --set agent.replay.capacity=1000000")
        try check.finite(c.gamma, "gamma", 0...1, "a discount in [0, 1]")
        try check.finite(c.tau, "tau", 0.000_001...1, "a coefficient in (0, 1]")
        try check.positive(c.maxGradNorm, "maxGradNorm", "a finite gradient-norm bound > 0 (default 10: SB3 DQN)")
        try check.finite(c.explorationFraction, "explorationFraction", 0...1, "a fraction in [0, 1]")
        try check.finite(c.explorationInitialEps, "explorationInitialEps", 0...1, "a probability in [0, 1]")
        try check.finite(c.explorationFinalEps, "explorationFinalEps", 0...1, "a probability in [0, 1]")
    }

    static func validate(_ c: PolicyGradientConfig, file: String, path: String) throws(SpecError) {
        let check = Checker(file: file, path: path)
        try check.schedule(c.learningRate, "learningRate")
        try check.schedule(c.clipRange, "clipRange")
        try check.positive(c.optimizerEpsilon, "optimizerEpsilon", "a finite optimizer ε > 0 (default 1e-5: SB3)")
        try check.network(c.network)
        try check.batch(c.batchSize)
        try check.environments(c.numEnvs)
        try check.count(c.nSteps, "nSteps", 1...(ResourceBudget.maxRolloutSteps / max(c.numEnvs, 1)),
                        "steps per copy with nSteps × numEnvs ≤ \(ResourceBudget.maxRolloutSteps) (the rollout budget, docs/reliability.md; SB3 PPO default 2048)")
        try check.finite(c.gamma, "gamma", 0...1, "a discount in [0, 1]")
        try check.finite(c.gaeLambda, "gaeLambda", 0...1, "a GAE λ in [0, 1]")
        try check.positive(c.maxGradNorm, "maxGradNorm", "a finite gradient-norm bound > 0 (default 0.5: SB3)")
        try check.finite(c.entCoef, "entCoef", -1e6...1e6, "a finite coefficient (default 0)")
        try check.finite(c.vfCoef, "vfCoef", 0...1e6, "a finite coefficient >= 0 (default 0.5)")
        try check.finite(c.logStdInit, "logStdInit", -20...20, "a finite log standard deviation within ±20 (default 0)")
        if let v = c.clipRangeVf { try check.positive(v, "clipRangeVf", "a finite clip range > 0, or absent") }
        if let k = c.targetKL { try check.positive(k, "targetKL", "a finite KL bound > 0, or absent") }
    }

    /// The checks shared by the agent families, each naming `<path>.<key>`.
    struct Checker {
        let file: String
        let path: String

        func fail(_ key: String, _ found: String, _ expected: String) -> SpecError {
            .badValue(file: file, path: "\(path).\(key)", found: found, expected: expected)
        }

        /// Runs one `ConfigCheck`, naming `<path>.<key>` in the error.
        func run(_ check: () throws(ConfigError) -> Void) throws(SpecError) {
            do { try check() } catch { throw SpecDecoder.describe(error, file: file, prefix: path) }
        }

        func finite(_ v: Double, _ key: String, _ range: ClosedRange<Double>, _ rule: String) throws(SpecError) {
            try run { () throws(ConfigError) in try ConfigCheck.finite(v, key, in: range, rule) }
        }

        func positive(_ v: Double, _ key: String, _ rule: String) throws(SpecError) {
            try run { () throws(ConfigError) in try ConfigCheck.positive(v, key, rule) }
        }

        func count(_ v: Int, _ key: String, _ range: ClosedRange<Int>, _ rule: String) throws(SpecError) {
            try run { () throws(ConfigError) in try ConfigCheck.integer(v, key, in: range, rule) }
        }

        /// A learning-rate or clip-range schedule: `initial` finite and > 0, `final` finite and
        /// >= 0, `fraction` in [0, 1]. A negative final learning rate would ascend the loss.
        func schedule(_ s: ScheduleConfig, _ key: String) throws(SpecError) {
            try positive(s.initial, "\(key).initial", "a finite value > 0")
            try finite(s.final, "\(key).final", 0...Double.greatestFiniteMagnitude, "a finite value >= 0 (the value the schedule decays to)")
            try finite(s.fraction, "\(key).fraction", 0...1, "a fraction of training in [0, 1]")
        }

        /// Hidden widths and the parameter count between hidden layers; the input and output
        /// layers are checked again once the observation size is known (`AgentFactory`).
        func network(_ n: NetworkConfig) throws(SpecError) {
            let shown = "[" + n.hidden.prefix(8).map(String.init).joined(separator: ", ") + (n.hidden.count > 8 ? ", ..." : "") + "]"
            guard n.hidden.count <= ResourceBudget.maxHiddenLayers else {
                throw fail("network.hidden", "\(n.hidden.count) layers", "at most \(ResourceBudget.maxHiddenLayers) hidden layers (default [64, 64])")
            }
            if let i = n.hidden.firstIndex(where: { $0 < 1 || $0 > ResourceBudget.maxNetworkParameters }) {
                throw fail("network.hidden[\(i)]", String(n.hidden[i]), "a layer width in 1...\(ResourceBudget.maxNetworkParameters) (default [64, 64])")
            }
            let between = AgentSpec.parameterCount(layers: n.hidden)
            guard between <= ResourceBudget.maxNetworkParameters else {
                throw fail("network.hidden", shown, "at most \(ResourceBudget.maxNetworkParameters) parameters (the network budget, docs/reliability.md); these hidden layers alone have \(between). Fix: narrower layers, e.g. [256, 256]")
            }
        }

        func batch(_ b: Int) throws(SpecError) {
            try count(b, "batchSize", 1...ResourceBudget.maxBatchSize,
                      "transitions in 1...\(ResourceBudget.maxBatchSize) (the batch budget, docs/reliability.md). Fix: e.g. --set agent.batchSize=64")
        }

        func environments(_ m: Int) throws(SpecError) {
            try count(m, "numEnvs", 1...ResourceBudget.maxEnvironments, "environment copies in 1...\(ResourceBudget.maxEnvironments)")
        }
    }

    /// Weights and biases of a chain of fully connected layers with these widths, saturating at `Int.max`.
    static func parameterCount(layers: [Int]) -> Int {
        var total = 0
        for (a, b) in zip(layers, layers.dropFirst()) {
            let (w, o1) = a.multipliedReportingOverflow(by: b)
            let (wb, o2) = w.addingReportingOverflow(b)
            let (t, o3) = total.addingReportingOverflow(wb)
            if o1 || o2 || o3 { return .max }
            total = t
        }
        return total
    }
}
