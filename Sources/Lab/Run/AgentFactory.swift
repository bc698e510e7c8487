import Foundation

/// Builds the agent an experiment names, over its environment, seeded from the experiment's seed.
///
/// Environment copy `i` of a run with seed `s` is reset with seed `s + i` (market: its episode-start
/// generator; CartPole: its initial-state generator); the agent seeds its own generators from `s`.
/// Market specs train on `MarketVectorEnv`; CartPole on a `SyncVectorEnvironment`.
public enum AgentFactory {
    public static func make(_ spec: ExperimentSpec, context: EnvironmentContext) throws(LabError) -> any TrainableAgent {
        let seed = spec.seed, total = spec.training.totalSteps
        do {
            switch context {
            case .market(let setup):
                // The batch market env: one stepper for all copies (bit-identical to a
                // SyncVectorEnvironment of MarketEnvs, several times faster).
                let count = spec.agent.numEnvs
                guard count > 0 else { throw LabError.badRun(path: "agent.numEnvs", detail: "\(count); expected at least 1 environment copy") }
                let template = try setup.makeEnvironment(seed: seed)
                try checkBudget(spec.agent, observationSize: template.observationSpace.count)
                let envs = MarketVectorEnv(count: count, template: template)
                switch spec.agent {
                case .dqn(let c): return try DQNAgent(config: c, seed: seed, totalSteps: total, environments: envs)
                case .policyGradient(let c): return try PolicyGradientAgent(config: c, seed: seed, totalSteps: total, environments: envs)
                }
            case .cartpole(let c):
                return try make(spec.agent, seed: seed, totalSteps: total) { (i: Int) throws -> TimeLimit<CartPole> in
                    let env = EnvironmentContext.makeCartPole(c, seed: seed &+ UInt64(i))
                    if i == 0 { try checkBudget(spec.agent, observationSize: env.observationSpace.count) }
                    return env
                }
            }
        } catch let e as LabError {
            throw e
        } catch {
            throw .badRun(path: "agent", detail: "cannot build the \(spec.agent.algorithm) agent: \(error)")
        }
    }

    /// `checkBudget(_:observationSize:)` for an experiment over its loaded environment, without
    /// building the agent (`train` runs it before creating the run folder).
    public static func checkBudget(_ spec: ExperimentSpec, context: EnvironmentContext) throws(LabError) {
        switch context {
        case .market(let setup): try checkBudget(spec.agent, observationSize: try setup.makeEnvironment(seed: spec.seed).observationSpace.count)
        case .cartpole(let c): try checkBudget(spec.agent, observationSize: EnvironmentContext.makeCartPole(c, seed: spec.seed).observationSpace.count)
        }
    }

    /// The size checks that need the observation size, run when the agent asks for its first
    /// environment copy: before it allocates any network, batch or rollout buffer.
    /// - Throws: `LabError.badRun` naming the key, the size, the `ResourceBudget` limit and the fix.
    static func checkBudget(_ agent: AgentSpec, observationSize d: Int) throws(LabError) {
        let hidden: [Int], batch: Int
        var rollout: (steps: Int, envs: Int)?
        switch agent {
        case .dqn(let c): hidden = c.network.hidden; batch = c.batchSize
        case .policyGradient(let c): hidden = c.network.hidden; batch = c.batchSize; rollout = (c.nSteps, c.numEnvs)
        }
        let parameters = AgentSpec.parameterCount(layers: [d] + hidden + [1])
        guard parameters <= ResourceBudget.maxNetworkParameters else {
            throw .badRun(path: "agent.network.hidden", detail: "a network from \(d) observation elements through \(hidden) has at least \(parameters) parameters; the budget is \(ResourceBudget.maxNetworkParameters) (docs/reliability.md). Use narrower layers, or a smaller env.observation.window or universe")
        }
        let (floats, o1) = batch.multipliedReportingOverflow(by: d)
        guard !o1, floats <= ResourceBudget.maxBatchFloats else {
            throw .badRun(path: "agent.batchSize", detail: "\(batch) transitions × \(d) observation elements exceed the batch budget of \(ResourceBudget.maxBatchFloats) floats (docs/reliability.md). Lower agent.batchSize to at most \(ResourceBudget.maxBatchFloats / max(d, 1))")
        }
        if case .dqn(let c) = agent, let available = ReplayBuffer.availableMemoryBytes() {
            // Action width 1 makes this a lower bound; the buffer re-checks with the real width.
            let need = ReplayBuffer.estimatedBytes(capacity: c.replay.capacity, observationSize: d, actionWidth: 1, prioritized: c.replay.prioritized)
            if need > available {
                throw .badRun(path: "agent.replay.capacity", detail: ReplayBufferError.insufficientMemory(required: need, available: available, capacity: c.replay.capacity, observationSize: d).description)
            }
        }
        if let (n, m) = rollout {
            let (steps, o2) = n.multipliedReportingOverflow(by: m)
            let (cells, o3) = steps.multipliedReportingOverflow(by: d)
            guard !o2, !o3, cells <= ResourceBudget.maxRolloutFloats else {
                throw .badRun(path: "agent.nSteps", detail: "a rollout of \(n) steps × \(m) copies × \(d) observation elements exceeds the rollout budget of \(ResourceBudget.maxRolloutFloats) floats (docs/reliability.md). Lower agent.nSteps or agent.numEnvs")
            }
        }
    }

    static func make<Env: StatefulEnvironment>(_ agent: AgentSpec, seed: UInt64, totalSteps: Int, makeEnvironment: (Int) throws -> Env) throws -> any TrainableAgent {
        switch agent {
        case .dqn(let c): return try DQNAgent(config: c, seed: seed, totalSteps: totalSteps, makeEnvironment: makeEnvironment)
        case .policyGradient(let c): return try PolicyGradientAgent(config: c, seed: seed, totalSteps: totalSteps, makeEnvironment: makeEnvironment)
        }
    }
}

extension AgentSpec {
    /// The number of environment copies the agent steps (`numEnvs` of its config).
    var numEnvs: Int {
        switch self {
        case .dqn(let c): return c.numEnvs
        case .policyGradient(let c): return c.numEnvs
        }
    }
}
