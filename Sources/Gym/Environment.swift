/// A reinforcement-learning environment with Gymnasium's API contract.
///
/// - `reset(seed:options:)` starts an episode and returns the first observation and an info value.
///   Passing a seed re-seeds the environment's own generator, so the episode (and every later one
///   until the next seed) is reproducible. `nil` continues the current generator.
/// - `step(_:)` applies an action and returns the next observation, the reward, and two distinct
///   flags: `terminated` (the MDP reached a terminal state: do not bootstrap) and `truncated`
///   (the episode was cut, e.g. by a time limit: bootstrap from the next observation).
/// - Calling `step` before the first `reset`, or after an episode ended without a new `reset`,
///   throws `EnvironmentError` (Gymnasium's order enforcement).
///
/// Observations are flat `Float` buffers described by `observationSpace` and named element by
/// element in `observationNames`, so a checkpoint can record exactly which inputs a policy was
/// trained on. Environments never depend on the tensor library.
///
/// For speed, the primitive requirements write the observation into a caller-owned buffer
/// (`reset(seed:options:into:)`, `step(_:into:)`), which lets a vector env step many copies without
/// allocating; the array-returning forms are provided in an extension.
public protocol Environment {
    /// Per-step diagnostics (typed: `MarketStepInfo` for the market env, `EmptyInfo` for CartPole).
    associatedtype Info: Sendable

    /// Where observations live.
    var observationSpace: BoxSpace { get }
    /// What actions are allowed.
    var actionSpace: ActionSpace { get }
    /// One name per observation element, in order.
    var observationNames: [String] { get }

    /// Starts an episode, writing the first observation into `observation`.
    /// - Parameters:
    ///   - seed: re-seeds the environment's generator when given.
    ///   - options: environment-specific reset options (documented by each environment).
    ///   - observation: a buffer of exactly `observationSpace.count` elements.
    /// - Throws: `EnvironmentError.invalidOption` for unknown or out-of-range options.
    mutating func reset(seed: UInt64?, options: ResetOptions, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> Info

    /// Applies `action`, writing the next observation into `observation`.
    /// - Throws: `EnvironmentError.resetNeeded` before the first reset or after the episode ended;
    ///   `EnvironmentError.invalidAction` when the action is not in `actionSpace`.
    mutating func step(_ action: Action, into observation: UnsafeMutableBufferPointer<Float>) throws(EnvironmentError) -> StepOutcome<Info>
}

/// Reward, end flags and info of one step (the observation is written separately).
public struct StepOutcome<Info: Sendable>: Sendable {
    public var reward: Double
    /// The MDP reached a terminal state (do not bootstrap from the next observation).
    public var terminated: Bool
    /// The episode was cut short, e.g. by a time limit (bootstrap from the next observation).
    public var truncated: Bool
    public var info: Info

    @inlinable
    public init(reward: Double, terminated: Bool, truncated: Bool, info: Info) {
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    /// True when the episode is over for either reason.
    @inlinable public var isDone: Bool { terminated || truncated }
}

/// The full result of `step(_:)` in the array-returning form.
public struct StepResult<Info: Sendable>: Sendable {
    public var observation: [Float]
    public var reward: Double
    public var terminated: Bool
    public var truncated: Bool
    public var info: Info

    /// A result from its parts.
    @inlinable
    public init(observation: [Float], reward: Double, terminated: Bool, truncated: Bool, info: Info) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
        self.info = info
    }

    /// True when the episode is over for either reason.
    @inlinable public var isDone: Bool { terminated || truncated }
}

/// Environment-specific reset options (Gymnasium's `options` dict), as named numbers and strings.
public struct ResetOptions: Sendable, Equatable {
    public var values: [String: Double]
    public var strings: [String: String]

    public init(values: [String: Double] = [:], strings: [String: String] = [:]) {
        self.values = values
        self.strings = strings
    }

    public static let none = ResetOptions()
}

/// An info value for environments with nothing to report.
public struct EmptyInfo: Sendable, Equatable {
    public init() {}
}

/// Misuse of an environment that a caller can recover from.
public enum EnvironmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `step` was called before `reset`, or after the episode ended.
    case resetNeeded(String)
    /// The action is not in the action space.
    case invalidAction(String)
    /// A reset option is unknown or out of range.
    case invalidOption(String)
    /// An imported state (`StatefulEnvironment.importState`) is missing entries or mis-sized.
    case invalidState(String)

    public var description: String {
        switch self {
        case .resetNeeded(let m): return "reset needed: \(m). Call reset(seed:options:) before step, and again after terminated or truncated."
        case .invalidAction(let m): return "invalid action: \(m)"
        case .invalidOption(let m): return "invalid reset option: \(m)"
        case .invalidState(let m): return "invalid environment state: \(m). Restore from a checkpoint of the same environment configuration."
        }
    }
}

extension Environment {
    /// Starts an episode and returns the first observation with the info.
    @inlinable
    public mutating func reset(seed: UInt64? = nil, options: ResetOptions = .none) throws(EnvironmentError) -> (observation: [Float], info: Info) {
        var obs = [Float](repeating: 0, count: observationSpace.count)
        let info = try obs.withUnsafeMutableBufferPointer { (buf) throws(EnvironmentError) -> Info in
            try reset(seed: seed, options: options, into: buf)
        }
        return (obs, info)
    }

    /// Applies `action` and returns the next observation, reward, end flags and info.
    @inlinable
    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Info> {
        var obs = [Float](repeating: 0, count: observationSpace.count)
        let out = try obs.withUnsafeMutableBufferPointer { (buf) throws(EnvironmentError) -> StepOutcome<Info> in
            try step(action, into: buf)
        }
        return StepResult(observation: obs, reward: out.reward, terminated: out.terminated, truncated: out.truncated, info: out.info)
    }
}
