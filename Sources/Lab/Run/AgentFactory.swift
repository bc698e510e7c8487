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
                let envs = MarketVectorEnv(count: count, template: try setup.makeEnvironment(seed: seed))
                switch spec.agent {
                case .dqn(let c): return try DQNAgent(config: c, seed: seed, totalSteps: total, environments: envs)
                case .policyGradient(let c): return try PolicyGradientAgent(config: c, seed: seed, totalSteps: total, environments: envs)
                }
            case .cartpole(let c):
                return try make(spec.agent, seed: seed, totalSteps: total) { (i: Int) -> TimeLimit<CartPole> in
                    EnvironmentContext.makeCartPole(c, seed: seed &+ UInt64(i))
                }
            }
        } catch let e as LabError {
            throw e
        } catch {
            throw .badRun(path: "agent", detail: "cannot build the \(spec.agent.algorithm) agent: \(error)")
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
