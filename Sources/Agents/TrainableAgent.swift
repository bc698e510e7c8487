import CheckpointFormat
import Gym

/// What the lab needs from every agent (DQN family and policy-gradient family alike), so one
/// training loop, one checkpoint writer and one evaluator serve them all.
///
/// An agent owns its training environments (built from a factory, seeded `seed, seed+1, ...`) and
/// every generator it draws from, so its `trainingState()` plus `policyParameters()` are everything
/// needed to resume bit-exactly: restoring them into a freshly built agent with the same config and
/// continuing gives the same weights and metrics as never having stopped.
public protocol TrainableAgent: AnyObject {
    /// `dqn`, `ppo`, `a2c` or `reinforce`.
    var algorithm: String { get }
    /// Environment steps consumed so far, summed over env copies.
    var step: Int { get }
    /// Episodes finished so far.
    var episodes: Int { get }
    /// The step count schedules are relative to (progress = step / totalSteps).
    var totalSteps: Int { get }

    /// Trains until `step >= untilStep`, or earlier when `shouldStop()` returns true (polled at
    /// least every rollout / every `trainFrequency` steps, so Ctrl-C is honoured within a second).
    /// - Parameter log: receives scalars as (tag, value, step): `train/episode_return`,
    ///   `train/episode_length`, `train/loss`, `train/epsilon`, `train/learning_rate`, ...
    func train(untilStep: Int, shouldStop: () -> Bool, log: (String, Double, Int) -> Void) throws

    /// The deterministic action for one observation (greedy Q / mode / mean), as the env expects it.
    func act(_ observation: [Float]) -> Action

    /// The network a daemon acts with, parameters in order, with stable names.
    func policyParameters() -> [NamedTensor]
    /// How the policy network is built (kind, hidden widths, activation, dueling), for the policy spec.
    var policyNetwork: (kind: PolicySpec.NetworkKind, hidden: [Int], activation: String, dueling: Bool) { get }
    /// Observation normalization applied before the network, if any.
    var observationNormalization: PolicySpec.Normalization? { get }

    /// Everything else needed to resume: other networks, optimizer, all generator states (agent and
    /// env copies), env states, counters, schedules, normalizer statistics.
    func trainingState() -> TrainingState
    /// Restores a state saved by `trainingState()` (with the matching policy parameters).
    /// - Throws: `AgentError.incompatibleCheckpoint` naming what does not match.
    func restore(policy: [NamedTensor], training: TrainingState) throws
}

/// Agent problems a user can fix.
public enum AgentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A checkpoint that does not fit this agent (other algorithm, network shape, env).
    case incompatibleCheckpoint(String)
    /// The environment does not fit the agent (e.g. a Box action space for DQN).
    case unsupportedEnvironment(String)
    /// A configuration value out of range.
    case invalidConfig(path: String, found: String, expected: String)

    public var description: String {
        switch self {
        case .incompatibleCheckpoint(let m): return "checkpoint does not fit this agent: \(m)"
        case .unsupportedEnvironment(let m): return "unsupported environment: \(m)"
        case let .invalidConfig(path, found, expected): return "agent config '\(path)' is \(found); expected \(expected)"
        }
    }
}

